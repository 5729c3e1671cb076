#pragma once
// Events to and from their stored form: a type name, a schema version and cereal binary bytes.
// Pure (in-memory streams only).

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include "domain/event.hpp"

namespace orgd::domain {

struct EncodedEvent {
  std::string type;
  std::uint32_t schema_version{1};
  std::string payload;
};

[[nodiscard]] EncodedEvent encode_event(const Event& event);

// Errors: an unknown type name, or bytes that do not decode as that type.
[[nodiscard]] std::expected<Event, std::string> decode_event(std::string_view type,
                                                             std::uint32_t schema_version,
                                                             std::string_view payload);

[[nodiscard]] std::string_view event_type(const Event& event);

}  // namespace orgd::domain
