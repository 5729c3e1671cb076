#include "domain/resource/confirmed_groups.hpp"

#include <algorithm>

#include "domain/group/group.hpp"

namespace orgd::domain {

std::vector<std::string> groups_to_confirm(const Resource& resource, const Accessor& who) {
  std::vector<std::string> groups;
  for (const auto& grant : resource.grants) {
    if (grant.principal_kind != PrincipalKind::group) continue;
    const bool held = std::ranges::find(who.group_ids, grant.principal_id) != who.group_ids.end();
    if (held && std::ranges::find(groups, grant.principal_id) == groups.end()) {
      groups.push_back(grant.principal_id);
    }
  }
  return groups;
}

ConfirmedAccessor confirm_groups(Accessor who, const std::vector<Group>& loaded) {
  ConfirmedAccessor confirmed{std::move(who), {}};
  auto& ids = confirmed.accessor.group_ids;
  for (const auto& group : loaded) {
    if (group.global && group.exists()) continue;
    const bool holds =
        group.exists() && group.members.contains(confirmed.accessor.caller.customer_id);
    if (holds) {
      confirmed.guards.push_back({group_stream(group.id), group.version, {}});
    } else {
      std::erase(ids, group.id);
    }
  }
  return confirmed;
}

}  // namespace orgd::domain
