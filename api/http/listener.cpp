#include "api/http/listener.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "api/http/session.hpp"

namespace orgd::api::http_detail {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Pause before accepting again after a failed accept (typically EMFILE), so that a full
// file table does not turn into a busy loop.
constexpr auto kAcceptBackoff = std::chrono::milliseconds(50);

std::unexpected<std::string> failure(std::string_view step, const beast::error_code& ec) {
  return std::unexpected(std::string(step) + ": " + ec.message());
}

}  // namespace

std::expected<std::shared_ptr<Listener>, std::string> Listener::open(
    net::io_context& ioc, std::shared_ptr<ServerContext> context) {
  auto listener = std::make_shared<Listener>(ioc, std::move(context));
  if (auto bound = listener->bind(); !bound) return std::unexpected(std::move(bound.error()));
  return listener;
}

Listener::Listener(net::io_context& ioc, std::shared_ptr<ServerContext> context)
    : ioc_(ioc),
      acceptor_(net::make_strand(ioc)),
      backoff_(acceptor_.get_executor()),
      context_(std::move(context)) {}

std::expected<void, std::string> Listener::bind() {
  const auto& options = context_->options;
  beast::error_code ec;
  const auto address = net::ip::make_address(options.address, ec);
  if (ec) return failure("invalid listen address '" + options.address + "'", ec);
  const tcp::endpoint endpoint(address, options.port);
  const std::string where = options.address + ":" + std::to_string(options.port);
  if (acceptor_.open(endpoint.protocol(), ec); ec) return failure("open " + where, ec);
  if (acceptor_.set_option(net::socket_base::reuse_address(true), ec); ec) {
    return failure("set SO_REUSEADDR on " + where, ec);
  }
  if (acceptor_.bind(endpoint, ec); ec) return failure("bind " + where, ec);
  endpoint_ = acceptor_.local_endpoint(ec);
  if (ec) return failure("local endpoint of " + where, ec);
  return {};
}

std::expected<void, std::string> Listener::listen() {
  beast::error_code ec;
  if (acceptor_.listen(net::socket_base::max_listen_connections, ec); ec) {
    return failure(
        "listen on " + endpoint_.address().to_string() + ":" + std::to_string(endpoint_.port()),
        ec);
  }
  return {};
}

void Listener::run() {
  net::dispatch(acceptor_.get_executor(),
                beast::bind_front_handler(&Listener::do_accept, shared_from_this()));
}

void Listener::do_accept() {
  // Each connection gets its own strand: its handlers never run concurrently.
  acceptor_.async_accept(net::make_strand(ioc_),
                         beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted) return;  // the acceptor was closed
  if (ec) {
    backoff_.expires_after(kAcceptBackoff);
    backoff_.async_wait(beast::bind_front_handler(&Listener::on_backoff, shared_from_this()));
    return;
  }
  // A refused connection is told why (503) rather than reset; it counts as open until closed,
  // at most a few seconds (the session's linger), so a flood cannot outgrow the limit by much.
  const bool full = context_->open_connections.load() >= context_->options.max_connections;
  auto session = std::make_shared<Session>(std::move(socket), context_);
  if (full) {
    session->refuse();
  } else {
    session->run();
  }
  do_accept();
}

void Listener::on_backoff(beast::error_code ec) {
  if (!ec) do_accept();
}

}  // namespace orgd::api::http_detail
