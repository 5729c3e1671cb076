#include "api/http/router.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace orgd::api {
namespace {

// Captures what a handler (or the router) answers.
class CapturingSink final : public Responder::Sink {
 public:
  explicit CapturingSink(std::shared_ptr<std::optional<HttpResponse>> slot)
      : slot_(std::move(slot)) {}
  void send(HttpResponse response) override { *slot_ = std::move(response); }

 private:
  std::shared_ptr<std::optional<HttpResponse>> slot_;
};

// Answers "<label> k=v k=v..." with the path parameters it received.
RouteHandler labelled(std::string label) {
  return [label](HttpRequest, PathParams params, Responder respond) {
    HttpResponse response;
    response.content_type = "text/plain";
    response.body = label;
    for (const auto& [name, value] : params) response.body += " " + name + "=" + value;
    respond(std::move(response));
  };
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router_.add(HttpMethod::get, "/api/v1/organizations", labelled("list"), {"page", "q"})
        .add(HttpMethod::post, "/api/v1/organizations", labelled("create"))
        .add(HttpMethod::get, "/api/v1/organizations/{id}", labelled("read"))
        .add(HttpMethod::put, "/api/v1/organizations/{id}", labelled("update"))
        .add(HttpMethod::del, "/api/v1/organizations/{id}", labelled("delete"))
        .add(HttpMethod::del, "/api/v1/organizations/{id}/members/{customerId}", labelled("remove"))
        .add(HttpMethod::del, "/api/v1/sessions/current", labelled("logout"))
        .add(HttpMethod::get, "/api/v1/sessions/{id}", labelled("session"))
        .add(HttpMethod::head, "/api/v1/ping", labelled("ping-head"))
        .add(HttpMethod::get, "/api/v1/ping", labelled("ping-get"));
  }

  HttpResponse call(HttpMethod method, std::string path, std::string method_name = "GET",
                    std::string query = {}) {
    HttpRequest request;
    request.method = method;
    request.method_name = std::move(method_name);
    request.path = std::move(path);
    request.target = query.empty() ? request.path : request.path + "?" + query;
    request.query = std::move(query);
    request.trace_id = "trace";
    auto slot = std::make_shared<std::optional<HttpResponse>>();
    router_.dispatch(std::move(request), Responder(std::make_shared<CapturingSink>(slot)));
    EXPECT_TRUE(slot->has_value());
    return slot->value_or(HttpResponse{});
  }

  static std::string problem_type(const HttpResponse& response) {
    return std::string(boost::json::parse(response.body).at("type").as_string());
  }

  static std::string header(const HttpResponse& response, std::string_view name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) return value;
    }
    return {};
  }

  Router router_;
};

TEST_F(RouterTest, DispatchesByMethodAndPath) {
  EXPECT_EQ(call(HttpMethod::get, "/api/v1/organizations").body, "list");
  EXPECT_EQ(call(HttpMethod::post, "/api/v1/organizations", "POST").body, "create");
  EXPECT_EQ(call(HttpMethod::put, "/api/v1/organizations/o1", "PUT").body, "update id=o1");
  EXPECT_EQ(call(HttpMethod::del, "/api/v1/organizations/o1/members/c2", "DELETE").body,
            "remove id=o1 customerId=c2");
}

// The template the router tells the responder is the one route_template() names, and is told
// before the handler answers (metrics and the access log take it from there).
// A route takes the query parameters it names and no other: the handler never sees one it
// would ignore.
TEST_F(RouterTest, RefusesQueryParametersTheRouteDoesNotTake) {
  EXPECT_EQ(call(HttpMethod::get, "/api/v1/organizations", "GET", "page=2&q=acme").body, "list");
  EXPECT_EQ(call(HttpMethod::head, "/api/v1/organizations", "HEAD", "q=acme").body, "list")
      << "HEAD takes what GET takes";
  using Case = std::tuple<HttpMethod, std::string, std::string, std::string, std::string>;
  for (const auto& [method, name, path, query, refused] : std::vector<Case>{
           {HttpMethod::get, "GET", "/api/v1/organizations", "page=2&sort=name", "sort"},
           {HttpMethod::get, "GET", "/api/v1/organizations/7", "asOf=3", "asOf"},
           {HttpMethod::post, "POST", "/api/v1/organizations", "page=1", "page"},
           {HttpMethod::get, "GET", "/api/v1/organizations", "q=%zz", "q"}}) {
    const auto r = call(method, path, name, query);
    EXPECT_EQ(r.status, 400) << path << "?" << query;
    EXPECT_EQ(r.content_type, "application/problem+json") << query;
    const auto errors = boost::json::parse(r.body).at("errors").as_array();
    ASSERT_EQ(errors.size(), 1u) << r.body;
    EXPECT_EQ(errors.at(0).at("field").as_string(), refused) << r.body;
  }
}

