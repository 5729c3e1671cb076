#pragma once
// given(events) / when(command) / then(events or error) for organization rules.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "domain/organization/organization.hpp"

namespace orgd::domain::testing {

inline Organization given(std::vector<Event> events, std::string actor = "admin") {
  Organization state;
  std::uint64_t version = 0;
  for (const auto& e : events) {
    state = apply(std::move(state), e, {++version, 1'000 * static_cast<std::int64_t>(version),
                                         actor});
  }
  return state;
}

inline Organization org(std::string id, std::string name, std::string parent = "") {
  return given({OrganizationCreated{id, name, "", parent, "active", "", "", "", "free"}});
}

inline Caller superadmin() { return {"sa", PlatformRole::superadmin, "", OrganizationRole::member}; }
inline Caller member_of(std::string org_id, OrganizationRole role) {
  return {"c-" + org_id, PlatformRole::none, org_id, role};
}

}  // namespace orgd::domain::testing
