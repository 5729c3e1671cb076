#pragma once
// Instants as every representation writes them: "2026-11-23T13:17:22.123Z" (UTC, always
// milliseconds). Pure: both the API's responses and the read models' stored documents
// (projections/organization_document.hpp) write them, and they must agree byte for byte.

#include <cstdint>
#include <string>

namespace orgd::domain {

[[nodiscard]] std::string format_iso8601(std::int64_t unix_ms);

}  // namespace orgd::domain
