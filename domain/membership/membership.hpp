#pragma once
// The membership of one organization, rebuilt from "members-<organizationId>".

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "domain/caller.hpp"
#include "domain/event.hpp"
#include "domain/event_meta.hpp"

namespace orgd::domain {

[[nodiscard]] std::string members_stream(std::string_view organization_id);

struct Membership {
  std::map<std::string, OrganizationRole> members;  // customer id -> role
  std::uint64_t version{0};

  [[nodiscard]] std::size_t owner_count() const;
  [[nodiscard]] bool is_last_owner(std::string_view customer_id) const;
  bool operator==(const Membership&) const = default;
};

[[nodiscard]] Membership apply(Membership state, const Event& event, const EventMeta& meta);

}  // namespace orgd::domain
