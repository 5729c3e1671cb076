// The two log formats: one record is one line whatever its message holds, and both name the
// levels as --log-level does.

#include "api/log_setup.hpp"

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <boost/json.hpp>
#include <regex>
#include <sstream>

namespace orgd::api {
namespace {

// What `logger_name` writes of one record through `formatter`.
class Captured {
 public:
  Captured(std::string logger_name, std::unique_ptr<spdlog::formatter> formatter)
      : sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(out_)),
        logger_(std::move(logger_name), sink_) {
    sink_->set_formatter(std::move(formatter));
    logger_.set_level(spdlog::level::trace);
  }
  spdlog::logger& logger() { return logger_; }
  std::string text() {
    logger_.flush();
    return out_.str();
  }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
  spdlog::logger logger_;
};

TEST(JsonLogFormatter, EscapesEveryMessage) {
  Captured log("orgd", json_log_formatter());
  log.logger().error("cannot open \"/data\\dir\"\nbecause {}", "it\tbroke");
  const std::string text = log.text();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find('\n'), text.size() - 1);
  const auto parsed = boost::json::parse(text).as_object();
  EXPECT_EQ(parsed.at("level"), "error");
  EXPECT_EQ(parsed.at("logger"), "orgd");
  EXPECT_EQ(parsed.at("msg"), "cannot open \"/data\\dir\"\nbecause it\tbroke");
  EXPECT_TRUE(parsed.at("time").as_string().ends_with("Z"));
}

// A data directory named with a newline wrote two lines, the second one a record of its own
// making (the twenty-ninth session's review).
TEST(TextLogFormatter, NamesTheLoggerAndWritesOneLineWhateverTheMessageHolds) {
  Captured log("orgd", text_log_formatter());
  log.logger().critical("cannot open /srv/a\nZ info orgd forged\r\x1b[2K\x7f \\n\tend");
  const std::string text = log.text();
  EXPECT_TRUE(std::regex_match(
      text, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z critical orgd (.*)\n)")))
      << text;
  EXPECT_TRUE(text.ends_with(
      R"( critical orgd cannot open /srv/a\nZ info orgd forged\r\x1b[2K\x7f \\n\tend)"
      "\n"))
      << text;
}

TEST(TextLogFormatter, EscapesEveryControlCharacter) {
  for (int c = 0; c < 0x80; ++c) {
    Captured log("orgd", text_log_formatter());
    log.logger().info("<{}>", std::string(1, static_cast<char>(c)));
    const std::string text = log.text();
    const std::string message = text.substr(text.find(" orgd ") + 6);
    for (std::size_t i = 0; i + 1 < message.size(); ++i) {
      const auto byte = static_cast<unsigned char>(message[i]);
      EXPECT_TRUE(byte >= 0x20 && byte != 0x7f) << "byte " << c << " written raw: " << message;
    }
    if (c >= 0x20 && c != 0x7f && c != '\\') {
      EXPECT_EQ(message, "<" + std::string(1, static_cast<char>(c)) + ">\n");
    } else {
      EXPECT_EQ(message[1], '\\') << "byte " << c << ": " << message;
    }
  }
}

// Beyond ASCII: the C1 controls (NEL ends a line for some readers, CSI starts a terminal's
// escape sequence), the line and paragraph separators and the bidirectional overrides are
// escaped as \uXXXX, a byte that is no UTF-8 as \xNN; other characters are written as they
// are (the thirtieth session's review found C1 and U+2028 written raw).
TEST(TextLogFormatter, EscapesLineBreakingAndReorderingCharactersBeyondAscii) {
  const auto message_of = [](std::string_view payload) {
    Captured log("orgd", text_log_formatter());
    log.logger().info("{}", payload);
    const std::string text = log.text();
    return text.substr(text.find(" orgd ") + 6);
  };
  EXPECT_EQ(message_of("a\xc2\x85"
                       "b\xc2\x9b"
                       "2Kc"),
            "a\\u0085b\\u009b2Kc\n");
  EXPECT_EQ(message_of("x\xe2\x80\xa8y\xe2\x80\xa9z"), "x\\u2028y\\u2029z\n");
  EXPECT_EQ(message_of("\xe2\x80\xae"
                       "evil\xe2\x81\xa6i\xe2\x81\xa9"),
            "\\u202eevil\\u2066i\\u2069\n");
  // The directional marks: left-to-right, right-to-left, Arabic letter mark.
  EXPECT_EQ(message_of("a\xe2\x80\x8e"
                       "b\xe2\x80\x8f"
                       "c\xd8\x9c"
                       "d"),
            "a\\u200eb\\u200fc\\u061cd\n");
  // Not UTF-8: a lone continuation, a raw C1 byte, a cut sequence, an overlong '/', a surrogate.
  EXPECT_EQ(message_of("\x80|\x9b|\xe2\x80|\xc0\xaf|\xed\xa0\x80"),
            "\\x80|\\x9b|\\xe2\\x80|\\xc0\\xaf|\\xed\\xa0\\x80\n");
  // Written as they are: Latin, CJK, an emoji, the no-break space.
  const std::string plain =
      "Jos\xc3\xa9 \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x98\x80 a\xc2\xa0"
      "b";
  EXPECT_EQ(message_of(plain), plain + "\n");
}

// spdlog calls warn "warning"; the flag, and so the lines, say warn.
TEST(LogFormats, NameTheLevelsAsTheLogLevelFlagDoes) {
  const std::vector<std::pair<spdlog::level::level_enum, std::string>> levels = {
      {spdlog::level::trace, "trace"}, {spdlog::level::debug, "debug"},
      {spdlog::level::info, "info"},   {spdlog::level::warn, "warn"},
      {spdlog::level::err, "error"},   {spdlog::level::critical, "critical"}};
  for (const auto& [level, name] : levels) {
    Captured json("orgd", json_log_formatter());
    json.logger().log(level, "m");
    EXPECT_EQ(boost::json::parse(json.text()).at("level").as_string(), name);
    Captured text("orgd", text_log_formatter());
    text.logger().log(level, "m");
    EXPECT_NE(text.text().find("Z " + name + " orgd m\n"), std::string::npos) << text.text();
    // The name the line shows is one the flag takes, and means the same level.
    EXPECT_EQ(spdlog::level::from_str(name), level) << name;
  }
}

}  // namespace
}  // namespace orgd::api
