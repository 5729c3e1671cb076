#pragma once
// Translation between Beast messages and the plain HttpRequest/HttpResponse the rest of api/
// sees. Internal to api/http.
//
// Thread-safety: pure functions.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http/http_types.hpp"

namespace orgd::api::http_detail {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;

// The origin-form of an absolute-form target ("http://host:port/p?q" -> "/p?q"), which a
// server must accept (RFC 9112 3.2.2) and proxies send; any other target as it is.
[[nodiscard]] std::string origin_form(std::string_view target);

// Moves the body out of `request`. Assigns the trace id: the traceparent's when valid, else
// a fresh one.
[[nodiscard]] HttpRequest to_http_request(BeastRequest&& request, std::string_view remote_address);

// Whether the connection stays open after answering `request`: HTTP/1.1 unless a `close`
// token is in any of its Connection fields (RFC 9110 7.6.1: repeated fields are one list;
// Beast reads the first only); HTTP/1.0 never, since orgd answers in HTTP/1.1 and would have
// to announce keep-alive to a 1.0 client.
[[nodiscard]] bool keeps_alive(const BeastRequest& request);

// What the session knows about the request a response answers.
struct ResponseFraming {
  std::string_view trace_id;
  bool keep_alive{true};
  bool head{false};  // HEAD: send Content-Length but no body
  std::string_view fixed_headers;  // header_lines(ServerOptions::response_headers)
};

// `headers` as header lines ("Name: value\r\n" each), without those to_wire would drop.
[[nodiscard]] std::string header_lines(
    const std::vector<std::pair<std::string, std::string>>& headers);

// A response as it goes on the wire: its head, then its body (empty for HEAD, 204 and 304).
struct WireResponse {
  std::string head;
  std::string body;
  std::shared_ptr<const std::string> shared_body;  // HttpResponse::shared_body, when it had one

  [[nodiscard]] std::string_view body_bytes() const {
    return shared_body ? std::string_view(*shared_body) : std::string_view(body);
  }
};

// The wire response: status line (a status outside 200..599 becomes 500), Server, X-Trace-Id,
// the fixed headers, Connection: close when the connection closes, `response.headers`, then
// Content-Type and Content-Length. Extra headers that would break framing (Content-Length,
// Transfer-Encoding, Connection) or duplicate ours are dropped, as are names or values containing
// CR, LF or NUL. 204 and 304 carry neither body nor Content-Type/Content-Length; HEAD gets the
// length only.
//
// The head is written straight into one string: built as a Beast message and serialized, it
// cost about a fifth of a GET's instructions (callgrind) for a dozen lines of text. The tests
// hold it to Beast's serialization of the same message, byte for byte. The session writes
// head and body as two plain buffers in one gathered write; the body is not copied.
[[nodiscard]] WireResponse to_wire(HttpResponse&& response, const ResponseFraming& framing);

}  // namespace orgd::api::http_detail
