#include "api/http/json_body.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace orgd::api {
namespace {

using Kind = JsonBodyError::Kind;

std::vector<FieldError> field_errors(const std::expected<void, JsonBodyError>& result) {
  if (result) return {};
  EXPECT_EQ(result.error().kind, Kind::invalid_fields) << result.error().detail;
  return result.error().errors;
}

bool is_malformed(const std::expected<void, JsonBodyError>& result) {
  return !result && result.error().kind == Kind::malformed;
}

std::string nested_arrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

// A typical command body: every kind of member.
struct Organization {
  std::string name;
  Nullable<std::string> parent_id;
  std::optional<std::string> locale;
  std::int64_t update_version{0};
  bool active{false};

  JsonObjectReader reader() {
    JsonObjectReader reader;
    reader.string("name", name, {.required = true, .min_len = 1, .max_len = 5})
        .optional_string("parentId", parent_id)
        .string("locale", locale)
        .integer("updateVersion", update_version, {.min = 1, .max = 100})
        .boolean("active", active)
        .ignore("memberCount");
    return reader;
  }
};

TEST(JsonObjectReader, ReadsDeclaredMembers) {
  Organization org;
  const auto result = org.reader().finish(
      R"({"name":"Acme","parentId":"p1","locale":"de-DE","updateVersion":7,"active":true,)"
      R"("memberCount":{"any":[1,2,{"x":null}]}})");
  ASSERT_TRUE(result) << result.error().detail;
  EXPECT_EQ(org.name, "Acme");
  ASSERT_TRUE(org.parent_id.present());
  EXPECT_EQ(org.parent_id.value, "p1");
  EXPECT_EQ(org.locale, "de-DE");
  EXPECT_EQ(org.update_version, 7);
  EXPECT_TRUE(org.active);
}

TEST(JsonObjectReader, DistinguishesAbsentNullAndPresent) {
  Organization absent;
  ASSERT_TRUE(absent.reader().finish(R"({"name":"A"})"));
  EXPECT_TRUE(absent.parent_id.absent());
  EXPECT_FALSE(absent.locale.has_value());

  Organization null;
  ASSERT_TRUE(null.reader().finish(R"({"name":"A","parentId":null})"));
  EXPECT_TRUE(null.parent_id.is_null());

  Organization present;
  ASSERT_TRUE(present.reader().finish(R"({"name":"A","parentId":""})"));
  EXPECT_TRUE(present.parent_id.present());
  EXPECT_EQ(present.parent_id.value, "");
}

TEST(JsonObjectReader, NullIsAnErrorForNonNullableMembers) {
  Organization org;
  const auto errors =
      field_errors(org.reader().finish(R"({"name":null,"locale":null,"active":null})"));
  EXPECT_EQ(errors, (std::vector<FieldError>{{"name", "must not be null"},
                                             {"locale", "must not be null"},
                                             {"active", "must not be null"}}));
}

TEST(JsonObjectReader, ReportsMissingRequiredMembers) {
  Organization org;
  EXPECT_EQ(field_errors(org.reader().finish("{}")),
            (std::vector<FieldError>{{"name", "is required"}}));
}

TEST(JsonObjectReader, RejectsUnknownMembersOnce) {
  Organization org;
  EXPECT_EQ(field_errors(org.reader().finish(R"({"name":"A","nmae":"B","nmae":"C"})")),
            (std::vector<FieldError>{{"nmae", "is not a known field"}}));
}

TEST(JsonObjectReader, RejectsDuplicateMembers) {
  Organization org;
  EXPECT_EQ(field_errors(org.reader().finish(R"({"name":"A","name":"B"})")),
            (std::vector<FieldError>{{"name", "appears more than once"}}));
  // An escaped key is the same key.
  Organization escaped;
  EXPECT_EQ(field_errors(escaped.reader().finish(R"({"name":"A","n\u0061me":"B"})")),
            (std::vector<FieldError>{{"name", "appears more than once"}}));
}

TEST(JsonObjectReader, ReportsWrongTypes) {
  Organization org;
  const auto errors = field_errors(org.reader().finish(
      R"({"name":5,"parentId":[1],"locale":{"a":1},"updateVersion":"7","active":"true"})"));
  EXPECT_EQ(errors, (std::vector<FieldError>{{"name", "must be a string"},
                                             {"parentId", "must be a string"},
                                             {"locale", "must be a string"},
                                             {"updateVersion", "must be an integer"},
                                             {"active", "must be true or false"}}));
  EXPECT_EQ(org.name, "");  // outputs stay untouched
}

TEST(JsonObjectReader, ChecksIntegers) {
  const auto errors_for = [](std::string_view value) {
    Organization org;
    return field_errors(
        org.reader().finish(R"({"name":"A","updateVersion":)" + std::string(value) + "}"));
  };
  EXPECT_TRUE(errors_for("100").empty());
  EXPECT_EQ(errors_for("1.5").at(0).message, "must be an integer");
  EXPECT_EQ(errors_for("1e2").at(0).message, "must be an integer");
  EXPECT_EQ(errors_for("99999999999999999999").at(0).message, "must be an integer");
  EXPECT_EQ(errors_for("0").at(0).message, "must be at least 1");
  EXPECT_EQ(errors_for("101").at(0).message, "must be at most 100");
  EXPECT_EQ(errors_for("-5").at(0).message, "must be at least 1");
}

TEST(JsonObjectReader, CountsLengthInCodePoints) {
  const auto errors_for = [](std::string_view name) {
    Organization org;
    return field_errors(org.reader().finish(R"({"name":")" + std::string(name) + R"("})"));
  };
  EXPECT_TRUE(errors_for("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9").empty());  // 5 x é
  EXPECT_TRUE(errors_for("\xF0\x9F\x98\x80\xF0\x9F\x98\x80").empty());          // 2 emoji
  EXPECT_TRUE(errors_for("\\u00e9\\u00e9").empty());
  EXPECT_EQ(errors_for("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"),
            (std::vector<FieldError>{{"name", "must be at most 5 characters long"}}));
  EXPECT_EQ(errors_for(""), (std::vector<FieldError>{{"name", "must not be empty"}}));
}

TEST(JsonObjectReader, MinimumLengthMessage) {
  std::string code;
  JsonObjectReader reader;
  reader.string("code", code, {.min_len = 2});
  EXPECT_EQ(field_errors(reader.finish(R"({"code":"a"})")),
            (std::vector<FieldError>{{"code", "must be at least 2 characters long"}}));
}

TEST(JsonObjectReader, RejectsNulInStrings) {
  Organization org;
  EXPECT_EQ(field_errors(org.reader().finish(R"({"name":"a\u0000b"})")),
            (std::vector<FieldError>{{"name", "must not contain NUL characters"}}));
}

TEST(JsonObjectReader, RejectsInvalidUtf8) {
  Organization org;
  const auto result = org.reader().finish("{\"name\":\"\xC3\x28\"}");
  ASSERT_TRUE(is_malformed(result));
  EXPECT_EQ(result.error().detail, "request body is not valid UTF-8");
}

TEST(JsonObjectReader, RejectsMalformedJson) {
  for (const char* body :
       {"", "   ", "{", R"({"name":})", R"({"name":"A")", R"({"name":"A",})", R"({"name" "A"})",
        R"({"name":"A"} x)", R"({"name":"A"}{})", R"({name:"A"})", R"({"name":'A'})",
        R"({"name":"A","memberCount":[1 2]})", R"({"name":"A","memberCount":nul})",
        R"({"name":"A","memberCount":tru})", R"({"name":"A","memberCount":-})",
        R"({"name":"A","memberCount":{"a"}})", R"({"name":"\x"})", R"({"name":"\ud800"})",
        "{\"name\":\"a\nb\"}"}) {
    Organization org;
    EXPECT_TRUE(is_malformed(org.reader().finish(body))) << body;
  }
}

TEST(JsonObjectReader, RequiresAnObjectAtTheTop) {
  for (const char* body : {"[]", "5", "\"s\"", "null", "true"}) {
    Organization org;
    const auto result = org.reader().finish(body);
    ASSERT_TRUE(is_malformed(result)) << body;
    EXPECT_EQ(result.error().detail, "request body must be a JSON object") << body;
  }
}

TEST(JsonObjectReader, LimitsNestingDepth) {
  // The top-level object is level 1, so 63 nested arrays reach exactly the limit of 64.
  Organization ok;
  EXPECT_TRUE(ok.reader().finish(R"({"name":"A","memberCount":)" + nested_arrays(63) + "}"));
  Organization deep;
  const auto result =
      deep.reader().finish(R"({"name":"A","memberCount":)" + nested_arrays(64) + "}");
  ASSERT_TRUE(is_malformed(result));
  EXPECT_NE(result.error().detail.find("deeper"), std::string::npos);
  // Also inside unknown members, and far beyond the limit (no stack exhaustion).
  Organization deeper;
  EXPECT_TRUE(is_malformed(
      deeper.reader().finish(R"({"name":"A","other":)" + nested_arrays(100000) + "}")));
}

TEST(JsonObjectReader, ReadsStringArrays) {
  std::vector<std::string> ids{"default"};
  JsonObjectReader reader;
  reader.string_array("ids", ids, {.max_items = 3, .item = {.min_len = 1}});
  ASSERT_TRUE(reader.finish(R"({"ids":["a","b"]})"));
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "b"}));

  std::vector<std::string> bad{"default"};
  JsonObjectReader bad_reader;
  bad_reader.string_array("ids", bad, {.max_items = 3, .item = {.min_len = 1}});
  EXPECT_EQ(field_errors(bad_reader.finish(R"({"ids":["a","",5,null,"e"]})")),
            (std::vector<FieldError>{{"ids[1]", "must not be empty"},
                                     {"ids[2]", "must be a string"},
                                     {"ids[3]", "must not be null"},
                                     {"ids", "must have at most 3 items"}}));
  EXPECT_EQ(bad, (std::vector<std::string>{"default"}));

  std::vector<std::string> not_array;
  JsonObjectReader not_array_reader;
  not_array_reader.string_array("ids", not_array, {.required = true});
  EXPECT_EQ(field_errors(not_array_reader.finish(R"({"ids":"a"})")),
            (std::vector<FieldError>{{"ids", "must be an array"}}));
}

