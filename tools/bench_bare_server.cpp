// The anchor of tools/bench: a bare Boost.Beast HTTP/1.1 keep-alive server that answers
// every request with the 13-byte body "Hello, World!" (text/plain). It is what orgd would
// cost with no application at all, built with the same compiler and flags as orgd, so the
// ratios tools/bench prints compare orgd's work against the HTTP machinery alone.
//
//   bench_bare_server [--address A] [--port P] [--threads N]
//
// Defaults: 127.0.0.1, port 0 (any free port), threads = hardware concurrency. Prints
// `bench_bare_server listening on ADDR:PORT` on stdout once it accepts connections.
//
// The structure follows Boost's example/http/server/async: one io_context run by N threads,
// an acceptor that gives each connection its own strand, and a session that reads a
// request, writes a response and loops while the client keeps the connection alive.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr std::string_view kBody = "Hello, World!";
constexpr auto kIdleTimeout = std::chrono::seconds(30);

void fail(beast::error_code ec, std::string_view what) {
  std::cerr << "bench_bare_server: " << what << ": " << ec.message() << "\n";
}

http::message_generator hello(const http::request<http::string_body>& request) {
  http::response<http::string_body> response{http::status::ok, request.version()};
  response.set(http::field::server, BOOST_BEAST_VERSION_STRING);
  response.set(http::field::content_type, "text/plain");
  response.keep_alive(request.keep_alive());
  response.body() = kBody;
  response.prepare_payload();
  return response;
}

// One connection: read a request, answer it, repeat until the client closes.
class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket&& socket) : stream_(std::move(socket)) {
    // orgd disables Nagle on its connections; the anchor must use the same socket setup.
    beast::error_code ignored;
    stream_.socket().set_option(tcp::no_delay(true), ignored);
  }

  void run() {
    // Start on the connection's strand, as the Boost example does.
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::do_read, shared_from_this()));
  }

 private:
  void do_read() {
    request_ = {};
    stream_.expires_after(kIdleTimeout);
    http::async_read(stream_, buffer_, request_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec == http::error::end_of_stream) return do_close();
    if (ec) {
      if (ec != beast::error::timeout && ec != net::error::connection_reset) fail(ec, "read");
      return;
    }
    send(hello(request_));
  }

  void send(http::message_generator&& message) {
    const bool keep_alive = message.keep_alive();
    beast::async_write(stream_, std::move(message),
                       beast::bind_front_handler(&Session::on_write, shared_from_this(),
                                                 keep_alive));
  }

  void on_write(bool keep_alive, beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) {
      if (ec != net::error::connection_reset && ec != net::error::broken_pipe) fail(ec, "write");
      return;
    }
    if (!keep_alive) return do_close();
    do_read();
  }

  void do_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
};

// Accepts connections and starts a Session on its own strand for each.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, const tcp::endpoint& endpoint)
      : ioc_(ioc), acceptor_(net::make_strand(ioc)) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
  }

  tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

  void run() { do_accept(); }

 private:
  void do_accept() {
    acceptor_.async_accept(net::make_strand(ioc_),
                           beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (ec) {
      fail(ec, "accept");
    } else {
      std::make_shared<Session>(std::move(socket))->run();
    }
    do_accept();
  }

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
};

struct Settings {
  std::string address{"127.0.0.1"};
  unsigned short port{0};
  int threads{static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))};
};

[[noreturn]] void usage(std::string_view problem) {
  std::cerr << "bench_bare_server: " << problem
            << "\nusage: bench_bare_server [--address A] [--port P] [--threads N]\n";
  std::exit(2);
}

Settings parse(int argc, char** argv) {
  Settings settings;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") usage("help");
    if (i + 1 >= argc) usage("missing value for " + std::string(flag));
    const std::string value = argv[++i];
    try {
      if (flag == "--address") {
        settings.address = value;
      } else if (flag == "--port") {
        const auto port = std::stoul(value);
        if (port > 65535) usage("bad value for --port");
        settings.port = static_cast<unsigned short>(port);
      } else if (flag == "--threads") {
        settings.threads = std::stoi(value);
      } else {
        usage("unknown flag " + std::string(flag));
      }
    } catch (const std::exception&) {
      usage("bad value for " + std::string(flag));
    }
  }
  if (settings.threads < 1) usage("--threads must be >= 1");
  return settings;
}

}  // namespace

int main(int argc, char** argv) {
  const Settings settings = parse(argc, argv);
  net::io_context ioc{settings.threads};

  std::shared_ptr<Listener> listener;
  try {
    listener = std::make_shared<Listener>(
        ioc, tcp::endpoint{net::ip::make_address(settings.address), settings.port});
  } catch (const std::exception& e) {
    std::cerr << "bench_bare_server: cannot listen on " << settings.address << ":"
              << settings.port << ": " << e.what() << "\n";
    return 1;
  }
  listener->run();

  // SIGINT/SIGTERM stop the io_context so the threads return and the process exits cleanly.
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&ioc](beast::error_code, int) { ioc.stop(); });

  const auto endpoint = listener->local_endpoint();
  std::printf("bench_bare_server listening on %s:%u\n", endpoint.address().to_string().c_str(),
              static_cast<unsigned>(endpoint.port()));
  std::fflush(stdout);

  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(settings.threads - 1));
  for (int i = 1; i < settings.threads; ++i) threads.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& thread : threads) thread.join();
  return 0;
}
