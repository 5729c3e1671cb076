#pragma once
// ISO-8601 UTC timestamps as history shows them and auditors type them.
//
// replay/ does not depend on api/, so it keeps its own formatter; both print the same shape.
// Thread-safety: pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace orgd::replay {

// "2026-11-23T13:17:22.123Z" (always milliseconds and Z).
[[nodiscard]] std::string format_iso8601(std::int64_t unix_ms);

// Unix milliseconds of "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)". Digits of the fraction
// past milliseconds are truncated. nullopt for anything else (a date alone, no zone, a
// month 13, ...): an auditor's time must be unambiguous.
[[nodiscard]] std::optional<std::int64_t> parse_iso8601(std::string_view text);

}  // namespace orgd::replay
