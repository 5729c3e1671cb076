#pragma once
// One access-log line per HTTP response, through spdlog:
//   JSON: {"time":"2024-05-01T12:00:00.123Z","level":"info","logger":"access","msg":"request",
//          "method":"GET","route":"/api/v1/organizations/{id}","status":200,
//          "duration_ms":0.412,"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}
//   text: 2024-05-01T12:00:00.123Z info access GET /api/v1/organizations/{id} 200 0.412ms
//         trace_id=4bf92f3577b34da6a3ce929d0e0e4736
//
// What it never writes: the raw path or query string (they can carry emails and other
// personal data: `?q=`, an email used as an id), headers (tokens) or bodies (passwords). The
// route template identifies the endpoint; the trace id (X-Trace-Id, `traceId` in problems,
// the caller's W3C traceparent when it sent one) finds the request.
//
// Thread-safety: record() from any thread (spdlog loggers are thread-safe).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "api/http/server.hpp"

namespace spdlog {
class logger;
}

namespace orgd::api {

struct AccessLogOptions {
  // Where the lines go; null turns the access log off. Default: null (orgd's main passes the
  // "access" logger from log_setup.hpp).
  std::shared_ptr<spdlog::logger> logger;
  // JSON objects (true) or text lines. Default: true.
  bool json{true};
};

class AccessLog {
 public:
  explicit AccessLog(AccessLogOptions options) : options_(std::move(options)) {}
  // `route` is the matched template, empty when none matched ("unmatched").
  void record(const CompletedRequest& request, std::string_view route) const;

 private:
  AccessLogOptions options_;
};

// The line record() writes at `now_ms` (Unix ms), without the newline; exposed for tests.
[[nodiscard]] std::string access_log_json(const CompletedRequest& request, std::string_view route,
                                          std::int64_t now_ms);
[[nodiscard]] std::string access_log_text(const CompletedRequest& request, std::string_view route);

}  // namespace orgd::api