TEST(JsonObjectReader, ReadsNestedObjectsWithPrefixedErrors) {
  bool dev = false;
  bool live = false;
  const auto declare = [&](JsonObjectReader& nested) {
    nested.boolean("dev", dev, {.required = true}).boolean("live", live);
  };
  JsonObjectReader reader;
  reader.object("active", declare, {.required = true});
  ASSERT_TRUE(reader.finish(R"({"active":{"dev":true,"live":true}})"));
  EXPECT_TRUE(dev);
  EXPECT_TRUE(live);

  JsonObjectReader bad;
  bad.object("active", declare);
  EXPECT_EQ(field_errors(bad.finish(R"({"active":{"live":1,"staging":true}})")),
            (std::vector<FieldError>{{"active.live", "must be true or false"},
                                     {"active.staging", "is not a known field"},
                                     {"active.dev", "is required"}}));

  JsonObjectReader missing;
  missing.object("active", declare, {.required = true});
  EXPECT_EQ(field_errors(missing.finish("{}")),
            (std::vector<FieldError>{{"active", "is required"}}));

  JsonObjectReader wrong;
  wrong.object("active", declare);
  EXPECT_EQ(field_errors(wrong.finish(R"({"active":[true]})")),
            (std::vector<FieldError>{{"active", "must be an object"}}));
}

