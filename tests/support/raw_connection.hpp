#pragma once
// A raw TCP connection to a test server, for what HttpClient cannot send: smuggling attempts,
// garbage, requests dripped a byte at a time, connections that never send anything.
//
//   orgd::test::RawConnection raw(port);
//   raw.send("GET / HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\r\n\r\n");
//   const auto received = raw.read_until_close(5s);
//   const auto responses = orgd::test::parse_responses(received.bytes);
//
// Blocking POSIX sockets; every wait has a deadline. Failures to connect throw
// std::runtime_error; everything after that reports instead of throwing.
//
// Thread-safety: one thread may send while another reads; nothing else is shared.

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/http_client.hpp"

namespace orgd::test {

class RawConnection {
 public:
  struct Received {
    std::string bytes;
    bool closed{false};  // the peer closed (or reset) the connection before the deadline
  };

  explicit RawConnection(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
      const int error = errno;
      ::close(fd_);
      throw std::runtime_error(std::string("connect: ") + std::strerror(error));
    }
    const int one = 1;  // a byte sent is a byte on the wire, for dripping
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Writes all of `bytes`; false when the peer has closed or reset the connection.
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const auto sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent < 0 && errno == EINTR) continue;
      if (sent <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }

  // Half-closes: tells the peer nothing more will be sent (as HTTP/1.0 clients may).
  void shutdown_send() { ::shutdown(fd_, SHUT_WR); }

  // Reads until the peer closes the connection or `within` passes.
  Received read_until_close(std::chrono::milliseconds within) { return read_for(within, {}); }

  // Reads until what arrived contains `marker` (or as read_until_close).
  Received read_until(std::string_view marker, std::chrono::milliseconds within) {
    return read_for(within, marker);
  }

  // Without waiting: whether the peer has closed the connection (data it sent is discarded).
  bool peer_closed() {
    std::array<char, 4096> chunk{};
    for (;;) {
      const auto n = ::recv(fd_, chunk.data(), chunk.size(), MSG_DONTWAIT);
      if (n > 0) continue;
      if (n == 0) return true;
      if (errno == EINTR) continue;
      return errno != EAGAIN && errno != EWOULDBLOCK;
    }
  }

 private:
  Received read_for(std::chrono::milliseconds within, std::string_view marker) {
    Received received;
    const auto deadline = std::chrono::steady_clock::now() + within;
    std::array<char, 16384> chunk{};
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return received;
      pollfd poll_fd{fd_, POLLIN, 0};
      const int ready = ::poll(&poll_fd, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return received;
      const auto n = ::recv(fd_, chunk.data(), chunk.size(), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        received.closed = true;
        return received;
      }
      received.bytes.append(chunk.data(), static_cast<std::size_t>(n));
      if (!marker.empty() && received.bytes.find(marker) != std::string::npos) return received;
    }
  }

  int fd_;
};

struct RawResponse {
  int status{0};
  Headers headers;
  std::string body;

  // The first value of header `name` (case-insensitive), or "".
  [[nodiscard]] std::string header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key.size() == name.size() &&
          std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) ==
                   std::tolower(static_cast<unsigned char>(b));
          })) {
        return value;
      }
    }
    return {};
  }
};

// The complete HTTP/1.1 responses in `bytes`, in order; stops at the first incomplete or
// unparsable one. Interim 1xx responses are included.
inline std::vector<RawResponse> parse_responses(std::string_view bytes) {
  namespace http = boost::beast::http;
  std::vector<RawResponse> responses;
  while (!bytes.empty()) {
    http::response_parser<http::string_body> parser;
    parser.eager(true);
    parser.body_limit(boost::none);
    boost::beast::error_code ec;
    const std::size_t used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
    if (ec || !parser.is_done()) return responses;
    const auto& message = parser.get();
    RawResponse response;
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
      response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    response.body = message.body();
    responses.push_back(std::move(response));
    bytes.remove_prefix(used);
  }
  return responses;
}

}  // namespace orgd::test
