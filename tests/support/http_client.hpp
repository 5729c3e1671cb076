#pragma once
// A small blocking HTTP/1.1 client for tests that start the real server on a port.
//
//   orgd::test::HttpClient client(server->port());
//   auto r = client.request("POST", "/api/v1/organizations", R"({"name":"Acme"})",
//                           {{"Content-Type", "application/json"}});
//   EXPECT_EQ(r.status, 201);
//   EXPECT_FALSE(r.header("X-Trace-Id").empty());
//
// Every operation has a deadline (default 10 s) so a broken server fails a test instead of
// hanging it. Failures (connect, I/O, timeout) throw std::runtime_error.
//
// Thread-safety: one client per thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orgd::test {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResult {
  int status{0};
  std::string body;
  Headers headers;        // in the order received
  bool keep_alive{true};  // false when the server announced it closes the connection

  // The first value of header `name` (case-insensitive), or "" when absent.
  [[nodiscard]] std::string header(std::string_view name) const;
  [[nodiscard]] bool has_header(std::string_view name) const;
};

// Told about every response HttpClient::request() receives, in every client of the process
// (the end-to-end tests use it to check each answer against the OpenAPI document). Set it
// before clients are used; it runs on the requesting thread.
using ResponseObserver =
    std::function<void(std::string_view method, std::string_view target, const HttpResult&)>;
void set_response_observer(ResponseObserver observer);

class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port, std::string host = "127.0.0.1",
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request on the keep-alive connection and waits for its response. Connects
  // first when there is no open connection (the first call, or after the server closed it).
  // If a reused connection turns out to have been closed by the server (an idle timeout
  // racing the request), retries once on a new connection.
  // Sends Host and, when `body` is not empty or the method is POST/PUT/PATCH, Content-Length.
  HttpResult request(std::string_view method, std::string_view target, std::string_view body = {},
                     const Headers& headers = {});

  // Pipelining: send() several requests without waiting, then receive() each response in
  // order.
  void send(std::string_view method, std::string_view target, std::string_view body = {},
            const Headers& headers = {});
  HttpResult receive();

  // True when the server closes the connection within `within` (no data arrives first).
  [[nodiscard]] bool wait_for_close(std::chrono::milliseconds within);
  // Whether a connection is currently open (as far as the client knows).
  [[nodiscard]] bool connected() const;
  // Connections opened so far: lets a test check that requests shared one connection.
  [[nodiscard]] int connections_opened() const;
  // Connections opened from now on come from `address` (e.g. "127.0.0.2": all of 127/8 is
  // this host), so a test can be several clients to the server's per-address rules.
  void set_source_address(std::string address);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Connects, writes `bytes` as they are, and returns everything the server sends until it
// closes the connection or `timeout` passes. For requests HttpClient cannot produce.
[[nodiscard]] std::string send_raw(std::uint16_t port, std::string_view bytes,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace orgd::test
