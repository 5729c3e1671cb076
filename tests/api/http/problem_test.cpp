#include "api/http/problem.hpp"

#include <gtest/gtest.h>

#include <array>
#include <boost/json/parse.hpp>

namespace orgd::api {
namespace {

boost::json::object parse(const HttpResponse& response) {
  return boost::json::parse(response.body).as_object();
}

TEST(ProblemResponse, HasEveryRfc9457MemberAndOurTraceId) {
  const auto response = problem_response(404, "not-found", "Not Found", "no such organization",
                                         "/api/v1/organizations/x", "0123abcd");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/problem+json");
  const auto body = parse(response);
  EXPECT_EQ(body.at("type"), "urn:orgd:problem:not-found");
  EXPECT_EQ(body.at("title"), "Not Found");
  EXPECT_EQ(body.at("status"), 404);
  EXPECT_EQ(body.at("detail"), "no such organization");
  EXPECT_EQ(body.at("instance"), "/api/v1/organizations/x");
  EXPECT_EQ(body.at("traceId"), "0123abcd");
  EXPECT_FALSE(body.contains("errors"));
}

// Found by fuzzing (tests/fuzz/http_request_fuzz.cpp): a request path or a raw query piece
// with bytes that are not UTF-8 (Beast accepts any byte above 0x7f in a target) made the
// problem body invalid JSON.
TEST(ProblemResponse, TextThatIsNotUtf8IsPercentEncoded) {
  const std::array errors{FieldError{"q\xff", "is not valid UTF-8 or contains NUL"}};
  const auto response = problem_response(400, "invalid-query", "Invalid Query",
                                         "query parameter 'q\xff' is not valid UTF-8",
                                         "/api/\xfb\xff/caf\xc3\xa9", "t", errors);
  boost::system::error_code ec;
  const auto body = boost::json::parse(response.body, ec);  // strict: rejects invalid UTF-8
  ASSERT_FALSE(ec) << response.body;
  EXPECT_EQ(body.at("instance"), "/api/%FB%FF/caf%C3%A9");
  EXPECT_EQ(body.at("detail"), "query parameter 'q%FF' is not valid UTF-8");
  EXPECT_EQ(body.at("errors").at(0).at("field"), "q%FF");
  // UTF-8 text stays as it is.
  EXPECT_EQ(parse(problem_response(404, "not-found", "Not Found", "", "/caf\xc3\xa9", "t"))
                .at("instance"),
            "/caf\xc3\xa9");
}

TEST(ProblemResponse, ListsFieldErrors) {
  const std::array errors{FieldError{"name", "is required"},
                          FieldError{"country", "must be 2 letters"}};
  const auto body = parse(problem_response(400, "validation-failed", "Validation Failed",
                                           "invalid fields", "/x", "t", errors));
  const auto& list = body.at("errors").as_array();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].at("field"), "name");
  EXPECT_EQ(list[0].at("message"), "is required");
  EXPECT_EQ(list[1].at("field"), "country");
}

TEST(ProblemResponse, EscapesTextItDidNotWrite) {
  const auto response =
      problem_response(400, "x", "T", "quote \" backslash \\ newline \n", "/a\"b", "t");
  EXPECT_EQ(parse(response).at("detail"), "quote \" backslash \\ newline \n");
}

TEST(ProblemResponse, AddsExtensionMembersButKeepsStandardOnes) {
  const auto body = parse(problem_response(409, "conflict", "Conflict", "taken", "/x", "t", {},
                                           {{"conflict", "name"}, {"status", 999}}));
  EXPECT_EQ(body.at("conflict"), "name");
  EXPECT_EQ(body.at("status"), 409);
}

TEST(ProblemResponse, TakesInstanceAndTraceIdFromTheRequest) {
  HttpRequest request;
  request.path = "/api/v1/me";
  request.trace_id = "feed";
  const auto body = parse(problem_response(request, 401, "unauthorized", "Unauthorized", "no"));
  EXPECT_EQ(body.at("instance"), "/api/v1/me");
  EXPECT_EQ(body.at("traceId"), "feed");
  EXPECT_EQ(body.at("status"), 401);
}

}  // namespace
}  // namespace orgd::api
