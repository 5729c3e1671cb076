#include "api/log_setup.hpp"

#include <spdlog/formatter.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>

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

// A UTF-8 lead byte: its sequence's length, its bits of the code point, and the lowest code
// point that length may encode (anything lower is an overlong form). Length 0: no lead byte.
struct Utf8Lead {
  std::size_t length;
  char32_t bits;
  char32_t lowest;
};

Utf8Lead utf8_lead(unsigned char byte) {
  if (byte >= 0xc2 && byte <= 0xdf) return {2, byte & 0x1fu, 0x80};
  if (byte >= 0xe0 && byte <= 0xef) return {3, byte & 0x0fu, 0x800};
  if (byte >= 0xf0 && byte <= 0xf4) return {4, byte & 0x07u, 0x10000};
  return {0, 0, 0};
}

// The well-formed UTF-8 sequence at the front of `text` (RFC 3629: no overlong forms,
// surrogates or code points past U+10FFFF): its length and code point, or length 0.
std::pair<std::size_t, char32_t> utf8_sequence(std::string_view text) {
  const Utf8Lead lead = utf8_lead(static_cast<unsigned char>(text[0]));
  if (lead.length == 0 || text.size() < lead.length) return {0, 0};
  char32_t cp = lead.bits;
  for (std::size_t i = 1; i < lead.length; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte & 0xc0) != 0x80) return {0, 0};
    cp = (cp << 6) | (byte & 0x3fu);
  }
  if (cp < lead.lowest || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return {0, 0};
  return {lead.length, cp};
}

// Characters that end a line or reorder what a terminal shows, beyond ASCII's controls: the C1
// controls (NEL, and CSI, which starts a terminal's escape sequence), the line and paragraph
// separators, and the bidirectional marks, embeddings, overrides and isolates.
bool escaped_code_point(char32_t cp) {
  return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || cp == 0x061c ||
         cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

void append_escaped_ascii(unsigned char c, spdlog::memory_buf_t& dest) {
  constexpr std::string_view kHex = "0123456789abcdef";
  switch (c) {
    case '\n':
      return append("\\n", dest);
    case '\r':
      return append("\\r", dest);
    case '\t':
      return append("\\t", dest);
    case '\\':
      return append("\\\\", dest);
    default: {
      const char escaped[] = {'\\', 'x', kHex[c >> 4], kHex[c & 0xf]};
      return append({escaped, sizeof escaped}, dest);
    }
  }
}

// A line of text is one record only if no message can end it or fake another: every control
// character is written as an escape (\n, \x1b, \u0085, \u2028), a byte that is not UTF-8 as
// \xNN, and the backslash too, so `\n` in a line always was a newline in the message and never
// those two characters.
void append_escaped(std::string_view text, spdlog::memory_buf_t& dest) {
  std::size_t plain = 0;  // where the run not copied yet starts
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c >= 0x20 && c != 0x7f && c != '\\') {
        ++i;
        continue;
      }
      append(text.substr(plain, i - plain), dest);
      append_escaped_ascii(c, dest);
      plain = ++i;
      continue;
    }
    const auto [length, cp] = utf8_sequence(text.substr(i));
    if (length != 0 && !escaped_code_point(cp)) {
      i += length;
      continue;
    }
    append(text.substr(plain, i - plain), dest);
    if (length == 0) {
      append_escaped_ascii(c, dest);  // \xNN, as for a control byte
      plain = ++i;
    } else {
      append(fmt::format("\\u{:04x}", static_cast<std::uint32_t>(cp)), dest);
      plain = i += length;
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
