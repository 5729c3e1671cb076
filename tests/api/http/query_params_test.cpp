#include "api/http/query_params.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace orgd::api {
namespace {

TEST(ParseQuery, DecodesNamesAndValues) {
  const auto params = parse_query("page=2&q=acme+corp&sort=-name&x%20y=%C3%A9");
  ASSERT_TRUE(params) << params.error().message;
  EXPECT_EQ(params->size(), 4u);
  EXPECT_EQ(params->get("page"), "2");
  EXPECT_EQ(params->get("q"), "acme corp");
  EXPECT_EQ(params->get("sort"), "-name");
  EXPECT_EQ(params->get("x y"), "\xC3\xA9");
  EXPECT_FALSE(params->get("missing"));
  EXPECT_EQ((*params)["missing"], "");
}

TEST(ParseQuery, EmptyPiecesAreSkippedAndBareNamesAreEmpty) {
  const auto params = parse_query("&a=1&&b&c=&");
  ASSERT_TRUE(params);
  EXPECT_EQ(params->size(), 3u);
  EXPECT_EQ(params->get("a"), "1");
  EXPECT_EQ(params->get("b"), "");
  EXPECT_EQ(params->get("c"), "");
  EXPECT_TRUE(parse_query("")->empty());
}

TEST(ParseQuery, ValueMayContainEqualsSign) {
  const auto params = parse_query("cursor=abc==");
  ASSERT_TRUE(params);
  EXPECT_EQ(params->get("cursor"), "abc==");
}

TEST(ParseQuery, RejectsDuplicateNames) {
  const auto params = parse_query("page=1&page=2");
  ASSERT_FALSE(params);
  EXPECT_EQ(params.error().parameter, "page");
  // Duplicates are detected after decoding.
  EXPECT_FALSE(parse_query("a=1&%61=2"));
}

TEST(ParseQuery, RejectsMalformedInput) {
  EXPECT_FALSE(parse_query("=1"));
  EXPECT_FALSE(parse_query("a=%zz"));
  EXPECT_FALSE(parse_query("a%=1"));
  EXPECT_FALSE(parse_query("a=%00"));
  EXPECT_FALSE(parse_query("a=%FF"));
  const auto error = parse_query("q=%4");
  ASSERT_FALSE(error);
  EXPECT_EQ(error.error().parameter, "q");
}

TEST(QueryErrorResponse, IsAnInvalidQueryProblemNamingTheParameter) {
  HttpRequest request;
  request.path = "/api/v1/organizations";
  request.trace_id = "abc";
  const auto response = query_error_response(request, {"page", "is given more than once"});
  EXPECT_EQ(response.status, 400);
  const auto body = boost::json::parse(response.body).as_object();
  EXPECT_EQ(body.at("type"), "urn:orgd:problem:invalid-query");
  EXPECT_EQ(body.at("errors").as_array().at(0).at("field"), "page");
  EXPECT_EQ(body.at("instance"), "/api/v1/organizations");
}

}  // namespace
}  // namespace orgd::api
