// /apidocs: the page, the generated initializer, only the listed files, 503 without them,
// and the trailing-slash redirect.

#include "api/static_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace orgd::api {
namespace {

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("orgd-static-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

HttpResponse get(const Router& router, std::string path) {
  HttpRequest request;
  request.method = HttpMethod::get;
  request.method_name = "GET";
  request.path = request.target = std::move(path);
  HttpResponse answer;
  struct Sink final : Responder::Sink {
    explicit Sink(HttpResponse& out) : out_(out) {}
    void send(HttpResponse response) override { out_ = std::move(response); }
    HttpResponse& out_;
  };
  with_apidocs_redirect(router.handler())(std::move(request),
                                          Responder(std::make_shared<Sink>(answer)));
  return answer;
}

TEST(ApiDocs, ServesThePageTheInitializerAndTheListedFilesOnly) {
  TempDir dir;
  for (const auto name : swagger_ui_files()) {
    std::ofstream(dir.path() / std::string(name)) << "content of " << name;
  }
  std::ofstream(dir.path() / "package.json") << "{}";
  auto docs = ApiDocs::load(dir.path());
  ASSERT_TRUE(docs) << docs.error();
  Router router;
  add_apidocs_routes(router, *docs);

  auto page = get(router, "/apidocs");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body_text().find("swagger-ui-bundle.js"), std::string::npos);
  auto initializer = get(router, "/apidocs/swagger-initializer.js");
  EXPECT_EQ(initializer.status, 200);
  EXPECT_NE(initializer.body_text().find("\"/openapi.json\""), std::string::npos);
  EXPECT_NE(initializer.body_text().find("validatorUrl: null"), std::string::npos);
  auto css = get(router, "/apidocs/swagger-ui.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
  EXPECT_EQ(css.body_text(), "content of swagger-ui.css");
  EXPECT_EQ(get(router, "/apidocs/package.json").status, 404);
  EXPECT_EQ(get(router, "/apidocs/..%2Fpackage.json").status, 400);
  auto redirect = get(router, "/apidocs/");
  EXPECT_EQ(redirect.status, 308);
  ASSERT_FALSE(redirect.headers.empty());
  EXPECT_EQ(redirect.headers.front(), (std::pair<std::string, std::string>{"Location", "/apidocs"}));
}

TEST(ApiDocs, AMissingFileIsAnErrorAndUnavailableDocsAnswer503) {
  TempDir dir;
  auto docs = ApiDocs::load(dir.path());
  ASSERT_FALSE(docs);
  EXPECT_NE(docs.error().find("swagger-ui.css"), std::string::npos) << docs.error();
  Router router;
  add_apidocs_routes(router, ApiDocs::unavailable("not installed"));
  EXPECT_EQ(get(router, "/apidocs").status, 503);
  EXPECT_EQ(get(router, "/apidocs/swagger-ui.css").status, 503);
}

}  // namespace
}  // namespace orgd::api
