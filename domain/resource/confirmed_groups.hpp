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
// asked for, also when it has no events) that do not hold it as a customer of the group's
// organization, and a guard on each that does. Groups of `who` not in `loaded` are kept as
// they are. A membership that lapsed when its member left the organization and came back is
// not told apart here (the customer aggregate does not know when it arrived): the departure's
// second look removes those (api/groups_holding.hpp), and `orgctl verify` reports any left.
[[nodiscard]] ConfirmedAccessor confirm_groups(Accessor who, const std::vector<Group>& loaded);

}  // namespace orgd::domain
