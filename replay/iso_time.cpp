#include "replay/iso_time.hpp"

#include <chrono>

namespace orgd::replay {
namespace {

// Consumes exactly `width` digits from the front of `text`.
std::optional<int> take_digits(std::string_view& text, std::size_t width) {
  if (text.size() < width) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  text.remove_prefix(width);
  return value;
}

bool take(std::string_view& text, char c) {
  if (text.empty() || text.front() != c) return false;
  text.remove_prefix(1);
  return true;
}

// Milliseconds of ".fraction", or 0 when absent; nullopt for a '.' without digits.
std::optional<int> take_fraction(std::string_view& text) {
  if (!take(text, '.')) return 0;
  int ms = 0;
  std::size_t digits = 0;
  while (!text.empty() && text.front() >= '0' && text.front() <= '9') {
    if (digits < 3) ms = ms * 10 + (text.front() - '0');
    ++digits;
    text.remove_prefix(1);
  }
  if (digits == 0) return std::nullopt;
  for (std::size_t i = digits; i < 3; ++i) ms *= 10;
  return ms;
}

// The zone's offset east of UTC in minutes: "Z", "+HH:MM" or "-HH:MM", and nothing after it.
std::optional<int> take_zone(std::string_view text) {
  if (text == "Z" || text == "z") return 0;
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-')) return std::nullopt;
  const int sign = text[0] == '-' ? -1 : 1;
  text.remove_prefix(1);
  auto hours = take_digits(text, 2);
  if (!hours || !take(text, ':')) return std::nullopt;
  auto minutes = take_digits(text, 2);
  if (!minutes || *hours > 23 || *minutes > 59) return std::nullopt;
  return sign * (*hours * 60 + *minutes);
}

}  // namespace

std::optional<std::int64_t> parse_iso8601(std::string_view text) {
  using namespace std::chrono;
  auto y = take_digits(text, 4);
  if (!y || !take(text, '-')) return std::nullopt;
  auto mo = take_digits(text, 2);
  if (!mo || !take(text, '-')) return std::nullopt;
  auto d = take_digits(text, 2);
  if (!d || !(take(text, 'T') || take(text, 't'))) return std::nullopt;
  auto h = take_digits(text, 2);
  if (!h || !take(text, ':')) return std::nullopt;
  auto mi = take_digits(text, 2);
  if (!mi || !take(text, ':')) return std::nullopt;
  auto s = take_digits(text, 2);
  if (!s) return std::nullopt;
  auto ms = take_fraction(text);
  auto zone = take_zone(text);
  if (!ms || !zone || *h > 23 || *mi > 59 || *s > 59) return std::nullopt;
  const year_month_day date{year(*y), month(static_cast<unsigned>(*mo)),
                            day(static_cast<unsigned>(*d))};
  if (!date.ok()) return std::nullopt;
  const auto at = sys_days(date) + hours(*h) + minutes(*mi - *zone) + seconds(*s) +
                  milliseconds(*ms);
  return duration_cast<milliseconds>(at.time_since_epoch()).count();
}

}  // namespace orgd::replay
