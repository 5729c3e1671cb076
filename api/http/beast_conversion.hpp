#pragma once
// Translation between Beast messages and the plain HttpRequest/HttpResponse the rest of api/
// sees. Internal to api/http.
//
// Thread-safety: pure functions.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>
#include <string_view>

#include "api/http/http_types.hpp"

namespace orgd::api::http_detail {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;

// Moves the body out of `request`. Assigns the trace id: the traceparent's when valid, else
// a fresh one.
[[nodiscard]] HttpRequest to_http_request(BeastRequest&& request, std::string_view remote_address);

// What the session knows about the request a response answers.
struct ResponseFraming {
  std::string_view trace_id;
  bool keep_alive{true};
  bool head{false};  // HEAD: send Content-Length but no body
};

// Builds the wire response: status (outside 200..599 becomes 500), Server, X-Trace-Id,
// Content-Type, Content-Length, Connection, then `response.headers`. Extra headers that would
// break framing (Content-Length, Transfer-Encoding, Connection) or duplicate ours are
// dropped, as are names or values containing CR, LF or NUL. 204 and 304 carry neither body
// nor Content-Type/Content-Length.
[[nodiscard]] BeastResponse to_beast_response(HttpResponse&& response,
                                              const ResponseFraming& framing);

// A response as it goes on the wire: its head, then its body (empty for HEAD, 204 and 304).
struct WireResponse {
  std::string head;
  std::string body;
};

// to_beast_response() with its head serialized by Beast once, up front. Written as two plain
// buffers, a response costs the session one gathered socket write instead of Beast's
// serializer walking views of a dozen header buffers on every write_some (about a fifth of a
// GET's instructions, measured with callgrind); the body is not copied.
[[nodiscard]] WireResponse to_wire(HttpResponse&& response, const ResponseFraming& framing);

}  // namespace orgd::api::http_detail
