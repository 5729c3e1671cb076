// Hostile input: every malformed, oversized, ambiguous or slow request gets its documented
// 4xx problem (or its connection is closed after the documented timeout), nothing is appended
// to the event log, and the server keeps answering other clients throughout. The answers are
// the README's "Reliability" table. (bad_input_e2e_test.cpp has the ordinary mistakes.)

#include <sys/resource.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <random>
#include <thread>

#include "api/credentials.hpp"
#include "api/http/json_body.hpp"
#include "api/http/router.hpp"
#include "tests/e2e/orgd_fixture.hpp"
#include "tests/support/metrics_text.hpp"
#include "tests/support/raw_connection.hpp"

namespace orgd::e2e {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using test::RawConnection;
using test::RawResponse;

constexpr auto kRequestTimeout = 2s;
constexpr auto kIdleTimeout = 2s;
// How long a refused connection may take to be closed, and the margin on every timeout.
constexpr auto kSlack = 3s;
constexpr std::string_view kOrgs = "/api/v1/organizations";

std::string nested(std::size_t depth, char open, char close, std::string_view inner = "1") {
  return std::string(depth, open) + std::string(inner) + std::string(depth, close);
}

class HostileInput : public OrgdTest {
 protected:
  void SetUp() override {
    start_hostile();
    token_ = login();
    id_ = str(create_org("Target"), "id");
    head_before_ = head();
  }

  // Like OrgdTest::start, with short timeouts so that the slow cases finish quickly.
  void start_hostile(std::size_t max_connections = 10000,
                     std::chrono::seconds idle_timeout = kIdleTimeout) {
    client_.reset();
    app_.reset();
    api::OrgdOptions options;
    options.listen_port = 0;
    options.data_dir = dir_.path() / "data";
    options.io_threads = 2;
    options.bootstrap = {kAdminEmail, kAdminPassword};
    options.request_timeout = kRequestTimeout;
    options.idle_timeout = idle_timeout;
    options.max_connections = max_connections;
    auto app = api::Application::start(options);
    ASSERT_TRUE(app.has_value()) << app.error().message;
    app_ = std::move(*app);
    client_ = std::make_unique<test::HttpClient>(app_->port());
  }

  std::uint16_t port() const { return app_->port(); }

  // The event log did not move, and a new client is answered.
  void expect_unchanged_and_serving(std::string_view what) {
    EXPECT_EQ(head(), head_before_) << what << ": a refused request appended something";
    test::HttpClient fresh(port());
    EXPECT_EQ(fresh.request("GET", "/healthz").status, 200) << what << ": not serving others";
  }

  static void expect_problem(int status, std::string_view content_type, std::string_view body,
                             int expected, std::string_view slug, std::string_view what) {
    EXPECT_EQ(status, expected) << what << " -> " << body;
    EXPECT_EQ(content_type, "application/problem+json") << what;
    boost::system::error_code ec;
    const auto problem = boost::json::parse(body, ec);
    ASSERT_FALSE(ec) << what << ": not JSON: " << body;
    ASSERT_TRUE(problem.is_object()) << what;
    const auto* status_member = problem.as_object().if_contains("status");
    const auto* type = problem.as_object().if_contains("type");
    ASSERT_TRUE(status_member != nullptr && type != nullptr) << what << " -> " << body;
    EXPECT_EQ(*status_member, expected) << what;
    EXPECT_EQ(*type, boost::json::value("urn:orgd:problem:" + std::string(slug)))
        << what << " -> " << body;
  }

  void expect_problem(const test::HttpResult& r, int status, std::string_view slug,
                      std::string_view what) {
    expect_problem(r.status, r.header("Content-Type"), r.body, status, slug, what);
    expect_unchanged_and_serving(what);
  }

  // Sends `bytes` on a new connection and expects exactly one answer, the problem `status`,
  // and the connection closed after it: whatever followed was not read as a request.
  void expect_refused_and_closed(std::string_view bytes, int status, std::string_view slug,
                                 std::string_view what) {
    RawConnection raw(port());
    raw.send(bytes);
    const auto received = raw.read_until_close(5s);
    EXPECT_TRUE(received.closed) << what << ": the connection stayed open";
    const auto responses = test::parse_responses(received.bytes);
    ASSERT_EQ(responses.size(), 1u) << what << " -> " << received.bytes;
    const RawResponse& r = responses.front();
    expect_problem(r.status, r.header("Content-Type"), r.body, status, slug, what);
    EXPECT_EQ(r.header("Connection"), "close") << what;
    expect_unchanged_and_serving(what);
  }

