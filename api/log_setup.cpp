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

// %W and %V are ours (LevelFlag, EscapedMessageFlag): spdlog's %l says "warning" for the
// flag's warn, and its %v writes the message raw.
constexpr std::string_view kTextPattern = "%Y-%m-%dT%H:%M:%S.%eZ %W %n %V";

// The names --log-level takes, so that what an operator sets is what the lines say: spdlog's
// own but for warn, which it calls "warning".
std::string_view level_name(spdlog::level::level_enum level) {
  if (level == spdlog::level::warn) return "warn";
  const auto name = spdlog::level::to_string_view(level);
  return {name.data(), name.size()};
}

void append(std::string_view text, spdlog::memory_buf_t& dest) {
  dest.append(text.data(), text.data() + text.size());
}

// A line of text is one record only if no message can end it or fake another: every control
// character is written as an escape, and the backslash too, so `\n` in a line always was a
// newline in the message and never those two characters.
void append_escaped(std::string_view text, spdlog::memory_buf_t& dest) {
  constexpr std::string_view kHex = "0123456789abcdef";
  std::size_t plain = 0;  // where the run not copied yet starts
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != 0x7f && c != '\\') continue;
    append(text.substr(plain, i - plain), dest);
    plain = i + 1;
    switch (c) {
      case '\n':
        append("\\n", dest);
        break;
      case '\r':
        append("\\r", dest);
        break;
      case '\t':
        append("\\t", dest);
        break;
      case '\\':
        append("\\\\", dest);
        break;
      default: {
        const char escaped[] = {'\\', 'x', kHex[c >> 4], kHex[c & 0xf]};
        append({escaped, sizeof escaped}, dest);
      }
    }
  }
  append(text.substr(plain), dest);
}

class LevelFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm& /*time*/,
              spdlog::memory_buf_t& dest) override {
    append(level_name(msg.level), dest);
  }
  [[nodiscard]] std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<LevelFlag>();
  }
};

class EscapedMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm& /*time*/,
              spdlog::memory_buf_t& dest) override {
    append_escaped({msg.payload.data(), msg.payload.size()}, dest);
  }
  [[nodiscard]] std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<EscapedMessageFlag>();
  }
};

class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto unix_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count();
    boost::json::object line;
    line["time"] = format_iso8601(unix_ms);
    line["level"] = level_name(msg.level);
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

}  // namespace

std::unique_ptr<spdlog::formatter> json_log_formatter() {
  return std::make_unique<JsonLogFormatter>();
}

std::unique_ptr<spdlog::formatter> text_log_formatter() {
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<LevelFlag>('W').add_flag<EscapedMessageFlag>('V').set_pattern(
      std::string(kTextPattern));
  return formatter;
}

Loggers configure_logging(std::string_view level, bool json) {
  const auto threshold = spdlog::level::from_str(std::string(level));
  Loggers loggers;
  loggers.main =
      stderr_logger("orgd", json ? json_log_formatter() : text_log_formatter(), threshold);
  // AccessLog writes whole JSON objects itself: the JSON pattern is the message alone. Its
  // text lines go through the escaping pattern as orgd's do: their method, route and trace id
  // hold no control character today (an HTTP token, a template, hex), and need not be trusted to.
  loggers.access = stderr_logger(
      "access",
      json ? std::make_unique<spdlog::pattern_formatter>("%v", spdlog::pattern_time_type::utc)
           : text_log_formatter(),
      threshold);
  spdlog::set_default_logger(loggers.main);
  return loggers;
}

}  // namespace orgd::api
