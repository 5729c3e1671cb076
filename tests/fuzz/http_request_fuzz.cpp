// Fuzz target: bytes as a client sends them on one connection -> the session's parse steps
// (api/http/request_parser.hpp: the parser with the server's limits, the head step with
// obs-fold, whole-head limit and framing rules, then the body step with its bounded buffer) ->
// HttpRequest (beast_conversion) -> the router's path decoding and the query-string parser -> the
// wire response, which must parse back as the response we meant. A refused request's problem answer
// is checked the same way. Pipelined requests in one input are read one after another from one
// buffer, as a session reads them.
//
// Input: byte 0 picks how the bytes arrive (in pieces of 1..127 bytes, or all at once) and
// whether the server's default limits apply or small ones (so that 413 and 431 are reached
// by short inputs); the rest is the connection's byte stream.

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/http/beast_conversion.hpp"
#include "api/http/percent_decoding.hpp"
#include "api/http/problem.hpp"
#include "api/http/query_params.hpp"
#include "api/http/request_parser.hpp"
#include "api/http/router.hpp"
#include "api/http/trace_context.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using orgd::api::HttpMethod;
using orgd::api::HttpRequest;
using orgd::api::HttpResponse;
using orgd::api::Responder;
using orgd::api::ServerOptions;
using orgd::api::http_detail::RequestParser;

// More requests than a session keeps pending: enough to cover pipelining.
constexpr int kMaxRequestsPerInput = 20;
// What a session asks the socket for at a time while reading a head.
constexpr std::size_t kReadSize = 8192;

// A SyncReadStream over the input that hands out at most `piece` bytes per read, as TCP may.
class InputStream {
 public:
  InputStream(std::string_view bytes, std::size_t piece) : rest_(bytes), piece_(piece) {}

  template <class Buffers>
  std::size_t read_some(const Buffers& buffers, beast::error_code& ec) {
    ec = {};
    if (rest_.empty()) {
      ec = net::error::eof;
      return 0;
    }
    const std::size_t n =
        net::buffer_copy(buffers, net::buffer(rest_.data(), std::min(rest_.size(), piece_)));
    rest_.remove_prefix(n);
    return n;
  }
  template <class Buffers>
  std::size_t read_some(const Buffers& buffers) {
    beast::error_code ec;
    const std::size_t n = read_some(buffers, ec);
    if (ec) throw beast::system_error(ec);
    return n;
  }

 private:
  std::string_view rest_;
  std::size_t piece_;
};

// Catches the response a handler gives synchronously.
class Capture final : public Responder::Sink {
 public:
  explicit Capture(std::optional<HttpResponse>& out) : out_(out) {}
  void send(HttpResponse response) override { out_ = std::move(response); }

 private:
  std::optional<HttpResponse>& out_;
};

// Templates of every shape the real routes have: literals, parameters, the two mixed, a
// trailing literal after a parameter, and a more literal route beside a parameter one.
orgd::api::Router make_router() {
  orgd::api::Router router;
  const auto echo = [](HttpRequest request, orgd::api::PathParams params, Responder respond) {
    for (const auto& [name, value] : params) {
      fuzz_check(
          !value.empty() && orgd::api::is_safe_text(value) && value.find('/') == std::string::npos,
          "a path parameter must be non-empty safe text without '/'");
    }
    auto query = orgd::api::parse_query(request.query);
    if (!query) return respond(orgd::api::query_error_response(request, query.error()));
    boost::json::object body;
    for (const auto& [name, value] : *query) {
      fuzz_check(orgd::api::is_safe_text(name) && orgd::api::is_safe_text(value),
                 "a query name or value must be safe text");
      body[name] = value;
    }
    HttpResponse response;
    response.body = boost::json::serialize(body);
    response.headers.emplace_back("ETag", "\"1\"");
    respond(std::move(response));
  };
  for (const auto method :
       {HttpMethod::get, HttpMethod::post, HttpMethod::put, HttpMethod::patch, HttpMethod::del}) {
    router.add(method, "/api/v1/organizations", echo);
    router.add(method, "/api/v1/organizations/{id}", echo);
    router.add(method, "/api/v1/organizations/{id}/members/{customerId}/role", echo);
  }
  router.add(HttpMethod::get, "/api/v1/sessions/current", echo);
  router.add(HttpMethod::get, "/api/v1/sessions/{id}", echo);
  router.add(HttpMethod::get, "/", echo);
  return router;
}

