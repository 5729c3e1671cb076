// The ISO 8601 timestamps of every representation: known instants, and the printf formatting
// orgd used before, over 100,000 instants from year 0 to 9999.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <random>
#include <string>

#include "api/ids.hpp"

namespace orgd::api {
namespace {

std::string reference(std::int64_t unix_ms) {
  const std::chrono::sys_time<std::chrono::milliseconds> t{std::chrono::milliseconds(unix_ms)};
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{days};
  const std::chrono::hh_mm_ss hms{t - days};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ldZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<long>(hms.hours().count()),
                static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()),
                static_cast<long>(hms.subseconds().count()));
  return buffer;
}

TEST(Timestamp, KnownInstants) {
  EXPECT_EQ(format_iso8601(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso8601(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_iso8601(951782400000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(format_iso8601(253402300799999), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(format_iso8601(253402300800000), "10000-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso8601(-62167219200000), "0000-01-01T00:00:00.000Z");
}

TEST(Timestamp, MatchesThePrintfFormattingEverywhere) {
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<std::int64_t> instants(-62167219200000, 253402300799999);
  for (int i = 0; i < 100000; ++i) {
    const std::int64_t t = instants(rng);
    ASSERT_EQ(format_iso8601(t), reference(t)) << t;
  }
}

}  // namespace
}  // namespace orgd::api