TEST_F(RouterTest, TellsTheResponderWhichTemplateMatched) {
  struct Told {
    std::string route;
    bool before_answer{false};
  };
  class TemplateSink final : public Responder::Sink {
   public:
    explicit TemplateSink(std::shared_ptr<Told> told) : told_(std::move(told)) {}
    void matched(std::string_view route) override { told_->route = route; }
    void send(HttpResponse) override { told_->before_answer = !told_->route.empty(); }

   private:
    std::shared_ptr<Told> told_;
  };
  const auto told_for = [this](HttpMethod method, std::string path) {
    HttpRequest request;
    request.method = method;
    request.method_name = "GET";
    request.path = std::move(path);
    auto told = std::make_shared<Told>();
    router_.dispatch(std::move(request), Responder(std::make_shared<TemplateSink>(told)));
    return *told;
  };
  const auto read = told_for(HttpMethod::get, "/api/v1/organizations/o1");
  EXPECT_EQ(read.route, "/api/v1/organizations/{id}");
  EXPECT_TRUE(read.before_answer);
  EXPECT_EQ(read.route, router_.route_template(std::string_view("/api/v1/organizations/o1")));
  EXPECT_EQ(told_for(HttpMethod::get, "/api/v1/sessions/current").route, "/api/v1/sessions/current")
      << "a 405 still names its route";
  EXPECT_EQ(told_for(HttpMethod::get, "/api/v1/nothing/here").route, "") << "404: no route";
}

TEST_F(RouterTest, PercentDecodesParametersAndLiterals) {
  EXPECT_EQ(call(HttpMethod::get, "/api/v1/organizations/a%20b%C3%A9").body, "read id=a b\xC3\xA9");
  EXPECT_EQ(call(HttpMethod::get, "/api/v1/organizations/a+b").body, "read id=a+b");
  EXPECT_EQ(call(HttpMethod::get, "/api/v1/%6Frganizations").body, "list");
}

TEST_F(RouterTest, LiteralSegmentsWinOverParameters) {
  EXPECT_EQ(call(HttpMethod::del, "/api/v1/sessions/current", "DELETE").body, "logout");
  EXPECT_EQ(call(HttpMethod::get, "/api/v1/sessions/s1").body, "session id=s1");
  // The more literal template matches the path, so GET there is a 405, not the {id} route.
  const auto response = call(HttpMethod::get, "/api/v1/sessions/current");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(header(response, "Allow"), "DELETE");
}

TEST_F(RouterTest, UnknownPathIs404) {
  for (const char* path : {"/api/v1/nothing", "/api/v1/organizations/", "/api/v1",
                           "/api/v1/organizations/o1/extra", "/", "/api/v1//organizations"}) {
    const auto response = call(HttpMethod::get, path);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_EQ(problem_type(response), "urn:orgd:problem:not-found") << path;
  }
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  const auto response = call(HttpMethod::patch, "/api/v1/organizations/o1", "PATCH");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.content_type, "application/problem+json");
  EXPECT_EQ(problem_type(response), "urn:orgd:problem:method-not-allowed");
  EXPECT_EQ(header(response, "Allow"), "GET, HEAD, PUT, DELETE");
  EXPECT_EQ(header(call(HttpMethod::del, "/api/v1/organizations", "DELETE"), "Allow"),
            "GET, HEAD, POST");
}

TEST_F(RouterTest, UnknownMethodIs405) {
  const auto response = call(HttpMethod::other, "/api/v1/organizations", "BREW");
  EXPECT_EQ(response.status, 405);
  EXPECT_NE(response.body.find("BREW"), std::string::npos);
}

TEST_F(RouterTest, HeadFallsBackToGetUnlessRegistered) {
  EXPECT_EQ(call(HttpMethod::head, "/api/v1/organizations/o1", "HEAD").body, "read id=o1");
  EXPECT_EQ(call(HttpMethod::head, "/api/v1/ping", "HEAD").body, "ping-head");
}

TEST_F(RouterTest, RejectsTraversalAndBadEscapesWith400) {
  for (const char* path :
       {"/api/v1/organizations/..", "/api/v1/organizations/.", "/api/v1/organizations/%2e%2E",
        "/api/v1/organizations/a%2Fb", "/api/v1/organizations/a%00", "/api/v1/organizations/%zz",
        "/api/v1/organizations/%", "/api/v1/organizations/%FF", "/api/v1/../v1/organizations",
        "api/v1/organizations", ""}) {
    const auto response = call(HttpMethod::get, path);
    EXPECT_EQ(response.status, 400) << path;
    EXPECT_EQ(problem_type(response), "urn:orgd:problem:invalid-path") << path;
  }
}

