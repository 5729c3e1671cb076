#pragma once
// State shared by the listener, every session and every responder of one HttpServer.
// Internal to api/http.

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>

#include "api/http/beast_conversion.hpp"
#include "api/http/server.hpp"

namespace orgd::api::http_detail {

// Whether the server still accepts work posted into its io_context. Responders can outlive
// the server; this lock is what keeps one from posting into an io_context that stop() is
// tearing down. Held by responders apart from ServerContext so that a responder stored
// inside the handler's own state does not keep the handler alive in a cycle.
//
// Thread-safety: all members may be called from any thread.
class Lifeline {
 public:
  // Runs `post` (which must only hand work to the io_context) unless stopped.
  template <class Post>
  void post_unless_stopped(Post&& post) {
    std::lock_guard lock(mutex_);
    if (running_) post();
  }
  void mark_stopped() {
    std::lock_guard lock(mutex_);
    running_ = false;
  }

 private:
  std::mutex mutex_;
  bool running_{true};
};

// Thread-safety: options are immutable; the handler is set once, by HttpServer::serve before
// the first accept and the I/O threads, and not changed after; the counter is atomic.
struct ServerContext {
  explicit ServerContext(ServerOptions server_options)
      : options(std::move(server_options)), fixed_headers(header_lines(options.response_headers)) {}

  const ServerOptions options;
  const std::string fixed_headers;  // options.response_headers as header lines
  RequestHandler handler;
  const std::shared_ptr<Lifeline> lifeline = std::make_shared<Lifeline>();
  std::atomic<std::size_t> open_connections{0};
};

}  // namespace orgd::api::http_detail
