#include "api/http/server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

#include "api/http/listener.hpp"
#include "api/http/server_context.hpp"

namespace orgd::api {
namespace {

namespace net = boost::asio;

unsigned thread_count(const ServerOptions& options) {
  if (options.threads > 0) return options.threads;
  const unsigned hardware = std::thread::hardware_concurrency();
  return hardware > 0 ? hardware : 1;
}

void run_io(net::io_context& ioc) {
  // Handlers catch their own exceptions; this is the last line of defence, so that one
  // failed request cannot take an I/O thread (and every connection on it) down.
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (...) {
    }
  }
}

}  // namespace

struct HttpServer::Impl {
  std::shared_ptr<http_detail::ServerContext> context;
  // Destroyed by stop(): that destroys every session still waiting on I/O, closing sockets.
  std::unique_ptr<net::io_context> ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::shared_ptr<http_detail::Listener> listener;
  std::vector<std::thread> threads;
  std::uint16_t port{0};
  std::string address;
  bool stopped{false};
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { stop(); }

std::expected<std::unique_ptr<HttpServer>, std::string> HttpServer::start(
    const ServerOptions& options, RequestHandler handler) {
  auto server = bind(options);
  if (!server) return server;
  if (auto served = (*server)->serve(std::move(handler)); !served) {
    return std::unexpected(std::move(served.error()));
  }
  return server;
}

std::expected<std::unique_ptr<HttpServer>, std::string> HttpServer::bind(
    const ServerOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->context = std::make_shared<http_detail::ServerContext>(options);
  impl->ioc = std::make_unique<net::io_context>(static_cast<int>(thread_count(options)));
  auto listener = http_detail::Listener::open(*impl->ioc, impl->context);
  if (!listener) return std::unexpected(std::move(listener.error()));
  impl->listener = std::move(*listener);
  impl->port = impl->listener->local_endpoint().port();
  impl->address = impl->listener->local_endpoint().address().to_string();
  impl->work.emplace(impl->ioc->get_executor());
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

std::expected<void, std::string> HttpServer::serve(RequestHandler handler) {
  if (!handler) return std::unexpected("HttpServer::serve: no request handler");
  if (impl_->stopped || !impl_->threads.empty()) {
    return std::unexpected("HttpServer::serve: not a bound server that waits to serve");
  }
  impl_->context->handler = std::move(handler);
  if (auto listening = impl_->listener->listen(); !listening) return listening;
  impl_->listener->run();
  try {
    for (unsigned i = 0; i < thread_count(impl_->context->options); ++i) {
      impl_->threads.emplace_back([ioc = impl_->ioc.get()] { run_io(*ioc); });
    }
  } catch (const std::system_error& error) {
    stop();
    return std::unexpected(std::string("HttpServer::serve: cannot start I/O threads: ") +
                           error.what());
  }
  return {};
}

std::uint16_t HttpServer::port() const { return impl_->port; }

std::string HttpServer::address() const { return impl_->address; }

std::size_t HttpServer::open_connections() const { return impl_->context->open_connections.load(); }

void HttpServer::stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  impl_->context->lifeline->mark_stopped();
  impl_->work.reset();
  impl_->ioc->stop();
  for (auto& thread : impl_->threads) {
    if (thread.joinable()) thread.join();
  }
  impl_->listener.reset();
  impl_->ioc.reset();
}

}  // namespace orgd::api