TEST(JsonObjectReader, NullableIntegersAndBooleans) {
  Nullable<std::int64_t> limit;
  Nullable<bool> flag;
  std::optional<std::int64_t> page;
  std::optional<bool> enabled;
  JsonObjectReader reader;
  reader.optional_integer("limit", limit)
      .optional_boolean("flag", flag)
      .integer("page", page)
      .boolean("enabled", enabled);
  ASSERT_TRUE(reader.finish(R"({"limit":null,"flag":false,"page":3})"));
  EXPECT_TRUE(limit.is_null());
  ASSERT_TRUE(flag.present());
  EXPECT_FALSE(flag.value);
  EXPECT_EQ(page, 3);
  EXPECT_FALSE(enabled.has_value());
}

TEST(JsonObjectReader, CapsTheNumberOfReportedErrors) {
  std::string body = "{";
  for (int i = 0; i < 200; ++i) body += "\"f" + std::to_string(i) + "\":1,";
  body += "\"last\":1}";
  JsonObjectReader reader;
  EXPECT_EQ(field_errors(reader.finish(body)).size(), kMaxFieldErrors);
}

TEST(JsonObjectReader, DeclaringANameTwiceIsAProgrammerError) {
  std::string a;
  std::string b;
  JsonObjectReader reader;
  reader.string("name", a);
  EXPECT_THROW(reader.string("name", b), std::invalid_argument);
  EXPECT_THROW(reader.ignore("name"), std::invalid_argument);
}

