#include "domain/iso8601.hpp"

#include <chrono>
#include <cstdio>

namespace orgd::domain {
namespace {

// Writes `value` as exactly `width` decimal digits ending at `end`.
void put_digits(char* end, unsigned value, int width) {
  for (int i = 0; i < width; ++i) {
    *--end = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

}  // namespace

// Every representation carries two timestamps, a listing page forty of them: digits are put
// in place instead of going through snprintf, which was a tenth of a list request's
// instructions. Years outside 0..9999 (never written by orgd) take the general path.
std::string format_iso8601(std::int64_t unix_ms) {
  const std::chrono::sys_time<std::chrono::milliseconds> t{std::chrono::milliseconds(unix_ms)};
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{days};
  const std::chrono::hh_mm_ss hms{t - days};
  const int year = static_cast<int>(ymd.year());
  const auto hours = static_cast<unsigned>(hms.hours().count());
  const auto minutes = static_cast<unsigned>(hms.minutes().count());
  const auto seconds = static_cast<unsigned>(hms.seconds().count());
  const auto millis = static_cast<unsigned>(hms.subseconds().count());
  if (year < 0 || year > 9999) {
    char buffer[64];  // generous: the compiler cannot bound the year's digits
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02u:%02u:%02u.%03uZ", year,
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hours,
                  minutes, seconds, millis);
    return buffer;
  }
  std::string text = "0000-00-00T00:00:00.000Z";
  char* at = text.data();
  put_digits(at + 4, static_cast<unsigned>(year), 4);
  put_digits(at + 7, static_cast<unsigned>(ymd.month()), 2);
  put_digits(at + 10, static_cast<unsigned>(ymd.day()), 2);
  put_digits(at + 13, hours, 2);
  put_digits(at + 16, minutes, 2);
  put_digits(at + 19, seconds, 2);
  put_digits(at + 23, millis, 3);
  return text;
}

}  // namespace orgd::domain
