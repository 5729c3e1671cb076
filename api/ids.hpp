#pragma once
// Identifiers and time for commands: the inputs the pure domain must be handed.

#include <cstdint>
#include <string>

#include "domain/iso8601.hpp"

namespace orgd::api {

// A UUID version 7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Time-ordered ids keep
// RocksDB keys of new aggregates close together. Thread-safe.
[[nodiscard]] std::string new_uuid_v7(std::int64_t unix_ms);
// True for the canonical 36-character lowercase-or-uppercase hex form.
[[nodiscard]] bool is_uuid(std::string_view text);
// An id as orgd stores it: a UUID in lower case (RFC 9562: case-insensitive on input, lower
// case on output); anything else as it is, for the caller's own "no such id".
void canonicalize_id(std::string& text);
// Wall-clock UTC milliseconds.
[[nodiscard]] std::int64_t now_ms();
// "2026-11-23T13:17:22.123Z".
using domain::format_iso8601;

}  // namespace orgd::api
