// What the server refuses on its own while reading a request, before any handler sees it:
// bodies over body_limit (413), heads over header_limit and fields, chunk headers or
// trailers past what a connection buffers (431), what is not HTTP/1.1 (400); and the one
// interim answer it sends, 100 Continue.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/api/http/server_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/raw_connection.hpp"

namespace orgd::api {
namespace {

using namespace std::chrono_literals;
using namespace server_testing;
using test::HttpClient;
using test::send_raw;

TEST_F(ServerTest, BodyOverTheLimitIs413AndNeverReachesTheHandler) {
  std::atomic<int> calls{0};
  start(counting_echo(calls));
  HttpClient client(port());
  const auto r = client.request("POST", "/upload", std::string(4096, 'x'),
                                {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.header("Content-Type"), "application/problem+json");
  const auto problem = json(r);
  EXPECT_EQ(problem.at("type"), "urn:orgd:problem:payload-too-large");
  EXPECT_EQ(problem.at("instance"), "/upload");
  EXPECT_EQ(string_of(problem.at("traceId")), r.header("X-Trace-Id"));
  EXPECT_FALSE(r.keep_alive);

  // Chunked bodies are counted as they arrive.
  const auto raw = send_raw(port(),
                            "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "800\r\n" +
                                std::string(0x800, 'y') + "\r\n0\r\n\r\n");
  EXPECT_TRUE(raw.starts_with("HTTP/1.1 413")) << raw;
  EXPECT_EQ(calls.load(), 0);

  // A body exactly at the limit is fine.
  EXPECT_EQ(HttpClient(port()).request("POST", "/upload", std::string(1024, 'x')).status, 200);
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(ServerTest, HeadOverTheLimitIs431) {
  start(echo);
  HttpClient client(port());
  const auto r = client.request("GET", "/", {}, {{"X-Big", std::string(2000, 'h')}});
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(json(r).at("type"), "urn:orgd:problem:request-header-fields-too-large");
}

TEST_F(ServerTest, AHeadArrivingInPiecesIsHeldToTheLimitAsAWhole) {
  start(echo);
  test::RawConnection raw(port());
  const std::string fields(30, 'v');
  std::string piece;
  for (int i = 0; i < 20; ++i) piece += "X-" + std::to_string(i) + ": " + fields + "\r\n";
  ASSERT_LT(piece.size(), 1024u);  // each piece alone is under test_options().header_limit
  raw.send("GET / HTTP/1.1\r\nHost: x\r\n" + piece);
  std::this_thread::sleep_for(200ms);  // the server parses the first piece on its own
  raw.send(piece + "\r\n");
  const auto answer = test::parse_responses(raw.read_until_close(5s).bytes);
  ASSERT_EQ(answer.size(), 1u);
  EXPECT_EQ(answer[0].status, 431);
}

TEST_F(ServerTest, GarbageIs400AndTheConnectionCloses) {
  start(echo);
  for (const char* garbage :
       {"GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n", "\x01\x02\x03\r\n\r\n",
        "GET / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: user@x\r\n\r\n", "GET / HTTP/1.1\r\nHost: x y\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x:80x\r\n\r\n"}) {
    const auto raw = send_raw(port(), garbage);
    EXPECT_TRUE(raw.starts_with("HTTP/1.1 400")) << garbage << " -> " << raw;
    EXPECT_NE(raw.find("urn:orgd:problem:malformed-request"), std::string::npos) << raw;
    EXPECT_NE(raw.find("Connection: close"), std::string::npos) << raw;
  }
  // The server is still fine.
  EXPECT_EQ(HttpClient(port()).request("GET", "/").status, 200);
}

// curl and others wait for "100 Continue" before sending a large body; an HTTP/1.0 client does
// not know it.
TEST_F(ServerTest, AnswersExpectContinueToHttp11ClientsOnly) {
  start(echo);
  const std::string request =
      "POST /x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n";
  const auto raw = send_raw(port(), request + "Connection: close\r\n\r\nhi");
  EXPECT_TRUE(raw.starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200")) << raw;
  const auto raw10 = send_raw(port(), "POST /x HTTP/1.0" + request.substr(16) + "\r\nhi");
  EXPECT_TRUE(raw10.starts_with("HTTP/1.1 200")) << raw10;
}

// RFC 9110 10.1.1: a request its head already refuses is answered instead of "100 Continue",
// and its body is never read: the connection closes after the answer.
TEST_F(ServerTest, AHeadTheApplicationRefusesIsAnsweredWithoutContinue) {
  std::atomic<int> calls{0};
  std::atomic<int> asked{0};
  auto options = test_options();
  options.answer_before_body = [&asked](const HttpRequest& head) -> std::optional<HttpResponse> {
    ++asked;
    EXPECT_TRUE(head.body.empty());
    if (head.path == "/throws") throw std::runtime_error("a failing check");
    if (head.authorization.empty()) return HttpResponse{.status = 401, .body = "{}"};
    return std::nullopt;
  };
  start(counting_echo(calls), options);
  const std::string head =
      "POST /x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
      "Content-Length: 2\r\n";
  test::RawConnection refused(port());
  refused.send(head + "\r\n");
  const auto answer = refused.read_until_close(5s);
  EXPECT_TRUE(answer.closed) << answer.bytes;
  EXPECT_TRUE(answer.bytes.starts_with("HTTP/1.1 401")) << answer.bytes;
  EXPECT_NE(answer.bytes.find("Connection: close"), std::string::npos) << answer.bytes;
  EXPECT_EQ(answer.bytes.find("100 Continue"), std::string::npos) << answer.bytes;
  EXPECT_EQ(calls.load(), 0);

  // What the check lets through, or fails on, gets 100 Continue and reaches the handler.
  for (const std::string target : {"/x", "/throws"}) {
    const std::string request = "POST " + target + head.substr(7) +
                                "Authorization: Bearer t\r\nConnection: close\r\n\r\nhi";
    const auto raw = send_raw(port(), request);
    EXPECT_TRUE(raw.starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200")) << target << raw;
  }
  EXPECT_EQ(calls.load(), 2);
  // Only requests waiting for 100 Continue are asked about.
  EXPECT_EQ(HttpClient(port()).request("POST", "/x", "hi").status, 200);
  EXPECT_EQ(asked.load(), 3);
}

// A trailer comes after the head was checked: Beast would merge its fields into the head's,
// next to a field of the same name. A trailer with fields is refused; an empty one is fine.
TEST_F(ServerTest, ChunkedTrailerFieldsAreRefused) {
  std::atomic<int> calls{0};
  start(counting_echo(calls));
  const std::string head =
      "POST /x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer mine\r\n"
      "Transfer-Encoding: chunked\r\nIdempotency-Key: k\r\nConnection: close\r\n\r\n"
      "2\r\nhi\r\n0\r\n";
  for (const char* trailer :
       {"Authorization: Bearer smuggled\r\n", "If-Match: \"3\"\r\n", "Host: y\r\n"}) {
    const auto raw = send_raw(port(), head + trailer + "\r\n");
    EXPECT_TRUE(raw.starts_with("HTTP/1.1 400")) << trailer << raw;
    EXPECT_NE(raw.find("trailer"), std::string::npos) << raw;
  }
  EXPECT_EQ(calls.load(), 0);
  const auto raw = send_raw(port(), head + "\r\n");
  ASSERT_TRUE(raw.starts_with("HTTP/1.1 200")) << raw;
  const auto seen = boost::json::parse(raw.substr(raw.find("\r\n\r\n") + 4)).as_object();
  EXPECT_EQ(seen.at("body"), "hi");
  EXPECT_EQ(seen.at("authorization"), "Bearer mine");
  EXPECT_EQ(seen.at("idempotencyKey"), "k");
}

// Beast buffers a chunk header and the trailer whole, whatever their size, and throws for a
// field over 64 KiB: each must be answered 431, the connection closed, and serving go on.
TEST_F(ServerTest, ChunkExtensionsAndTrailersAreBounded) {
  std::atomic<int> calls{0};
  auto options = test_options();
  options.header_limit = 16u << 10;  // room for a 70 kB trailer field in the buffer
  options.body_limit = 1u << 20;
  start(counting_echo(calls), options);
  const std::string head = "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::vector<std::pair<std::string, std::string>> cases{
      {"a 200 kB chunk extension", "2;x=" + std::string(200'000, 'e') + "\r\nhi\r\n0\r\n\r\n"},
      {"a 200 kB trailer", "2\r\nhi\r\n0\r\n" +
                               [] {
                                 std::string many;
                                 for (int i = 0; i < 10'000; ++i)
                                   many += "X-T" + std::to_string(i) + ": 1234567890\r\n";
                                 return many;
                               }() +
                               "\r\n"},
      {"a 70 kB trailer field", "2\r\nhi\r\n0\r\nX-Big: " + std::string(70'000, 't') + "\r\n\r\n"},
  };
  for (const auto& [what, body] : cases) {
    const auto raw = send_raw(port(), head + body);
    EXPECT_TRUE(raw.starts_with("HTTP/1.1 431")) << what << ": " << raw.substr(0, 200);
    EXPECT_NE(raw.find("request-header-fields-too-large"), std::string::npos) << what;
  }
  EXPECT_EQ(calls.load(), 0);
  EXPECT_EQ(HttpClient(port()).request("GET", "/").status, 200) << "serving goes on";
}

// Beast looks past a bare LF for the CRLF that ends a chunk line or the trailer, so a client
// that ends them with LF alone waited, request and connection, for the 408. A 400 comes at
// once now (well within the fixture's 5 s request timeout), the connection left open by the
// client; the check looks at each byte once, so a line dripped a byte at a time is judged
// the same, and a CR and its LF arriving apart are no bare LF.
TEST_F(ServerTest, ABareLfInChunkFramingIsRefusedAtOnce) {
  std::atomic<int> calls{0};
  start(counting_echo(calls));
  const std::string head = "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::vector<std::pair<std::string, std::string>> cases{
      {"every line", "2\nhi\n0\n\n"},
      {"the size line", "2\nhi\n"},
      {"the size line, a CRLF after it", "2\nhi\r\n0\r\n\r\n"},
      {"the last chunk's line", "2\r\nhi\r\n0\n\r\n"},
      {"the trailer's end", "2\r\nhi\r\n0\r\n\n"},
  };
  for (const auto& [what, body] : cases) {
    for (const bool dripped : {false, true}) {
      test::RawConnection raw(port());
      if (dripped) {
        ASSERT_TRUE(raw.send(head));
        for (const char c : body) {
          if (!raw.send(std::string(1, c))) break;  // refused before the end: fine
          std::this_thread::sleep_for(2ms);
        }
      } else {
        ASSERT_TRUE(raw.send(head + body));
      }
      const auto received = raw.read_until_close(3s);
      EXPECT_TRUE(received.closed) << what << (dripped ? " (dripped)" : "");
      const auto responses = test::parse_responses(received.bytes);
      ASSERT_EQ(responses.size(), 1U) << what << ": " << received.bytes;
      EXPECT_EQ(responses[0].status, 400) << what;
      // Beast refuses some of these itself once a CRLF follows ("bad chunk extension").
      EXPECT_NE(responses[0].body.find("malformed-request"), std::string::npos) << what;
    }
  }
  EXPECT_EQ(calls.load(), 0);

  // The same body with CRLFs, dripped a byte at a time: each CR and its LF arrive apart.
  test::RawConnection raw(port());
  ASSERT_TRUE(
      raw.send("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
               "Connection: close\r\n\r\n"));
  for (const char c : std::string("2\r\nhi\r\n0\r\n\r\n")) {
    ASSERT_TRUE(raw.send(std::string(1, c)));
    std::this_thread::sleep_for(2ms);
  }
  const auto responses = test::parse_responses(raw.read_until_close(3s).bytes);
  ASSERT_EQ(responses.size(), 1U);
  EXPECT_EQ(responses[0].status, 200);
  EXPECT_EQ(boost::json::parse(responses[0].body).as_object().at("body"), "hi");
  EXPECT_EQ(calls.load(), 1);
}

// With header_limit above 64 KiB a head field can outgrow Beast's 16-bit field sizes.
TEST_F(ServerTest, AHeadFieldOver64KiBIs431EvenUnderAHigherLimit) {
  auto options = test_options();
  options.header_limit = 200'000;
  start(echo, options);
  const auto raw = send_raw(
      port(), "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(70'000, 'h') + "\r\n\r\n");
  EXPECT_TRUE(raw.starts_with("HTTP/1.1 431")) << raw.substr(0, 200);
  EXPECT_EQ(HttpClient(port()).request("GET", "/").status, 200) << "serving goes on";
}

}  // namespace
}  // namespace orgd::api
