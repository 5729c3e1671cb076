#pragma once
// What the log knows about an event beyond its payload; apply() uses it for the audit fields.

#include <cstdint>
#include <string>

namespace orgd::domain {

struct EventMeta {
  std::uint64_t version{0};  // the event's version within its stream
  std::int64_t time_ms{0};
  std::string actor;
  // The event's position in the log: orders events of different streams (a customer's
  // acceptances against its moves). 0 where a test builds an event outside any log.
  std::uint64_t position{0};
};

}  // namespace orgd::domain
