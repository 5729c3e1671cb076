#include "domain/resource/confirmed_groups.hpp"

#include <algorithm>

#include "domain/group/group.hpp"
#include "domain/resource/resource_access.hpp"

namespace orgd::domain {

std::vector<std::string> groups_to_confirm(const Resource& resource, const Accessor& who) {
  // Groups that add nothing to what the caller holds anyway (its role, its own or its
  // organization's grants) need no confirming: guarding them would only make a command lose to
  // a change of a group it does not need.
  const Accessor without_groups{who.caller, {}};
  if (effective_permission(resource, without_groups) == effective_permission(resource, who)) {
    return {};
  }
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

ConfirmedAccessor confirm_groups(Accessor who, const std::vector<Group>& loaded,
                                 const Customer& caller) {
  ConfirmedAccessor confirmed{std::move(who), {}};
  auto& ids = confirmed.accessor.group_ids;
  for (const auto& group : loaded) {
    if (group.global && group.exists()) continue;
    const auto member = group.members.find(confirmed.accessor.caller.customer_id);
    const bool holds =
        group.exists() && member != group.members.end() &&
        membership_lapse(group.organization_id, member->second, caller.exists(),
                         caller.organization_id, caller.joined_position) == MembershipLapse::none;
    if (holds) {
      confirmed.guards.push_back({group_stream(group.id), group.version, {}});
    } else {
      std::erase(ids, group.id);
    }
  }
  return confirmed;
}

}  // namespace orgd::domain
