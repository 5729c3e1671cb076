#pragma once
// Percent-decoding (RFC 3986 §2.1) of request paths and query strings.
//
// Thread-safety: pure functions.

#include <optional>
#include <string>
#include <string_view>

namespace orgd::api {

// What a '+' means: itself in paths, a space in query strings (HTML form encoding).
enum class PlusMeans : bool { plus, space };

// Decodes every "%XX" escape (hex digits in either case). Returns nullopt when a '%' is not
// followed by two hex digits. Says nothing about the decoded bytes: callers that need text
// check them with is_safe_text().
[[nodiscard]] std::optional<std::string> percent_decode(std::string_view text,
                                                        PlusMeans plus = PlusMeans::plus);

// True when `text` is valid UTF-8 without NUL bytes: what a decoded path segment or query
// value must be before it may reach a handler, a log line or a JSON response.
[[nodiscard]] bool is_safe_text(std::string_view text);

}  // namespace orgd::api
