#pragma once
// A grant to a group gives access while its grantee is a member. The groups a caller belongs to
// come from a read model (ResourceQueries::groups_of), which may not show yet the removal of
// the caller from a group, or the group's deletion, committed a moment before: a command on a
// resource confirms each group that gives it access there from the group's own stream, and
// guards that stream at the version it read, so that a change committed while the command is
// decided makes it lose and be decided again (as the caller's own stream is guarded).
// A global customers group is not confirmed: its members are the organization's customers, and
// the caller's organization is guarded with the caller.

#include <cstdint>
#include <string>
#include <vector>

#include "domain/customer/customer.hpp"
#include "domain/decision.hpp"
#include "domain/group/group_decisions.hpp"
#include "domain/resource/resource.hpp"
#include "domain/resource/resource_commands.hpp"

namespace orgd::domain {

// The groups of `who` that `resource` grants something to, when they give it more than it holds
// without them: those a command must confirm.
[[nodiscard]] std::vector<std::string> groups_to_confirm(const Resource& resource,
                                                         const Accessor& who);

struct ConfirmedAccessor {
  Accessor accessor;
  std::vector<StreamWrite> guards;  // no events: each group's stream at the version read
};

// `who` without the groups of `loaded` (rebuilt from their streams, each with the id it was
// asked for, also when it has no events) whose membership of the caller has lapsed
// (membership_lapse: the caller, rebuilt from its own stream as `caller`, is gone, elsewhere,
// or left the group's organization and came back since it joined), and a guard on each group
// that still holds it. Groups of `who` not in `loaded` are kept as they are.
[[nodiscard]] ConfirmedAccessor confirm_groups(Accessor who, const std::vector<Group>& loaded,
                                               const Customer& caller);

}  // namespace orgd::domain