bool is_trace_id(std::string_view id) {
  return id.size() == 32 && std::ranges::all_of(id, [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// What the server would put on the wire for `response` must parse back as that response.
void check_wire_response(HttpResponse response, std::string_view trace_id, bool keep_alive,
                         bool head) {
  const int status = response.status;
  fuzz_check(status >= 200 && status <= 599, "status out of range");
  if (status >= 400) {
    fuzz_check(response.content_type == orgd::api::kProblemContentType,
               "an error answer must be a problem document");
  }
  // Every body we write is JSON, and JSON is UTF-8 (RFC 8259): a strict parse must accept it.
  boost::system::error_code json_error;
  const auto json = boost::json::parse(response.body, json_error);
  fuzz_check(!json_error, "the response body is not valid JSON (UTF-8)");
  if (status >= 400) {
    const auto* problem = json.if_object();
    fuzz_check(problem != nullptr && problem->contains("status") &&
                   problem->at("status").to_number<int>() == status,
               "a problem's status member must match the response status");
  }
  const std::string body = response.body;
  const auto wire =
      orgd::api::http_detail::to_wire(std::move(response), {trace_id, keep_alive, head});
  const std::string bytes = wire.head + wire.body;

  http::response_parser<http::string_body> parser;
  parser.skip(head);
  parser.eager(true);
  parser.body_limit(boost::none);
  beast::error_code ec;
  std::string_view rest = bytes;
  while (!ec && !parser.is_done()) {
    const std::size_t used = parser.put(net::buffer(rest.data(), rest.size()), ec);
    rest.remove_prefix(used);
    if (ec == http::error::need_more && rest.empty()) {
      ec = {};
      parser.put_eof(ec);  // a body without a length ends with the connection
    } else if (ec == http::error::need_more && used > 0) {
      ec = {};
    }
  }
  fuzz_check(!ec && parser.is_done() && rest.empty(), "the wire response does not parse");
  const auto& parsed = parser.get();
  fuzz_check(parsed.result_int() == static_cast<unsigned>(status), "status changed on the wire");
  fuzz_check(parsed["X-Trace-Id"] == trace_id, "X-Trace-Id changed on the wire");
  fuzz_check(parsed.keep_alive() == keep_alive, "keep-alive changed on the wire");
  if (!head && status != 204 && status != 304) {
    fuzz_check(parsed.body() == body, "body changed on the wire");
  }
}

// What a session answers when it refuses a request: a problem built from what the parser got
// so far.
void check_rejection(const RequestParser& parser, int status, std::string_view detail) {
  const std::string_view target = parser.get().target();
  const std::string path(target.substr(0, target.find('?')));
  const std::string trace_id = orgd::api::trace_id_from_traceparent(parser.get()["traceparent"])
                                   .value_or(orgd::api::new_trace_id());
  fuzz_check(is_trace_id(trace_id), "malformed trace id");
  check_wire_response(orgd::api::problem_response(status, "malformed-request", "Malformed Request",
                                                  detail, path, trace_id),
                      trace_id, false, false);
}

void check_rejection(const RequestParser& parser, beast::error_code ec) {
  fuzz_check(ec.category() == http::make_error_code(http::error::bad_target).category(),
             "a read from memory failed with something else than a parse error");
  const int status = ec == http::error::body_limit                                           ? 413
                     : ec == http::error::header_limit || ec == http::error::buffer_overflow ? 431
                                                                                             : 400;
  check_rejection(parser, status, ec.message());
}

enum class Read : std::uint8_t { request, refused, ended };

// A HeadStep or BodyStep that refused the request has its answer checked, as the session
// would give it.
template <class Step>
bool refused(const RequestParser& parser, const Step& step) {
  if (!step.malformed.empty()) {
    check_rejection(parser, 400, step.malformed);
  } else if (step.error) {
    check_rejection(parser, step.error);
  }
  return !step.malformed.empty() || step.error;
}

std::string_view buffered(const beast::flat_buffer& buffer) {
  return {static_cast<const char*>(buffer.data().data()), buffer.size()};
}

// Reads up to `size` more bytes into `buffer`; false once the client stopped sending.
bool read_more(InputStream& stream, beast::flat_buffer& buffer, std::size_t size) {
  beast::error_code ec;
  const std::size_t bytes = stream.read_some(buffer.prepare(beast::read_size(buffer, size)), ec);
  if (ec) return false;
  buffer.commit(bytes);
  return true;
}

// One request as Session reads it: the head through parse_head, then the body through
// parse_body, each fed what is buffered and then what the connection gives. When the client
// stops sending there is nothing more to answer.
Read read_request(InputStream& stream, beast::flat_buffer& buffer, RequestParser& parser,
                  const ServerOptions& options) {
  orgd::api::http_detail::limit_parser(parser, options);
  std::size_t head_bytes = 0;
  std::size_t header_fields = 0;
  std::size_t lf_checked = 0;
  for (;;) {
    if (buffer.size() > 0) {
      const auto step =
          orgd::api::http_detail::parse_head(parser, buffered(buffer), head_bytes, options);
      buffer.consume(step.used);
      if (refused(parser, step)) return Read::refused;
      if (step.complete) {
        header_fields = step.header_fields;
        break;
      }
    }
    if (!read_more(stream, buffer, kReadSize)) return Read::ended;
  }
  for (;;) {
    const auto step = orgd::api::http_detail::parse_body(
        parser, buffered(buffer), buffer.size() >= buffer.max_size(), header_fields, lf_checked);
    buffer.consume(step.used);
    if (refused(parser, step)) return Read::refused;
    if (step.complete) return Read::request;
    if (!read_more(stream, buffer, orgd::api::http_detail::kBodyReadSize)) return Read::ended;
  }
}

void check_request(orgd::api::http_detail::BeastRequest&& request,
                   const orgd::api::Router& router) {
  const bool keep_alive = request.keep_alive();
  const bool head = request.method() == http::verb::head;
  const std::string target(request.target());
  const std::string method(request.method_string());
  const std::string body = request.body();
  HttpRequest converted = orgd::api::http_detail::to_http_request(std::move(request), "192.0.2.7");
  fuzz_check(converted.target == target && converted.method_name == method,
             "target or method changed in conversion");
  fuzz_check(converted.body == body, "body changed in conversion");
  const std::string joined =
      converted.path + (target.find('?') == std::string::npos ? "" : "?" + converted.query);
  fuzz_check(joined == target && converted.path.find('?') == std::string::npos,
             "path and query do not split the target");
  fuzz_check(is_trace_id(converted.trace_id), "malformed trace id");
  fuzz_check((converted.method == HttpMethod::other) ==
                 (method != "GET" && method != "HEAD" && method != "POST" && method != "PUT" &&
                  method != "PATCH" && method != "DELETE" && method != "OPTIONS"),
             "method mapped wrongly");

  const std::string trace_id = converted.trace_id;
  std::optional<HttpResponse> response;
  router.dispatch(std::move(converted), Responder(std::make_shared<Capture>(response)));
  fuzz_check(response.has_value(), "the router gave no response");
  check_wire_response(std::move(*response), trace_id, keep_alive, head);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const orgd::api::Router router = make_router();
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  const std::size_t piece = (mode & 0x7f) == 0 ? size : (mode & 0x7f);
  ServerOptions options;     // the server's defaults...
  if ((mode & 0x80) != 0) {  // ... or limits short inputs reach
    options.header_limit = 200;
    options.body_limit = 64;
  }
  InputStream stream({reinterpret_cast<const char*>(data) + 1, size - 1}, piece);
  beast::flat_buffer buffer(orgd::api::http_detail::unparsed_limit(options));
  for (int i = 0; i < kMaxRequestsPerInput; ++i) {
    RequestParser parser;
    // After a refusal the session closes the connection; at the end there is nothing to do.
    if (read_request(stream, buffer, parser, options) != Read::request) return 0;
    const bool keep_alive = parser.get().keep_alive();
    check_request(parser.release(), router);
    if (!keep_alive) return 0;
  }
  return 0;
}
