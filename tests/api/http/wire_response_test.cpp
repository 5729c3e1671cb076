#include <gtest/gtest.h>

#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>
#include <utility>
#include <vector>

#include "api/http/beast_conversion.hpp"

namespace orgd::api::http_detail {
namespace {

namespace http = boost::beast::http;
using Headers = std::vector<std::pair<std::string, std::string>>;

// The model: the same response built as a Beast message and serialized by Beast, with
// `headers` already the acceptable ones.
std::string beast_head(int status, const std::string& content_type, std::size_t body_size,
                       const Headers& headers, const ResponseFraming& framing,
                       const Headers& fixed = {}) {
  http::response<http::string_body> message;
  message.version(11);
  message.result(static_cast<unsigned>(status));
  message.set(http::field::server, "orgd");
  message.set("X-Trace-Id", framing.trace_id);
  for (const auto& [name, value] : fixed) message.insert(name, value);
  message.keep_alive(framing.keep_alive);
  for (const auto& [name, value] : headers) message.insert(name, value);
  if (status != 204 && status != 304) {
    message.set(http::field::content_type, content_type);
    message.content_length(body_size);
  }
  http::response_serializer<http::string_body> serializer{message};
  serializer.split(true);
  std::string head;
  boost::beast::error_code ec;
  while (!ec && !serializer.is_header_done()) {
    serializer.next(ec, [&](boost::beast::error_code&, const auto& buffers) {
      std::size_t size = 0;
      for (const auto buffer : boost::beast::buffers_range_ref(buffers)) {
        head.append(static_cast<const char*>(buffer.data()), buffer.size());
        size += buffer.size();
      }
      serializer.consume(size);
    });
  }
  EXPECT_FALSE(ec);
  return head;
}

HttpResponse response_of(int status, std::string body, Headers headers,
                         std::string content_type = "application/json") {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  response.content_type = std::move(content_type);
  return response;
}

TEST(WireResponse, HeadIsBeastsSerializationByteForByte) {
  const std::string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
  const Headers extras{{"ETag", "\"3\""},
                       {"X-Event-Position", "42"},
                       {"Location", "/api/v1/organizations/x"},
                       {"set-cookie", "a=b"},
                       {"Vary", ""}};
  for (const int status : {200, 201, 202, 204, 301, 304, 400, 404, 409, 412, 429, 503, 599}) {
    for (const bool keep_alive : {true, false}) {
      for (const bool head : {false, true}) {
        for (const Headers& headers : {Headers{}, extras}) {
          const ResponseFraming framing{trace, keep_alive, head};
          const std::string body(status == 201 ? 5000 : 17, 'b');
          const auto wire = to_wire(response_of(status, body, headers), framing);
          SCOPED_TRACE(::testing::Message() << status << " keep-alive " << keep_alive << " head "
                                            << head << " extras " << headers.size());
          EXPECT_EQ(wire.head,
                    beast_head(status, "application/json", body.size(), headers, framing));
          const bool has_body = !head && status != 204 && status != 304;
          EXPECT_EQ(wire.body, has_body ? body : "");
        }
      }
    }
  }
}

// The server's fixed headers (ServerOptions::response_headers) follow X-Trace-Id, before
// Connection and the handler's; those that would break framing are dropped there too.
TEST(WireResponse, FixedHeadersFollowTheTraceId) {
  const std::string lines =
      header_lines({{"Vary", "Authorization"}, {"Content-Length", "9"}, {"X-Bad", "a\r\nb"}});
  EXPECT_EQ(lines, "Vary: Authorization\r\n");
  for (const bool keep_alive : {true, false}) {
    const ResponseFraming framing{"t", keep_alive, false, lines};
    const auto wire = to_wire(response_of(200, "{}", {{"ETag", "\"3\""}}), framing);
    const std::string model = beast_head(200, "application/json", 2, {{"ETag", "\"3\""}}, framing,
                                         {{"Vary", "Authorization"}});
    EXPECT_EQ(wire.head, model) << "keep-alive " << keep_alive;
    EXPECT_NE(wire.head.find("X-Trace-Id: t\r\nVary: Authorization\r\n"), std::string::npos);
  }
}

TEST(WireResponse, StatusesOutsideTheRangeAre500) {
  const ResponseFraming framing{"t", true, false};
  for (const int status : {0, 99, 199, 600, 1000, -1}) {
    const auto wire = to_wire(response_of(status, "{}", {}), framing);
    EXPECT_EQ(wire.head, beast_head(500, "application/json", 2, {}, framing)) << status;
    EXPECT_TRUE(wire.head.starts_with("HTTP/1.1 500 Internal Server Error\r\n")) << status;
  }
}

TEST(WireResponse, OtherContentTypesAndEmptyBodies) {
  const ResponseFraming framing{"t", true, false};
  const auto problem = to_wire(response_of(404, "", {}, "application/problem+json"), framing);
  EXPECT_EQ(problem.head, beast_head(404, "application/problem+json", 0, {}, framing));
  EXPECT_NE(problem.head.find("\r\nContent-Length: 0\r\n"), std::string::npos);
}

TEST(WireResponse, HeadersThatWouldBreakFramingOrRepeatOursAreDropped) {
  const ResponseFraming framing{"t", false, false};
  const Headers hostile{{"Content-Length", "0"},
                        {"transfer-encoding", "chunked"},
                        {"CONNECTION", "keep-alive"},
                        {"Server", "other"},
                        {"x-trace-id", "forged"},
                        {"Content-Type", "text/html"},
                        {"X-Split", "a\r\nInjected: yes"},
                        {std::string("X-Nul\0", 6), "v"},
                        {"", "empty name"},
                        {"ETag", "\"7\""}};
  const auto wire = to_wire(response_of(200, "{}", hostile), framing);
  EXPECT_EQ(wire.head, beast_head(200, "application/json", 2, {{"ETag", "\"7\""}}, framing));
  EXPECT_EQ(wire.head.find("Injected"), std::string::npos);
  EXPECT_EQ(wire.head.find("forged"), std::string::npos);
}

}  // namespace
}  // namespace orgd::api::http_detail
