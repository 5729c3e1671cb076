#include "api/log_setup.hpp"

#include <spdlog/formatter.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <string>

#include "api/ids.hpp"

namespace orgd::api {
namespace {

constexpr std::string_view kTextPattern = "%Y-%m-%dT%H:%M:%S.%eZ %l %v";
constexpr std::string_view kAccessTextPattern = "%Y-%m-%dT%H:%M:%S.%eZ %l access %v";

class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             msg.time.time_since_epoch())
                             .count();
    const auto level = spdlog::level::to_string_view(msg.level);
    boost::json::object line;
    line["time"] = format_iso8601(unix_ms);
    line["level"] = std::string_view(level.data(), level.size());
    line["logger"] = std::string_view(msg.logger_name.data(), msg.logger_name.size());
    line["msg"] = std::string_view(msg.payload.data(), msg.payload.size());
    const std::string text = boost::json::serialize(line);
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
  }

  [[nodiscard]] std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonLogFormatter>();
  }
};

std::shared_ptr<spdlog::logger> stderr_logger(const std::string& name,
                                              std::unique_ptr<spdlog::formatter> formatter,
                                              spdlog::level::level_enum level) {
  spdlog::drop(name);
  // One sink per logger (formatters belong to sinks); console sinks share one global mutex,
  // so lines of the two loggers never interleave.
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>(name, std::move(sink));
  logger->set_formatter(std::move(formatter));
  logger->set_level(level);
  // Errors are rare and operators want them at once; the rest is flushed line by line by
  // the console sink anyway.
  logger->flush_on(spdlog::level::warn);
  spdlog::register_logger(logger);
  return logger;
}

std::unique_ptr<spdlog::formatter> text_formatter(std::string_view pattern) {
  return std::make_unique<spdlog::pattern_formatter>(std::string(pattern),
                                                     spdlog::pattern_time_type::utc);
}

}  // namespace

std::unique_ptr<spdlog::formatter> json_log_formatter() {
  return std::make_unique<JsonLogFormatter>();
}

Loggers configure_logging(std::string_view level, bool json) {
  const auto threshold = spdlog::level::from_str(std::string(level));
  Loggers loggers;
  loggers.main =
      stderr_logger("orgd", json ? json_log_formatter() : text_formatter(kTextPattern), threshold);
  // AccessLog writes whole JSON objects itself: the JSON pattern is the message alone.
  loggers.access = stderr_logger(
      "access", json ? text_formatter("%v") : text_formatter(kAccessTextPattern), threshold);
  spdlog::set_default_logger(loggers.main);
  return loggers;
}

}  // namespace orgd::api
