#pragma once
// orgd's logging on stderr, one line per record: either a JSON object per line
//   {"time":"2024-05-01T12:00:00.123Z","level":"info","logger":"orgd","msg":"serving"}
// (every value escaped by Boost.JSON, so a message may hold any text), or plain text
//   2024-05-01T12:00:00.123Z info orgd serving
// where the message's control characters are escaped (\n, \r, \t, \x1b, ...; a backslash as
// \\), so a message holding a newline (a data directory's name) is still one line and cannot
// pass for a second record. Both name the levels as --log-level does: trace, debug, info, warn,
// error, critical (spdlog's own name for warn is "warning").
// Two loggers: "orgd" (the default logger: start, stop, failures, debug detail) and "access"
// (one line per HTTP response, written by AccessLog, which builds its own JSON objects).
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

// The formatters of the two formats, exposed for tests: {"time","level","logger","msg"}
// objects, and `time level logger message` lines with the message escaped.
[[nodiscard]] std::unique_ptr<spdlog::formatter> json_log_formatter();
[[nodiscard]] std::unique_ptr<spdlog::formatter> text_log_formatter();

}  // namespace orgd::api
