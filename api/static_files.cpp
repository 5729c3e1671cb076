#include "api/static_files.hpp"

#include <fstream>
#include <sstream>

#include "api/http/problem.hpp"

#ifndef ORGD_DEFAULT_SWAGGER_UI_DIR
#define ORGD_DEFAULT_SWAGGER_UI_DIR ".cache/npm/node_modules/swagger-ui-dist"
#endif

namespace orgd::api {
namespace {

// orgd's page instead of the package's index.html: <base> makes the relative asset names
// resolve under /apidocs/ whether the page is at /apidocs or not.
constexpr std::string_view kPage = R"html(<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>orgd API</title>
    <base href="/apidocs/">
    <link rel="stylesheet" type="text/css" href="swagger-ui.css">
    <link rel="stylesheet" type="text/css" href="index.css">
    <link rel="icon" type="image/png" href="favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="swagger-initializer.js" charset="UTF-8"></script>
  </body>
</html>
)html";

// validatorUrl null: the UI would otherwise send the document to validator.swagger.io.
constexpr std::string_view kInitializer = R"js(window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "BaseLayout"
  });
};
)js";

constexpr std::string_view kHtml = "text/html; charset=utf-8";
constexpr std::string_view kJavaScript = "text/javascript; charset=utf-8";

std::string_view content_type_of(std::string_view name) {
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".js")) return kJavaScript;
  if (name.ends_with(".png")) return "image/png";
  if (name.ends_with(".html")) return kHtml;
  return "application/octet-stream";
}

std::expected<std::string, std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected("cannot read " + path.string());
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return std::unexpected("cannot read " + path.string());
  return std::move(content).str();
}

HttpResponse file_response(const StaticFile& file, std::string_view cache_control) {
  HttpResponse response;
  response.content_type = file.content_type;
  response.shared_body = file.body;
  response.headers.emplace_back("Cache-Control", std::string(cache_control));
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return response;
}

HttpResponse unavailable_response(const HttpRequest& request, const ApiDocs& docs) {
  auto response = problem_response(request, 503, "api-docs-unavailable", "API docs unavailable",
                                   docs.unavailable_reason());
  return response;
}

}  // namespace

std::filesystem::path default_swagger_ui_dir() { return ORGD_DEFAULT_SWAGGER_UI_DIR; }

const std::vector<std::string_view>& swagger_ui_files() {
  static const std::vector<std::string_view> kFiles = {
      "swagger-ui.css",       "swagger-ui-bundle.js", "index.css",          "favicon-16x16.png",
      "favicon-32x32.png",    "oauth2-redirect.html", "oauth2-redirect.js",
  };
  return kFiles;
}

ApiDocs::ApiDocs() : page_{std::string(kHtml), std::make_shared<const std::string>(kPage)} {
  files_.emplace(
      "swagger-initializer.js",
      StaticFile{std::string(kJavaScript), std::make_shared<const std::string>(kInitializer)});
}

std::expected<std::shared_ptr<const ApiDocs>, std::string> ApiDocs::load(
    const std::filesystem::path& swagger_ui_dir) {
  std::shared_ptr<ApiDocs> docs(new ApiDocs());
  for (const auto name : swagger_ui_files()) {
    auto body = read_file(swagger_ui_dir / name);
    if (!body) return std::unexpected(body.error());
    docs->files_.emplace(std::string(name),
                         StaticFile{std::string(content_type_of(name)),
                                    std::make_shared<const std::string>(std::move(*body))});
  }
  return docs;
}

std::shared_ptr<const ApiDocs> ApiDocs::unavailable(std::string why) {
  std::shared_ptr<ApiDocs> docs(new ApiDocs());
  docs->unavailable_reason_ = why.empty() ? std::string("the Swagger UI files are missing") : why;
  return docs;
}

const StaticFile* ApiDocs::find(std::string_view name) const {
  const auto found = files_.find(name);
  return found == files_.end() ? nullptr : &found->second;
}

void add_apidocs_routes(Router& router, std::shared_ptr<const ApiDocs> docs) {
  router.add(HttpMethod::get, "/apidocs", [docs](HttpRequest request, PathParams, Responder respond) {
    if (!docs->available()) return respond(unavailable_response(request, *docs));
    respond(file_response(docs->page(), "no-cache"));
  });
  router.add(HttpMethod::get, "/apidocs/{file}",
             [docs](HttpRequest request, PathParams params, Responder respond) {
               if (!docs->available()) return respond(unavailable_response(request, *docs));
               const StaticFile* file = docs->find(params["file"]);
               if (file == nullptr) {
                 return respond(problem_response(request, 404, "not-found", "not found",
                                                 "no resource is served at this path"));
               }
               respond(file_response(*file, "public, max-age=3600"));
             });
}

RequestHandler with_apidocs_redirect(RequestHandler next) {
  return [next = std::move(next)](HttpRequest request, Responder respond) {
    const bool readable = request.method == HttpMethod::get || request.method == HttpMethod::head;
    if (readable && request.path == "/apidocs/") {
      HttpResponse response;
      response.status = 308;
      response.content_type = "text/plain; charset=utf-8";
      response.body = "/apidocs\n";
      response.headers.emplace_back("Location", "/apidocs");
      return respond(std::move(response));
    }
    next(std::move(request), std::move(respond));
  };
}

}  // namespace orgd::api