// Unescaped, these take the path's fast lane (checked as a whole, never decoded); escaped,
// the same bytes are refused segment by segment above.
TEST_F(RouterTest, RejectsRawNulAndInvalidUtf8With400) {
  using namespace std::string_literals;
  for (const std::string& path : {"/api/v1/organizations/a\0b"s, "/api/v1/organizations/\xC3("s,
                                  "/api/v1/\xFF/organizations"s}) {
    const auto response = call(HttpMethod::get, path);
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(problem_type(response), "urn:orgd:problem:invalid-path");
  }
  EXPECT_EQ(call(HttpMethod::get, "/api/v1/organizations/caf\xC3\xA9").body, "read id=caf\xC3\xA9");
}

TEST_F(RouterTest, ReportsTheMatchedTemplate) {
  HttpRequest request;
  request.path = "/api/v1/organizations/o1/members/c2";
  EXPECT_EQ(router_.route_template(request), "/api/v1/organizations/{id}/members/{customerId}");
  request.path = "/api/v1/sessions/current";
  EXPECT_EQ(router_.route_template(request), "/api/v1/sessions/current");
  request.path = "/nowhere";
  EXPECT_EQ(router_.route_template(request), "");
}

TEST_F(RouterTest, ReportsTheTemplateOfARawPath) {
  EXPECT_EQ(router_.route_template(std::string_view("/api/v1/organizations/a%20b")),
            "/api/v1/organizations/{id}");
  EXPECT_EQ(router_.route_template(std::string_view("/api/v1/organizations/%zz")), "");
}

TEST_F(RouterTest, ListsEveryRegisteredRoute) {
  const auto routes = router_.routes();
  EXPECT_EQ(routes.size(), 10u);
  const auto has = [&routes](HttpMethod method, std::string_view templ) {
    return std::ranges::find(routes, std::pair<HttpMethod, std::string>{method, std::string(templ)}) !=
           routes.end();
  };
  EXPECT_TRUE(has(HttpMethod::post, "/api/v1/organizations"));
  EXPECT_TRUE(has(HttpMethod::del, "/api/v1/organizations/{id}/members/{customerId}"));
  EXPECT_TRUE(has(HttpMethod::head, "/api/v1/ping"));
  EXPECT_FALSE(has(HttpMethod::head, "/api/v1/organizations"));  // served through GET, not listed
}

TEST_F(RouterTest, ProblemsCarryInstanceAndTraceId) {
  const auto body = boost::json::parse(call(HttpMethod::get, "/missing").body).as_object();
  EXPECT_EQ(body.at("instance"), "/missing");
  EXPECT_EQ(body.at("traceId"), "trace");
}

TEST(RouterAdd, RejectsMalformedOrConflictingTemplates) {
  const auto noop = [](HttpRequest, PathParams, Responder) {};
  Router router;
  router.add(HttpMethod::get, "/a/{id}", noop);
  EXPECT_THROW(router.add(HttpMethod::get, "/a/{id}", noop), std::invalid_argument);
  EXPECT_THROW(router.add(HttpMethod::put, "/a/{other}", noop), std::invalid_argument);
  EXPECT_THROW(router.add(HttpMethod::get, "a", noop), std::invalid_argument);
  EXPECT_THROW(router.add(HttpMethod::get, "/a//b", noop), std::invalid_argument);
  EXPECT_THROW(router.add(HttpMethod::get, "/a/", noop), std::invalid_argument);
  EXPECT_THROW(router.add(HttpMethod::get, "/a/{}", noop), std::invalid_argument);
  EXPECT_THROW(router.add(HttpMethod::get, "/a/{x-y}", noop), std::invalid_argument);
  EXPECT_THROW(router.add(HttpMethod::get, "/a/x{y}", noop), std::invalid_argument);
  EXPECT_THROW(router.add(HttpMethod::get, "/b/{x}/{x}", noop), std::invalid_argument);
  EXPECT_THROW(router.add(HttpMethod::other, "/c", noop), std::invalid_argument);
  EXPECT_THROW(router.add(HttpMethod::get, "/c", RouteHandler{}), std::invalid_argument);
  EXPECT_NO_THROW(router.add(HttpMethod::put, "/a/{id}", noop));
  EXPECT_NO_THROW(router.add(HttpMethod::get, "/", noop));
}

}  // namespace
}  // namespace orgd::api
