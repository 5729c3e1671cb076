#pragma once
// What a member's departure from an organization needs to decide which groups it leaves
// (domain::leave_groups): the ordinary groups of that organization that hold it.

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "api/api_context.hpp"
#include "domain/group/group_decisions.hpp"

namespace orgd::api {

// `member_id`: a customer (of a customers group) or a resource (of a things group). The ids
// come from the resources read model, which indexes the members of ordinary groups; each group
// is then rebuilt from its stream, so the decision guards the version it read. An addition to a
// group that the read model does not show yet is missed (the addition guards only the member's
// stream, which it does not move): the member stays in that group, listed and counted, until
// removed by hand (README, Groups).
[[nodiscard]] std::expected<std::vector<domain::Group>, std::string> groups_holding(
    const ApiContext& context, std::string_view member_id, std::string_view organization_id);

}  // namespace orgd::api
