// Access-log lines: every value escaped, nothing but the route template of the path, one line
// per record.

#include "api/access_log.hpp"

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <boost/json.hpp>
#include <sstream>

#include "api/log_setup.hpp"

namespace orgd::api {
namespace {

CompletedRequest request(std::string_view method, std::string_view path, int status) {
  return {.method = method,
          .path = path,
          .trace_id = "4bf92f3577b34da6a3ce929d0e0e4736",
          .status = status,
          .duration = std::chrono::microseconds(1234)};
}

TEST(AccessLog, AJsonLineHasTheFieldsAndNoPath) {
  const auto line = access_log_json(request("GET", "/api/v1/customers/ada@example.com", 404),
                                    "/api/v1/customers/{id}", 1714564800123);
  const auto parsed = boost::json::parse(line).as_object();
  EXPECT_EQ(parsed.at("time"), "2024-05-01T12:00:00.123Z");
  EXPECT_EQ(parsed.at("level"), "info");
  EXPECT_EQ(parsed.at("logger"), "access");
  EXPECT_EQ(parsed.at("method"), "GET");
  EXPECT_EQ(parsed.at("route"), "/api/v1/customers/{id}");
  EXPECT_EQ(parsed.at("status"), 404);
  EXPECT_EQ(parsed.at("duration_ms"), 1.234);
  EXPECT_EQ(parsed.at("trace_id"), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(line.find("example.com"), std::string::npos);
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(AccessLog, UnmatchedRoutesAndOddMethodsAreSafe) {
  const auto line = access_log_json(request("X\"Y", "/x?email=a@b.c", 404), "", 0);
  const auto parsed = boost::json::parse(line).as_object();
  EXPECT_EQ(parsed.at("route"), "unmatched");
  EXPECT_EQ(parsed.at("method"), "X\"Y");
  EXPECT_EQ(line.find("a@b.c"), std::string::npos);
  const auto text = access_log_text(request("POST", "/api/v1/sessions", 201), "/api/v1/sessions");
  EXPECT_EQ(text, "POST /api/v1/sessions 201 1.234ms trace_id=4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST(AccessLog, RecordWritesOneLineThroughTheLogger) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  auto logger = std::make_shared<spdlog::logger>("access-test", sink);
  logger->set_pattern("%v");
  AccessLog log({logger, true});
  log.record(request("GET", "/healthz", 200), "/healthz");
  log.record(request("GET", "/api/v1/organizations/{x}", 200), "/api/v1/organizations/{id}");
  logger->flush();
  std::istringstream lines(out.str());
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    EXPECT_TRUE(boost::json::parse(line).is_object()) << line;
  }
  EXPECT_EQ(count, 2);
  AccessLog off({nullptr, true});
  off.record(request("GET", "/healthz", 200), "/healthz");  // no logger: nothing, no crash
}

// The text line goes through the escaping text format: nothing a client sent can end it.
TEST(AccessLog, ATextLineNamesTheAccessLoggerAndIsOneLine) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  sink->set_formatter(text_log_formatter());
  auto logger = std::make_shared<spdlog::logger>("access", sink);
  AccessLog log({logger, false});
  log.record(request("GE\nT", "/x", 400), "");
  logger->flush();
  const std::string text = out.str();
  EXPECT_EQ(text.find('\n'), text.size() - 1) << text;
  EXPECT_TRUE(text.ends_with(
      " info access GE\\nT unmatched 400 1.234ms trace_id=4bf92f3577b34da6a3ce929d0e0e4736\n"))
      << text;
}

}  // namespace
}  // namespace orgd::api
