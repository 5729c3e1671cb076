#pragma once
// The output of a decide function: which events go to which streams, guarded by which
// versions, with which unique values claimed or released -- all or nothing. The api layer
// turns it into one atomic event-store append.

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "domain/event.hpp"

namespace orgd::domain {

inline constexpr std::uint64_t kAnyVersion = UINT64_MAX;

struct StreamWrite {
  std::string stream_id;
  // The stream's version the decision was made against; 0 = the stream must not exist;
  // kAnyVersion = no check (append-only logs such as a customer's sessions).
  std::uint64_t expected_version{0};
  // No events: a guard that only fails the whole decision if the stream moved.
  std::vector<Event> events;
};

struct UniqueValue {
  std::string scope;  // e.g. "organization-name"
  std::string value;  // already normalized (lower-cased)
  std::string owner_stream{};  // for claims: who holds it; empty = the first write's stream
  bool operator==(const UniqueValue&) const = default;
};

// A member (a customer or a resource) leaving an organization, and with it the ordinary groups
// there (group_decisions.hpp: leave_groups, which records it). The decision found those groups
// in a read model that may not show an addition committed a moment before, so whoever applies
// the decision looks again once it is applied (leave_groups_joined_before).
struct Departure {
  std::string member_id;
  std::string organization_id;
  bool operator==(const Departure&) const = default;
};

struct Decision {
  std::vector<StreamWrite> writes;
  std::vector<UniqueValue> claims;
  std::vector<UniqueValue> releases;
  std::vector<Departure> departures;
};

// Adds `guard` (a write without events) to `decision`, which then also fails if that stream
// moved since; a decision that writes the stream already is held to the older of the two
// versions. A decision that writes nothing is left alone: there is nothing to hold back.
inline void add_guard(Decision& decision, const StreamWrite& guard) {
  if (decision.writes.empty()) return;
  for (auto& write : decision.writes) {
    if (write.stream_id == guard.stream_id) {
      write.expected_version = std::min(write.expected_version, guard.expected_version);
      return;
    }
  }
  decision.writes.push_back(guard);
}

}  // namespace orgd::domain