  // GET `target` on a new connection, as an attacker's client would send it: byte for byte.
  RawResponse get_raw(std::string_view target) {
    RawConnection raw(port());
    raw.send("GET " + std::string(target) + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
             token_ + "\r\nConnection: close\r\n\r\n");
    const auto responses = test::parse_responses(raw.read_until_close(5s).bytes);
    return responses.size() == 1 ? responses.front() : RawResponse{};
  }

  // A complete, authorized request that would append an event if the server ever read it:
  // what a smuggler hides behind an ambiguous first request.
  std::string smuggled() const {
    const std::string body = R"({"name":"Smuggled"})";
    return "POST " + std::string(kOrgs) + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
           token_ +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
  }

  std::string id_;
  std::uint64_t head_before_{0};
};

// ---- JSON bodies ---------------------------------------------------------------------------

TEST_F(HostileInput, MalformedJsonIs400) {
  for (const std::string& body : std::vector<std::string>{
           R"({"name":"a",})", R"({'name':'a'})", R"({"name":"a")", R"({"name":NaN})",
           R"({"name":"a"}/* comment */)", R"({"name" "a"})", R"({"name":"a\u00"})",
           std::string("{\"name\":\"a\x01\"}"), R"({"name":"a"}{"name":"b"})", R"({"name":01})",
           "{\"name\":\"a\"}\0"s, "\xEF\xBB\xBF{}garbage"}) {
    expect_problem(call("POST", std::string(kOrgs), body), 400, "malformed-json", body);
  }
}

TEST_F(HostileInput, InvalidUtf8Is400) {
  for (const std::string& body : std::vector<std::string>{
           "{\"name\":\"\xff\"}", "{\"name\":\"\xc0\xaf\"}", "{\"name\":\"\xed\xa0\x80\"}",
           "{\"name\":\"\xe2\x82\"}", "{\"name\":\"\xf4\x90\x80\x80\"}", "{\"\xfe\":\"a\"}",
           R"({"name":"\ud800"})", R"({"name":"\udc00x"})"}) {
    expect_problem(call("POST", std::string(kOrgs), body), 400, "malformed-json", body);
  }
}

TEST_F(HostileInput, JsonNestedTenThousandDeepIs400) {
  const std::size_t deep = 10'000;
  const std::string arrays = nested(deep, '[', ']');
  std::string objects;
  for (std::size_t i = 0; i < deep; ++i) objects += R"({"a":)";
  objects += "1" + std::string(deep, '}');
  for (const std::string& body :
       {R"({"name":)" + arrays + "}", R"({"name":"x","colour":)" + arrays + "}",
        R"({"name":"x","colour":)" + objects + "}", arrays, objects,
        R"({"name":"x","colour":)" + std::string(deep, '['),
        R"({"name":"x","colour":)" + nested(64, '[', ']') + "}"}) {
    expect_problem(call("POST", std::string(kOrgs), body), 400, "malformed-json",
                   body.substr(0, 40));
  }
  // A resource's attributes are the one nested object a body may have.
  expect_problem(call("POST", "/api/v1/resources",
                      R"({"kind":"dataset","name":"x","attributes":{"active":)" + arrays + "}}"),
                 400, "malformed-json", "resource attributes");
  // One level less than the limit is well-formed: the unknown member is the only complaint.
  expect_problem(
      call("POST", std::string(kOrgs), R"({"name":"x","colour":)" + nested(62, '[', ']') + "}"),
      400, "validation-failed", "62 deep");
}

TEST_F(HostileInput, DuplicateKeysAre400) {
  const auto r = call("POST", std::string(kOrgs), R"({"name":"A","name":"B"})");
  expect_problem(r, 400, "validation-failed", "duplicate name");
  const auto error = json(r).at("errors").at(0);
  EXPECT_EQ(str(error, "field"), "name");
  EXPECT_EQ(str(error, "message"), "appears more than once");
  expect_problem(call("PUT", std::string(kOrgs) + "/" + id_,
                      R"({"description":"x","updateVersion":1,"updateVersion":1})"),
                 400, "validation-failed", "duplicate updateVersion");
}

TEST_F(HostileInput, NumbersOutOfRangeAre400) {
  const std::string path = std::string(kOrgs) + "/" + id_;
  // Beyond double range is not JSON a parser can read; the rest is JSON, but no int64 >= 1.
  expect_problem(call("PUT", path, R"({"description":"x","updateVersion":1e400})"), 400,
                 "malformed-json", "1e400");
  for (const std::string_view number :
       {"18446744073709551616", "9223372036854775808", "-9223372036854775809", "-1", "0", "1.5",
        "1e2", "-0.0", "123456789012345678901234567890"}) {
    const std::string body = R"({"description":"x","updateVersion":)" + std::string(number) + "}";
    expect_problem(call("PUT", path, body), 400, "validation-failed", number);
  }
  // Numbers nobody reads are still parsed, and still refused.
  expect_problem(call("POST", std::string(kOrgs), R"({"name":"x","colour":1e400})"), 400,
                 "malformed-json", "unknown 1e400");
}

TEST_F(HostileInput, StringsOverTheirLimitsAre400) {
  std::string accents;
  for (int i = 0; i < 10'001; ++i) accents += "\xc3\xa9";
  for (const std::string& name : {std::string(10'001, 'a'), accents}) {
    const auto r = call("POST", std::string(kOrgs), R"({"name":")" + name + "\"}");
    expect_problem(r, 400, "validation-failed", "name of 10,001 characters");
    // The domain's rule is the one named, not a looser bound of the body reader's.
    EXPECT_EQ(str(json(r).at("errors").at(0), "message"), "must have at most 100 characters");
  }
  expect_problem(call("POST", std::string(kOrgs), R"({"name":"a\u0000b"})"), 400,
                 "validation-failed", "NUL in a string");
  for (const std::size_t length : {1'001, 10'001}) {
    const auto r =
        call("PUT", std::string(kOrgs) + "/" + id_,
             R"({"description":")" + std::string(length, 'd') + R"(","updateVersion":1})");
    expect_problem(r, 400, "validation-failed", "description over 1000 characters");
    EXPECT_EQ(str(json(r).at("errors").at(0), "message"), "must have at most 1000 characters")
        << length;
  }
}

TEST_F(HostileInput, UnknownFieldsAre400AndTheirListIsBounded) {
  std::string body = R"({"name":"x")";
  for (int i = 0; i < 1'000; ++i) body += ",\"f" + std::to_string(i) + "\":" + std::to_string(i);
  body += "}";
  const auto r = call("POST", std::string(kOrgs), body);
  expect_problem(r, 400, "validation-failed", "1,000 unknown fields");
  EXPECT_EQ(json(r).at("errors").as_array().size(), api::kMaxFieldErrors);
  // 80,000 distinct unknown keys, before any token is checked: each looked up among those
  // already reported once took ~16 s of an I/O thread in all.
  std::string keys = "{";
  for (int i = 0; i < 80'000; ++i) keys += (i == 0 ? "\"" : ",\"") + std::to_string(i) + "\":0";
  keys += "}";
  const auto login_flood =
      client_->request("POST", "/api/v1/sessions", keys, {{"Content-Type", "application/json"}});
  expect_problem(login_flood, 400, "validation-failed", "80,000 unknown fields");
  EXPECT_EQ(json(login_flood).at("errors").as_array().size(), api::kMaxFieldErrors);
  expect_problem(call("PUT", std::string(kOrgs) + "/" + id_,
                      R"({"description":"x","updateVersion":1,"__proto__":{"admin":true}})"),
                 400, "validation-failed", "__proto__");
}

// ---- HTTP framing and limits ---------------------------------------------------------------

TEST_F(HostileInput, BodiesOverTheLimitAre413) {
  const std::string auth = "Authorization: Bearer " + token_ + "\r\n";
  const std::string post = "POST " + std::string(kOrgs) + " HTTP/1.1\r\nHost: x\r\n" + auth +
                           "Content-Type: application/json\r\n";
  // Refused from the header alone: the body is never waited for.
  expect_refused_and_closed(post + "Content-Length: 1099511627776\r\n\r\n{", 413,
                            "payload-too-large", "Content-Length of 1 TiB");
  expect_refused_and_closed(post + "Expect: 100-continue\r\nContent-Length: 2000000\r\n\r\n", 413,
                            "payload-too-large", "Expect: 100-continue over the limit");
  std::string chunked = post + "Transfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 20; ++i) chunked += "10000\r\n" + std::string(0x10000, 'a') + "\r\n";
  expect_refused_and_closed(chunked + "0\r\n\r\n", 413, "payload-too-large", "1.25 MiB in chunks");
}

// A template's parameters filled with one id nobody has.
std::string target_of(std::string_view path_template) {
  std::string target;
  for (std::size_t i = 0; i < path_template.size(); ++i) {
    if (path_template[i] != '{') {
      target += path_template[i];
      continue;
    }
    target += "7f3c2d4e-1a2b-4c5d-8e9f-0a1b2c3d4e5f";
    i = path_template.find('}', i);
  }
  return target;
}

// RFC 9110 10.1.1: a request waiting for "100 Continue" whose head decides its answer gets
// that answer instead, and need not send its body. Every route that changes something answers
// such a request without a token as it answers the whole request (401 but for signup and
// login, which take none), and those that need a token at once, closing the connection.
TEST_F(HostileInput, ExpectContinueIsAnsweredFromTheHeadWhereTheHeadDecides) {
  const auto expect = [this](std::string_view method, const std::string& target,
                             std::string_view token, std::string_view extra = {}) {
    RawConnection raw(port());
    std::string head = std::string(method) + " " + target + " HTTP/1.1\r\nHost: x\r\n" +
                       "Content-Type: application/json\r\nContent-Length: 2\r\n" +
                       "Expect: 100-continue\r\nConnection: close\r\n" + std::string(extra);
    if (!token.empty()) head += "Authorization: Bearer " + std::string(token) + "\r\n";
    raw.send(head + "\r\n");
    auto first = raw.read_until("\r\n\r\n", 5s);
    const bool continued = first.bytes.starts_with("HTTP/1.1 100 Continue\r\n\r\n");
    if (continued) {
      raw.send("{}");
      first.bytes.erase(0, first.bytes.find("\r\n\r\n") + 4);
    }
    auto rest = raw.read_until_close(5s);
    first.bytes += rest.bytes;
    const auto responses = test::parse_responses(first.bytes);
    EXPECT_EQ(responses.size(), 1u) << method << " " << target << " -> " << first.bytes;
    EXPECT_TRUE(rest.closed) << method << " " << target;
    return std::pair{continued, responses.empty() ? RawResponse{} : responses.front()};
  };
  int routes = 0;
  for (const auto& [method, path_template] : app_->routes()) {
    // Those that change something: the others are sent no body worth sparing.
    if (method == api::HttpMethod::get || method == api::HttpMethod::head ||
        method == api::HttpMethod::options) {
      continue;
    }
    const std::string_view name = api::method_name(method);
    ++routes;
    const std::string target = target_of(path_template);
    const auto whole =
        client_->request(std::string(name), target, "{}", {{"Content-Type", "application/json"}});
    const auto [continued, early] = expect(name, target, "");
    EXPECT_EQ(early.status, whole.status) << name << " " << path_template;
    // Creating a customer without a token is signing up.
    const bool public_route = name == "POST" && (path_template == "/api/v1/signup" ||
                                                 path_template == "/api/v1/sessions" ||
                                                 path_template == "/api/v1/customers");
    EXPECT_EQ(continued, public_route) << name << " " << path_template;
    if (!public_route) {
      expect_problem(early.status, early.header("Content-Type"), early.body, 401, "unauthorized",
                     path_template);
      EXPECT_EQ(early.header("Connection"), "close") << path_template;
    }
  }
  EXPECT_GT(routes, 25);
  // What the router refuses, from the head too; with a good token, the body is asked for.
  EXPECT_EQ(expect("POST", "/api/v1/nowhere", token_).second.status, 404);
  EXPECT_FALSE(expect("POST", "/api/v1/nowhere", token_).first);
  const auto not_allowed = expect("PATCH", std::string(kOrgs), token_);
  EXPECT_FALSE(not_allowed.first);
  EXPECT_EQ(not_allowed.second.status, 405);
  // A key is judged before any route or token (an empty one is a 400): the body is asked for.
  const auto keyed = expect("POST", "/api/v1/nowhere", "", "Idempotency-Key:\r\n");
  EXPECT_TRUE(keyed.first);
  EXPECT_EQ(keyed.second.status, 400) << keyed.second.body;
  expect_unchanged_and_serving("refused from their heads");
  const std::string target = std::string(kOrgs) + "/" + id_;
  const auto taken = expect("PUT", target, token_);
  EXPECT_TRUE(taken.first);
  const auto whole = client_->request(
      "PUT", target, "{}",
      {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token_}});
  EXPECT_NE(whole.status, 401);
  EXPECT_EQ(taken.second.status, whole.status) << taken.second.body;
}

TEST_F(HostileInput, HeadsOverTheLimitAre431) {
  expect_refused_and_closed(
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20'000, 'b') + "\r\n\r\n", 431,
      "request-header-fields-too-large", "one 20 kB header");
  std::string many = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 10'000; ++i) many += "X-H" + std::to_string(i) + ": 1\r\n";
  expect_refused_and_closed(many + "\r\n", 431, "request-header-fields-too-large",
                            "10,000 headers");
  expect_refused_and_closed("GET /" + std::string(20'000, 'p') + " HTTP/1.1\r\nHost: x\r\n\r\n",
                            431, "request-header-fields-too-large", "a 20 kB request target");
}

TEST_F(HostileInput, SmugglingAttemptsAre400AndTheRestIsNeverRead) {
  const std::string start = "POST " + std::string(kOrgs) + " HTTP/1.1\r\nHost: x\r\n";
  const std::string chunked_empty = "\r\n0\r\n\r\n";
  const std::vector<std::pair<std::string, std::string>> attempts = {
      {"Content-Length then Transfer-Encoding",
       start + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n" + chunked_empty},
      {"Transfer-Encoding then Content-Length",
       start + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n" + chunked_empty},
      {"two different Content-Lengths",
       start + "Content-Length: 0\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"},
      {"Content-Length list", start + "Content-Length: 0, 5\r\n\r\n"},
      {"Transfer-Encoding: chunked, identity",
       start + "Transfer-Encoding: chunked, identity\r\n" + chunked_empty},
      {"Transfer-Encoding: identity", start + "Transfer-Encoding: identity\r\n" + chunked_empty},
      {"Transfer-Encoding: gzip, chunked",
       start + "Transfer-Encoding: gzip, chunked\r\n" + chunked_empty},
      {"Transfer-Encoding: xchunked", start + "Transfer-Encoding: xchunked\r\n" + chunked_empty},
      {"Transfer-Encoding twice",
       start + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n" + chunked_empty},
      {"Transfer-Encoding in HTTP/1.0",
       "POST /api/v1/organizations HTTP/1.0\r\nTransfer-Encoding: chunked\r\n" + chunked_empty},
      {"space before the colon",
       start + "Transfer-Encoding : chunked\r\nContent-Length: 0\r\n" + chunked_empty},
      {"obs-fold", start + "X-Note: a\r\n b\r\nContent-Length: 0\r\n\r\n"},
      {"obs-fold of Transfer-Encoding",
       start + "Transfer-Encoding:\r\n chunked\r\n" + chunked_empty},
      {"chunk size not hex", start + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"},
      {"negative chunk size", start + "Transfer-Encoding: chunked\r\n\r\n-1\r\na\r\n0\r\n\r\n"},
      {"chunk size over 64 bits",
       start + "Transfer-Encoding: chunked\r\n\r\n1ffffffffffffffff\r\na\r\n0\r\n\r\n"},
      {"chunk without its CRLF", start + "Transfer-Encoding: chunked\r\n\r\n1\r\naXX0\r\n\r\n"},
      {"negative Content-Length", start + "Content-Length: -1\r\n\r\n"},
      {"Content-Length with a sign", start + "Content-Length: +0\r\n\r\n"},
      {"Content-Length over 64 bits", start + "Content-Length: 99999999999999999999999\r\n\r\n"},
      {"no Host", "POST /api/v1/organizations HTTP/1.1\r\nContent-Length: 0\r\n\r\n"},
      {"two Hosts", start + "Host: y\r\nContent-Length: 0\r\n\r\n"},
      {"two Authorizations",
       start +
           "Authorization: Bearer a.b\r\nauthorization: Bearer c.d\r\nContent-Length: 0\r\n\r\n"},
      {"two Content-Types", start +
                                "Content-Type: application/json\r\nContent-Type: text/plain\r\n" +
                                "Content-Length: 2\r\n\r\n{}"},
      {"two If-Matches", start + "If-Match: \"1\"\r\nIf-Match: \"2\"\r\nContent-Length: 0\r\n\r\n"},
      {"two Idempotency-Keys",
       start + "Idempotency-Key: a\r\nIdempotency-Key: b\r\nContent-Length: 0\r\n\r\n"},
      {"bare LF line endings", "GET /healthz HTTP/1.1\nHost: x\n\n"},
      {"bare CR in a header", start + "X-Note: a\rb\r\nContent-Length: 0\r\n\r\n"},
      {"NUL in a header", start + "X-Note: a\0b\r\nContent-Length: 0\r\n\r\n"s},
  };
  for (const auto& [what, bytes] : attempts) {
    expect_refused_and_closed(bytes + smuggled(), 400, "malformed-request", what);
  }
}

TEST_F(HostileInput, PipelinedGarbageIsAnswered400AfterTheValidRequestsAndEndsTheConnection) {
  const std::string valid = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string tls_hello = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"s;
  for (const std::string& garbage :
       {std::string("GARBAGE\r\n\r\n"), tls_hello, std::string("GET / HTTP/1.1\r\n\r\n\r\n")}) {
    RawConnection raw(port());
    raw.send(valid + valid + garbage + smuggled());
    const auto received = raw.read_until_close(5s);
    EXPECT_TRUE(received.closed);
    const auto responses = test::parse_responses(received.bytes);
    ASSERT_EQ(responses.size(), 3u) << received.bytes;
    EXPECT_EQ(responses[0].status, 200);
    EXPECT_EQ(responses[1].status, 200);
    expect_problem(responses[2].status, responses[2].header("Content-Type"), responses[2].body, 400,
                   "malformed-request", "pipelined garbage");
    expect_unchanged_and_serving("pipelined garbage");
  }
  std::mt19937 random(7);
  std::string noise(64 << 10, '\0');
  for (char& c : noise) c = static_cast<char>(random());
  expect_refused_and_closed(noise, 400, "malformed-request", "64 KiB of noise");
}

TEST_F(HostileInput, BadPercentEncodingIs400) {
  const std::string org = std::string(kOrgs) + "/";
  for (const std::string& path :
       {org + "%zz", org + "%4", org + "%", org + "a%00b", org + "%ff%fe", org + "%c0%af"}) {
    expect_problem(call("GET", path), 400, "invalid-path", path);
  }
  for (const std::string_view query : {"?page=%G1", "?q=%ff", "?%=1", "?q=%", "?q=a%00"}) {
    expect_problem(call("GET", std::string(kOrgs) + std::string(query)), 400, "invalid-query",
                   query);
  }
}

TEST_F(HostileInput, PathTraversalNeverReadsAFile) {
  // Every dot segment, encoded slash or NUL is refused before routing (400 invalid-path); what
  // remains names no route or no file (404). /apidocs serves from memory, never from disk.
  const std::vector<std::pair<std::string_view, int>> attempts = {
      {"/api/v1/organizations/../../../../etc/passwd", 400},
      {"/api/v1/organizations/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 400},
      {"/api/v1/organizations/..%2f..%2f..%2fetc%2fpasswd", 400},
      {"/api/v1/organizations/%2e%2e%2f%2e%2e%2fetc%2fpasswd", 400},
      {"/api/v1/organizations/..%5c..%5cetc%5cpasswd", 404},
      {"/api/v1/organizations/%252e%252e%252fetc%252fpasswd", 404},
      {"/api/v1/../../etc/passwd", 400},
      {"/apidocs/../../../../etc/passwd", 400},
      {"/apidocs/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 400},
      {"/apidocs/..%2f..%2f..%2f..%2fetc%2fpasswd", 400},
      {"/apidocs/..%2f..%2fCMakeLists.txt", 400},
      {"/apidocs/./swagger-ui.css", 400},
      {"/apidocs/....//....//etc/passwd", 404},
      {"//etc/passwd", 404},
      {"/etc/passwd", 404},
  };
  for (const auto& [target, status] : attempts) {
    const auto r = get_raw(target);
    expect_problem(r.status, r.header("Content-Type"), r.body, status,
                   status == 400 ? "invalid-path" : "not-found", target);
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << target;
    EXPECT_EQ(r.body.find("cmake_minimum_required"), std::string::npos) << target;
    expect_unchanged_and_serving(target);
  }
}

TEST_F(HostileInput, ClientsThatSendNoMoreStillGetTheirAnswer) {
  // A login is answered from a worker thread, after the connection has stopped reading.
  const std::string body = R"({"email":")" + std::string(kAdminEmail) + R"(","password":")" +
                           std::string(kAdminPassword) + "\"}";
  const std::string login =
      "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: "
      "application/json\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n";
  const std::vector<std::pair<std::string, bool>> clients = {
      {login + "Connection: close\r\n\r\n" + body, false},
      {"POST /api/v1/sessions HTTP/1.0\r\n" + login.substr(login.find("\r\n") + 2) + "\r\n" + body,
       false},
      {login + "\r\n" + body, true},  // then half-closes
  };
  for (const auto& [bytes, half_close] : clients) {
    RawConnection raw(port());
    raw.send(bytes);
    if (half_close) raw.shutdown_send();
    const auto received = raw.read_until_close(10s);
    EXPECT_TRUE(received.closed);
    const auto responses = test::parse_responses(received.bytes);
    ASSERT_EQ(responses.size(), 1u) << bytes << " -> " << received.bytes;
    EXPECT_EQ(responses[0].status, 201) << responses[0].body;
  }
}

// ---- slow and idle clients -----------------------------------------------------------------

// Sends `bytes` one per second on its own thread until done, told to stop, or refused.
class Dripper {
 public:
  Dripper(RawConnection& raw, std::string bytes)
      : thread_([this, &raw, bytes = std::move(bytes)] {
          for (const char c : bytes) {
            if (stop_ || !raw.send(std::string_view(&c, 1))) return;
            for (int i = 0; i < 10 && !stop_; ++i) std::this_thread::sleep_for(100ms);
          }
        }) {}
  ~Dripper() {
    stop_ = true;
    thread_.join();
  }
  Dripper(const Dripper&) = delete;
  Dripper& operator=(const Dripper&) = delete;

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Each signup, login and password change costs ~0.1 s of one of two workers (argon2id): past
// api::kMaxQueuedNewPasswords waiting, more signups are answered 503 at once instead of
// queueing for as long as a flood lasts, and a login meanwhile still gets its turn.
TEST_F(HostileInput, PasswordWorkBeyondItsQueueIs503AndLoginsGoOn) {
  // A connection's pipelined requests are handled one at a time: the flood comes from many.
  constexpr int kConnections = 48;
  constexpr int kPerConnection = 2;
  std::vector<std::unique_ptr<RawConnection>> connections;
  for (int c = 0; c < kConnections; ++c) {
    std::string requests;
    for (int i = 0; i < kPerConnection; ++i) {
      const std::string n = std::to_string(c * kPerConnection + i);
      const std::string body =
          boost::json::serialize(boost::json::object{{"organizationName", "Flood " + n},
                                                     {"organizationDescription", ""},
                                                     {"firstName", "F"},
                                                     {"lastName", "L"},
                                                     {"userDescription", ""},
                                                     {"userEmailAddress", "flood-" + n + "@x.io"},
                                                     {"userPassword", "password-" + n},
                                                     {"agreeToTermsAndPolicies", 1}});
      requests += "POST /api/v1/signup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"s +
                  (i + 1 == kPerConnection ? "Connection: close\r\n" : "") +
                  "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    }
    connections.push_back(std::make_unique<RawConnection>(port()));
    connections.back()->send(requests);
  }
  EXPECT_FALSE(login().empty()) << "a login gets its turn during the flood";
  int created = 0;
  int busy = 0;
  for (auto& raw : connections) {
    const auto responses = test::parse_responses(raw->read_until_close(120s).bytes);
    EXPECT_EQ(responses.size(), static_cast<std::size_t>(kPerConnection));
    for (const auto& r : responses) {
      if (r.status == 201) {
        ++created;
        continue;
      }
      expect_problem(r.status, r.header("Content-Type"), r.body, 503, "server-busy", "flood");
      EXPECT_EQ(r.header("Retry-After"), "1");
      ++busy;
    }
  }
  EXPECT_GT(busy, 0) << "more than the queue holds arrived at once";
  EXPECT_GE(created, static_cast<int>(api::kMaxQueuedNewPasswords)) << "the queue was served";
  EXPECT_EQ(created + busy, kConnections * kPerConnection);
}

TEST_F(HostileInput, SlowlorisIsAnswered408AfterTheRequestTimeoutWhileOthersAreServed) {
  // One drips its head, the other a body after a complete head: both within one timeout.
  RawConnection slow_head(port());
  RawConnection slow_body(port());
  slow_body.send("POST " + std::string(kOrgs) + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                 token_ + "\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n");
  const auto started = std::chrono::steady_clock::now();
  Dripper head_drip(slow_head, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n\r\n");
  Dripper body_drip(slow_body, R"({"name":"Slowly"})");

  test::HttpClient other(port());
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(other.request("GET", "/healthz").status, 200) << "others are served meanwhile";
    std::this_thread::sleep_for(300ms);
  }
  for (RawConnection* raw : {&slow_head, &slow_body}) {
    const auto received = raw->read_until_close(kRequestTimeout + kSlack);
    EXPECT_TRUE(received.closed) << "closed after the request timeout";
    EXPECT_LE(std::chrono::steady_clock::now() - started, kRequestTimeout + kSlack);
    const auto responses = test::parse_responses(received.bytes);
    ASSERT_EQ(responses.size(), 1u) << received.bytes;
    expect_problem(responses[0].status, responses[0].header("Content-Type"), responses[0].body, 408,
                   "request-timeout", "slowloris");
  }
  expect_unchanged_and_serving("slowloris");
}

double open_connections(test::HttpClient& client) {
  const auto metrics = test::parse_metrics(client.request("GET", "/metrics").body);
  const auto found = metrics.find("orgd_http_open_connections");
  return found == metrics.end() ? -1 : found->second;
}

// Polls `condition` every 100 ms until it holds or `within` passes.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(100ms);
  }
  return true;
}

TEST_F(HostileInput, TwoThousandIdleConnectionsAreClosedAfterTheIdleTimeoutAndServiceGoesOn) {
  constexpr std::size_t kIdle = 2'000;
  // Both ends of every connection live in this process.
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  limit.rlim_cur = limit.rlim_max;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_cur < 2 * kIdle + 256) GTEST_SKIP() << "open file limit " << limit.rlim_cur;

  std::vector<std::unique_ptr<RawConnection>> idle;
  idle.reserve(kIdle);
  for (std::size_t i = 0; i < kIdle; ++i) idle.push_back(std::make_unique<RawConnection>(port()));

  test::HttpClient other(port());
  EXPECT_TRUE(eventually([&] { return open_connections(other) >= kIdle + 1; }, 10s))
      << "the server holds all the idle connections: " << open_connections(other);
  EXPECT_EQ(other.request("GET", "/healthz").status, 200);
  EXPECT_EQ(call("GET", std::string(kOrgs) + "/" + id_).status, 200);

  std::size_t closed = 0;
  EXPECT_TRUE(eventually(
      [&] {
        closed = static_cast<std::size_t>(
            std::ranges::count_if(idle, [](const auto& raw) { return raw->peer_closed(); }));
        return closed == kIdle;
      },
      kIdleTimeout + 10s))
      << closed << " of " << kIdle << " idle connections closed";
  test::HttpClient fresh(port());
  EXPECT_TRUE(eventually([&] { return open_connections(fresh) <= 3; }, 5s));
  expect_unchanged_and_serving("2,000 idle connections");
}

TEST_F(HostileInput, ConnectionsOverTheMaximumAre503) {
  constexpr std::size_t kMax = 20;
  start_hostile(kMax, 60s);  // the held connections must outlive filling the server
  head_before_ = head();
  client_.reset();  // its connection counts until the server has seen it close
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  // Each answered 200, so surely accepted and counted, then held open (keep-alive).
  const auto answer_on = [&request](RawConnection& raw) {
    raw.send(request);
    std::string bytes;
    std::vector<RawResponse> answer;
    (void)eventually(
        [&] {
          bytes += raw.read_until_close(10ms).bytes;
          answer = test::parse_responses(bytes);
          return !answer.empty();
        },
        5s);
    return answer.empty() ? 0 : answer.front().status;
  };
  std::vector<std::unique_ptr<RawConnection>> held;
  ASSERT_TRUE(eventually(
      [&] {
        auto raw = std::make_unique<RawConnection>(port());
        if (answer_on(*raw) == 200) held.push_back(std::move(raw));
        return held.size() == kMax;
      },
      10s));
  RawConnection over(port());
  over.send(request);
  const auto received = over.read_until_close(5s);
  EXPECT_TRUE(received.closed);
  const auto responses = test::parse_responses(received.bytes);
  ASSERT_EQ(responses.size(), 1u) << received.bytes;
  expect_problem(responses[0].status, responses[0].header("Content-Type"), responses[0].body, 503,
                 "service-unavailable", "over max connections");
  EXPECT_EQ(responses[0].header("Retry-After"), "1");

  held.clear();
  EXPECT_TRUE(eventually(
      [&] {
        RawConnection again(port());
        return answer_on(again) == 200;
      },
      5s))
      << "served again once connections closed";
  EXPECT_EQ(head(), head_before_);
}

}  // namespace
}  // namespace orgd::e2e
