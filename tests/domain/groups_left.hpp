#pragma once
// What a departure's decision removes from groups (domain::leave_groups), for the tests of the
// rules that leave them.

#include <cstdint>
#include <map>
#include <string>
#include <variant>

#include "domain/decision.hpp"

namespace orgd::domain::testing {

// The group streams `d` removes `member` from, each with the version it guards.
inline std::map<std::string, std::uint64_t> groups_left(const Decision& d,
                                                        const std::string& member) {
  std::map<std::string, std::uint64_t> left;
  for (const auto& w : d.writes) {
    for (const auto& e : w.events) {
      const auto* removed = std::get_if<GroupMemberRemoved>(&e);
      if (removed && removed->member_id == member) left[w.stream_id] = w.expected_version;
    }
  }
  return left;
}

}  // namespace orgd::domain::testing
