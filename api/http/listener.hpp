#pragma once
// Accepts connections and starts a Session for each, on its own strand. Connections beyond
// max_connections are accepted, answered 503 and closed. Internal to api/http.
//
// Threads: runs on its own strand; open() and local_endpoint() from the starting thread.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <expected>
#include <memory>
#include <string>

#include "api/http/server_context.hpp"

namespace orgd::api::http_detail {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Opens a socket and binds it to context->options' address and port; connections are
  // refused until listen(). Errors: an invalid address, or the OS's reason the socket could
  // not bind (a port another socket listens on).
  [[nodiscard]] static std::expected<std::shared_ptr<Listener>, std::string> open(
      boost::asio::io_context& ioc, std::shared_ptr<ServerContext> context);

  Listener(boost::asio::io_context& ioc, std::shared_ptr<ServerContext> context);
  // Lets connections in (they wait in the backlog until accepted). Errors: the OS's reason.
  [[nodiscard]] std::expected<void, std::string> listen();
  // Starts accepting.
  void run();
  [[nodiscard]] const boost::asio::ip::tcp::endpoint& local_endpoint() const { return endpoint_; }

 private:
  [[nodiscard]] std::expected<void, std::string> bind();
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);
  void on_backoff(boost::beast::error_code ec);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer backoff_;
  std::shared_ptr<ServerContext> context_;
  boost::asio::ip::tcp::endpoint endpoint_;
};

}  // namespace orgd::api::http_detail
