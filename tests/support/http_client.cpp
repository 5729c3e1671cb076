#include "tests/support/http_client.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <deque>
#include <limits>
#include <optional>
#include <stdexcept>

namespace orgd::test {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// The server closed a connection we meant to reuse.
class ConnectionLost : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

bool is_connection_lost(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe;
}

[[noreturn]] void fail(std::string_view what, const beast::error_code& ec) {
  const std::string message = std::string(what) + ": " + ec.message();
  if (is_connection_lost(ec)) throw ConnectionLost(message);
  throw std::runtime_error(message);
}

// Runs the asynchronous operation that `start` begins to completion. Deadlines come from the
// tcp_stream's expiry, so run() always returns.
template <class Start>
beast::error_code run(net::io_context& ioc, Start&& start) {
  beast::error_code result = net::error::would_block;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

}  // namespace

std::string HttpResult::header(std::string_view name) const {
  const auto it = std::ranges::find_if(
      headers, [name](const auto& header) { return beast::iequals(header.first, name); });
  return it == headers.end() ? std::string{} : it->second;
}

bool HttpResult::has_header(std::string_view name) const {
  return std::ranges::any_of(
      headers, [name](const auto& header) { return beast::iequals(header.first, name); });
}

struct HttpClient::Impl {
  net::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  std::string host;
  std::string source;  // empty: the system picks
  std::uint16_t port{0};
  std::chrono::milliseconds timeout{};
  std::deque<bool> awaiting_head;  // per request sent and not yet received: was it HEAD?
  bool carried_response{false};    // the open connection already delivered a response
  int connections_opened{0};

  void connect() {
    disconnect();
    stream.emplace(ioc);
    const tcp::endpoint endpoint(net::ip::make_address(host), port);
    if (!source.empty()) {
      stream->socket().open(endpoint.protocol());
      stream->socket().bind(tcp::endpoint(net::ip::make_address(source), 0));
    }
    stream->expires_after(timeout);
    const auto ec = run(ioc, [&](auto handler) { stream->async_connect(endpoint, handler); });
    if (ec) {
      stream.reset();
      fail("connect", ec);
    }
    ++connections_opened;
  }

  void disconnect() {
    if (stream) {
      beast::error_code ignored;
      stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream->close();
    }
    stream.reset();
    buffer.clear();
    awaiting_head.clear();
    carried_response = false;
  }
};

HttpClient::HttpClient(std::uint16_t port, std::string host, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
  impl_->timeout = timeout;
}

HttpClient::~HttpClient() { impl_->disconnect(); }

void HttpClient::set_source_address(std::string address) { impl_->source = std::move(address); }

namespace {
ResponseObserver& response_observer() {
  static ResponseObserver observer;
  return observer;
}
}  // namespace

void set_response_observer(ResponseObserver observer) {
  response_observer() = std::move(observer);
}

HttpResult HttpClient::request(std::string_view method, std::string_view target,
                               std::string_view body, const Headers& headers) {
  for (int attempt = 0;; ++attempt) {
    const bool reusing = impl_->stream && impl_->carried_response;
    try {
      send(method, target, body, headers);
      HttpResult result = receive();
      if (const auto& observe = response_observer()) observe(method, target, result);
      return result;
    } catch (const ConnectionLost&) {
      if (!reusing || attempt > 0) throw;
      impl_->disconnect();
    }
  }
}

void HttpClient::send(std::string_view method, std::string_view target, std::string_view body,
                      const Headers& headers) {
  if (!impl_->stream) impl_->connect();
  http::request<http::string_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(http::field::host, impl_->host + ":" + std::to_string(impl_->port));
  for (const auto& [name, value] : headers) request.insert(name, value);
  request.body() = std::string(body);
  request.prepare_payload();

  impl_->stream->expires_after(impl_->timeout);
  const auto ec =
      run(impl_->ioc, [&](auto handler) { http::async_write(*impl_->stream, request, handler); });
  if (ec) {
    impl_->disconnect();
    fail("send", ec);
  }
  impl_->awaiting_head.push_back(method == "HEAD");
}

HttpResult HttpClient::receive() {
  if (!impl_->stream || impl_->awaiting_head.empty()) {
    throw std::logic_error("HttpClient::receive without a request sent");
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  if (impl_->awaiting_head.front()) parser.skip(true);  // HEAD: headers only
  impl_->awaiting_head.pop_front();

  impl_->stream->expires_after(impl_->timeout);
  const auto ec = run(impl_->ioc, [&](auto handler) {
    http::async_read(*impl_->stream, impl_->buffer, parser, handler);
  });
  if (ec) {
    impl_->disconnect();
    fail("receive", ec);
  }
  const auto& message = parser.get();
  HttpResult result;
  result.status = static_cast<int>(message.result_int());
  result.body = message.body();
  result.keep_alive = message.keep_alive();
  for (const auto& field : message) {
    result.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  impl_->carried_response = true;
  if (!result.keep_alive && impl_->awaiting_head.empty()) impl_->disconnect();
  return result;
}

bool HttpClient::wait_for_close(std::chrono::milliseconds within) {
  if (!impl_->stream) return true;
  char byte = 0;
  impl_->stream->expires_after(within);
  const auto ec = run(impl_->ioc, [&](auto handler) {
    impl_->stream->async_read_some(net::buffer(&byte, 1), handler);
  });
  impl_->disconnect();  // after a timeout Beast has closed the socket anyway
  return is_connection_lost(ec);
}

bool HttpClient::connected() const { return impl_->stream.has_value(); }

int HttpClient::connections_opened() const { return impl_->connections_opened; }

std::string send_raw(std::uint16_t port, std::string_view bytes,
                     std::chrono::milliseconds timeout) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  stream.expires_at(deadline);
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
  if (const auto ec = run(ioc, [&](auto handler) { stream.async_connect(endpoint, handler); })) {
    fail("connect", ec);
  }
  // A write error is not a failure here: the server may answer and close before reading
  // everything; what it sent is still worth reading.
  stream.expires_at(deadline);
  (void)run(ioc, [&](auto handler) {
    net::async_write(stream, net::buffer(bytes.data(), bytes.size()), handler);
  });
  std::string received;
  std::array<char, 4096> chunk{};
  for (;;) {
    std::size_t n = 0;
    stream.expires_at(deadline);
    const auto ec = run(ioc, [&](auto handler) {
      stream.async_read_some(net::buffer(chunk),
                             [&n, handler](beast::error_code e, std::size_t bytes_read) mutable {
                               n = bytes_read;
                               handler(e);
                             });
    });
    received.append(chunk.data(), n);
    if (ec) return received;
  }
}

}  // namespace orgd::test
