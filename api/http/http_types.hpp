#pragma once
// HTTP requests and responses as the rest of api/ sees them: plain values, no Beast, so only
// the server's own translation units pay for Boost.Beast/Asio headers.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orgd::api {

enum class HttpMethod : std::uint8_t { get, head, post, put, patch, del, options, other };

struct HttpRequest {
  HttpMethod method{HttpMethod::other};
  std::string method_name;  // as sent, for logs and 405 bodies
  std::string target;       // raw request target, e.g. "/api/v1/organizations?page=2"
  std::string path;         // target before '?', percent-decoding NOT applied
  std::string query;        // target after '?', without the '?'
  // Header values the API uses; empty when absent. Names are matched case-insensitively.
  std::string authorization;
  std::string content_type;
  std::string if_match;
  std::optional<std::string> idempotency_key;  // absent and empty differ: empty is refused
  std::string traceparent;
  std::string body;
  std::string trace_id;     // 32 lowercase hex chars, assigned by the server per request
  // The events' correlationId for a command (trace_context.hpp: correlation_id_for); empty for
  // requests not built from the wire, which then use trace_id.
  std::string correlation_id;
  // The client's IP address, e.g. "127.0.0.1" (no port; IPv4 never in IPv6's mapped form):
  // the peer's, or the one a trusted proxy names (client_address.hpp).
  std::string remote_address;
  // A fresh UUID for a request the idempotency decorator let through with its key (never the
  // trace id, which a client may repeat through traceparent): it owns the key's claim.
  // Empty otherwise.
  std::string request_id;
};

struct HttpResponse {
  int status{200};
  std::string content_type{"application/json"};
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (ETag, Location...)
  // A body many responses share (static files, the OpenAPI document), sent instead of `body`
  // and never copied: a client pipelining GETs of the 1.7 MB Swagger bundle without reading
  // the answers held a copy per answer waiting. Default: none.
  std::shared_ptr<const std::string> shared_body;

  [[nodiscard]] std::string_view body_text() const {
    return shared_body ? std::string_view(*shared_body) : std::string_view(body);
  }
};

// Completes one request. Callable from any thread, exactly once; the server posts the
// response back to the connection's strand. Destroying it uncalled answers 500.
class Responder {
 public:
  // Where the response goes. Implementations must accept calls from any thread.
  struct Sink {
    virtual ~Sink() = default;
    virtual void send(HttpResponse response) = 0;
    // The Responder was destroyed uncalled. Default: send() a bare 500 problem; the server's
    // sink overrides it to fill in the request's path and trace id.
    virtual void abandon();
    // The route template the request matched: Router::dispatch says so before it answers 405
    // or calls the route's handler, so before send(). The text lives as long as the router,
    // which outlives the server. Default: ignored; a sink that wraps another forwards it.
    virtual void matched(std::string_view /*route_template*/) {}
  };
  Responder() = default;
  explicit Responder(std::shared_ptr<Sink> sink) : sink_(std::move(sink)) {}
  Responder(Responder&&) noexcept = default;
  Responder& operator=(Responder&&) noexcept = default;
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;
  ~Responder();

  void operator()(HttpResponse response);
  // Tells the sink which route template the request matched (for metrics and the access log);
  // ignored once the response is given.
  void matched(std::string_view route_template) {
    if (sink_) sink_->matched(route_template);
  }
  [[nodiscard]] bool done() const { return sink_ == nullptr; }

 private:
  std::shared_ptr<Sink> sink_;
};

// The application's entry point. Called on the connection's strand; must not block (hand
// long work to another thread and complete `respond` from there). Must not throw.
using RequestHandler = std::function<void(HttpRequest&& request, Responder&& respond)>;

}  // namespace orgd::api
