#pragma once
// ASCII text helpers for header names and values (RFC 9110: names are case-insensitive,
// optional whitespace is spaces and tabs). Locale-free on purpose.

#include <algorithm>
#include <string_view>

namespace orgd::api {

[[nodiscard]] inline bool iequals(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return lower(x) == lower(y);
  });
}

// `text` without leading and trailing spaces and tabs.
[[nodiscard]] inline std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

}  // namespace orgd::api
