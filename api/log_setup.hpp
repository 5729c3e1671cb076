#pragma once
// orgd's logging on stderr, one line per record: either a JSON object per line
//   {"time":"2024-05-01T12:00:00.123Z","level":"info","logger":"orgd","msg":"serving"}
// (every value escaped by Boost.JSON, so a message may hold any text), or plain text
//   2024-05-01T12:00:00.123Z info serving
// Two loggers: "orgd" (the default logger: start, stop, failures) and "access" (one line per
// HTTP response, written by AccessLog, which builds its own JSON objects).
//
// Thread-safety: configure once at startup, before other threads log.

#include <memory>
#include <string_view>

namespace spdlog {
class logger;
class formatter;
}  // namespace spdlog

namespace orgd::api {

struct Loggers {
  std::shared_ptr<spdlog::logger> main;    // registered as spdlog's default logger
  std::shared_ptr<spdlog::logger> access;  // for AccessLogOptions::logger
};

// `level` is an spdlog level name (trace, debug, info, warn, error, critical, off); `json`
// picks the format. Replaces loggers of the same names.
Loggers configure_logging(std::string_view level, bool json);

// The formatter that writes {"time","level","logger","msg"} objects; exposed for tests.
[[nodiscard]] std::unique_ptr<spdlog::formatter> json_log_formatter();

}  // namespace orgd::api
