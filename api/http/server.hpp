#pragma once
// The HTTP/1.1 server (Boost.Beast): one listener, one session per connection on its own
// strand, keep-alive and pipelining, limits on every read. The application sees only
// HttpRequest/HttpResponse (http_types.hpp).
//
// Thread-safety: start/stop from one controlling thread; the handler runs on I/O threads.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http/client_address.hpp"
#include "api/http/http_types.hpp"

namespace orgd::api {

// One response the server completed, as told to ServerOptions::on_response. The views are
// valid during the call only.
struct CompletedRequest {
  std::string_view method;    // as sent; empty when the request line could not be parsed
  std::string_view path;      // the raw request target before '?', not percent-decoded
  std::string_view trace_id;  // the X-Trace-Id sent with the response
  // The route template the handler reported (Responder::matched); empty when none did.
  std::string_view route;
  int status{0};
  // From the whole request having arrived to its response being ready to send.
  std::chrono::nanoseconds duration{0};
};

struct ServerOptions {
  // Address to bind. Default: 127.0.0.1.
  std::string address{"127.0.0.1"};
  // Port to bind; 0 picks a free one (see HttpServer::port()). Default: 8080.
  std::uint16_t port{8080};
  // Peers whose X-Forwarded-For names the client (HttpRequest::remote_address; see
  // client_address.hpp). Default: none (the peer is the client).
  TrustedProxies trusted_proxies;
  // I/O threads. Default: 0 = std::thread::hardware_concurrency().
  unsigned threads{0};
  // Largest accepted request body; larger ones answer 413. Default: 1 MiB.
  std::size_t body_limit{1u << 20};
  // Largest accepted request head (request line + headers); larger ones answer 431.
  // Default: 16 KiB.
  std::size_t header_limit{16u << 10};
  // Time allowed to receive one whole request once its first byte arrived (slower ones are
  // answered 408 and disconnected: slowloris), and to send a response (slower readers are
  // disconnected). Default: 30 s.
  std::chrono::seconds request_timeout{30};
  // Time an idle connection (a new one, or keep-alive between requests) stays open; it is
  // then closed without an answer. Default: 60 s.
  std::chrono::seconds idle_timeout{60};
  // Open connections beyond this are accepted, answered 503 (problem body, Retry-After: 1,
  // nothing read) and closed. Default: 10000.
  std::size_t max_connections{10000};
  // Told about every response, including those the server makes itself (400 malformed, 413,
  // 431, 500 for a handler that failed). Runs on the connection's strand, on an I/O thread:
  // must be cheap, must not block; exceptions it throws are dropped. Default: none.
  std::function<void(const CompletedRequest&)> on_response;
  // Asked about a request that waits for "100 Continue" before sending its body: the answer
  // its head alone decides (an unknown route, a missing token), which is then sent instead
  // (RFC 9110 10.1.1) and the connection closed without the body read; nullopt for 100
  // Continue. The request has no body. Runs on an I/O thread: must not block; an exception
  // counts as nullopt. Default: none (always 100 Continue).
  std::function<std::optional<HttpResponse>(const HttpRequest&)> answer_before_body;
  // Header fields every response carries after Server and X-Trace-Id (those a handler may not
  // set, e.g. Content-Length, are dropped). Default: none.
  std::vector<std::pair<std::string, std::string>> response_headers;
};

class HttpServer {
 public:
  // Binds and starts accepting on options.threads I/O threads. Errors: bind/listen failures
  // with the OS message.
  [[nodiscard]] static std::expected<std::unique_ptr<HttpServer>, std::string> start(
      const ServerOptions& options, RequestHandler handler);
  // start() in two steps, so a process learns that its port is taken before it does the slow
  // part of starting up: bind() binds the address (port() is known; connections are refused,
  // so a client or a health check is not left hanging on a port that does not answer yet),
  // serve() listens and accepts. Errors: as start(); serve() once only, on a bound server.
  [[nodiscard]] static std::expected<std::unique_ptr<HttpServer>, std::string> bind(
      const ServerOptions& options);
  [[nodiscard]] std::expected<void, std::string> serve(RequestHandler handler);
  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  [[nodiscard]] std::string address() const;
  [[nodiscard]] std::size_t open_connections() const;
  // Stops accepting, closes connections, joins I/O threads. Idempotent. Must not be called
  // from an I/O thread (that is, from a handler). Responders still held elsewhere stay safe
  // to call and to destroy; what they send is dropped.
  void stop();

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace orgd::api
