#pragma once
// The HTTP server under test (server_test.cpp, server_limits_test.cpp): small limits and
// timeouts, an echoing handler, and a fixture that starts a server on an ephemeral loopback
// port and stops it after the test.

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/http/server.hpp"
#include "tests/support/http_client.hpp"

namespace orgd::api::server_testing {

inline ServerOptions test_options() {
  ServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  options.threads = 2;
  options.body_limit = 1024;
  options.header_limit = 1024;
  options.request_timeout = std::chrono::seconds(5);
  options.idle_timeout = std::chrono::seconds(1);
  return options;
}

inline HttpResponse text(std::string body, int status = 200) {
  HttpResponse response;
  response.status = status;
  response.content_type = "text/plain";
  response.body = std::move(body);
  return response;
}

// Answers with what it received, as JSON.
inline void echo(HttpRequest request, Responder respond) {
  const boost::json::object seen{{"method", static_cast<int>(request.method)},
                                 {"methodName", request.method_name},
                                 {"target", request.target},
                                 {"path", request.path},
                                 {"query", request.query},
                                 {"authorization", request.authorization},
                                 {"contentType", request.content_type},
                                 {"ifMatch", request.if_match},
                                 {"idempotencyKey", request.idempotency_key.value_or("<none>")},
                                 {"body", request.body},
                                 {"traceId", request.trace_id},
                                 {"remoteAddress", request.remote_address}};
  HttpResponse response;
  response.body = boost::json::serialize(seen);
  respond(std::move(response));
}

// echo, counting the requests that reached it in `calls`.
inline RequestHandler counting_echo(std::atomic<int>& calls) {
  return [&calls](HttpRequest request, Responder respond) {
    ++calls;
    echo(std::move(request), std::move(respond));
  };
}

inline boost::json::object json(const test::HttpResult& result) {
  return boost::json::parse(result.body).as_object();
}

inline std::string string_of(const boost::json::value& value) {
  return std::string(value.as_string());
}

class ServerTest : public ::testing::Test {
 protected:
  void start(RequestHandler handler, ServerOptions options = test_options()) {
    auto server = HttpServer::start(options, std::move(handler));
    ASSERT_TRUE(server) << server.error();
    server_ = std::move(*server);
  }
  void TearDown() override {
    for (auto& worker : workers_) worker.join();
    if (server_) server_->stop();
  }
  // Runs `work` on another thread, joined at teardown.
  template <class Work>
  void in_background(Work work) {
    std::lock_guard lock(workers_mutex_);
    workers_.emplace_back(std::move(work));
  }
  std::uint16_t port() const { return server_->port(); }

  std::unique_ptr<HttpServer> server_;
  std::mutex workers_mutex_;
  std::vector<std::thread> workers_;
};

}  // namespace orgd::api::server_testing
