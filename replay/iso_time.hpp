#pragma once
// ISO-8601 UTC timestamps as history shows them and auditors type them.
//
// Formatting is domain/iso8601.hpp's, shared with the API and the read models' documents.
// Thread-safety: pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/iso8601.hpp"

namespace orgd::replay {

// "2026-11-23T13:17:22.123Z" (always milliseconds and Z).
using domain::format_iso8601;

// Unix milliseconds of "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)". Digits of the fraction
// past milliseconds are truncated. nullopt for anything else (a date alone, no zone, a
// month 13, ...): an auditor's time must be unambiguous.
[[nodiscard]] std::optional<std::int64_t> parse_iso8601(std::string_view text);

}  // namespace orgd::replay