TEST(JsonContentType, AcceptsJsonWithOptionalUtf8Charset) {
  EXPECT_TRUE(is_json_content_type("application/json"));
  EXPECT_TRUE(is_json_content_type("Application/JSON"));
  EXPECT_TRUE(is_json_content_type("application/json; charset=utf-8"));
  EXPECT_TRUE(is_json_content_type("application/json;charset=UTF-8"));
  EXPECT_TRUE(is_json_content_type("application/json; charset=\"utf-8\""));
  EXPECT_FALSE(is_json_content_type(""));
  EXPECT_FALSE(is_json_content_type("text/plain"));
  EXPECT_FALSE(is_json_content_type("application/jsonx"));
  EXPECT_FALSE(is_json_content_type("application/json; charset=latin1"));
  EXPECT_FALSE(is_json_content_type("application/json; boundary=x"));
  EXPECT_FALSE(is_json_content_type("application/json; charset=utf-8; x=y"));
}

TEST(JsonObjectReader, FinishOnARequestChecksTheContentType) {
  HttpRequest request;
  request.body = R"({"name":"A"})";
  request.path = "/api/v1/organizations";
  request.trace_id = "t1";

  request.content_type = "text/plain";
  Organization plain;
  const auto rejected = plain.reader().finish(request);
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().kind, Kind::unsupported_media_type);
  const auto problem = json_body_problem(request, rejected.error());
  EXPECT_EQ(problem.status, 415);
  EXPECT_EQ(boost::json::parse(problem.body).at("type"), "urn:orgd:problem:unsupported-media-type");

  request.content_type = "application/json; charset=utf-8";
  Organization json;
  EXPECT_TRUE(json.reader().finish(request));
  EXPECT_EQ(json.name, "A");
}

// For a body that may be left out: none at all is an object without members (whatever the
// Content-Type, which a bodiless request need not send), so required members are still missing;
// any other body is read as finish() reads it.
TEST(JsonObjectReader, FinishOptionalTakesNoBodyAsAnEmptyObject) {
  HttpRequest request;
  request.path = "/api/v1/invoices/x/pay";
  request.trace_id = "t1";
  EXPECT_TRUE(JsonObjectReader().finish_optional(request)) << "no body, no Content-Type";
  request.body = " \r\n\t";
  EXPECT_TRUE(JsonObjectReader().finish_optional(request)) << "whitespace says nothing either";
  request.body.clear();

  bool flag = false;
  std::string needed;
  JsonObjectReader with_members;
  with_members.boolean("flag", flag).string("needed", needed, {.required = true});
  const auto missing = with_members.finish_optional(request);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, Kind::invalid_fields);

  request.body = "{}";
  request.content_type = "text/plain";
  EXPECT_EQ(JsonObjectReader().finish_optional(request).error().kind, Kind::unsupported_media_type);
  request.content_type = "application/json";
  EXPECT_TRUE(JsonObjectReader().finish_optional(request));
  request.body = R"({"status":"void"})";
  EXPECT_EQ(JsonObjectReader().finish_optional(request).error().kind, Kind::invalid_fields)
      << "a member nobody declared is refused, not ignored";
  request.body = "{not json";
  EXPECT_EQ(JsonObjectReader().finish_optional(request).error().kind, Kind::malformed);
}

TEST(JsonBodyProblem, MapsEachKind) {
  HttpRequest request;
  request.path = "/x";
  request.trace_id = "t";
  const auto malformed =
      json_body_problem(request, {Kind::malformed, "invalid JSON: something", {}});
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(boost::json::parse(malformed.body).at("type"), "urn:orgd:problem:malformed-json");

  const auto invalid = json_body_problem(
      request, {Kind::invalid_fields, "the request body has invalid fields", {{"name", "bad"}}});
  EXPECT_EQ(invalid.status, 400);
  const auto body = boost::json::parse(invalid.body).as_object();
  EXPECT_EQ(body.at("type"), "urn:orgd:problem:validation-failed");
  EXPECT_EQ(body.at("errors").as_array().at(0).at("field"), "name");
}

}  // namespace
}  // namespace orgd::api
