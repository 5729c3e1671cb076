#pragma once
// What a customer's departure from an organization needs to decide which groups it leaves
// (domain::leave_groups): the groups of that organization that hold it.

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "api/api_context.hpp"
#include "domain/group/group_decisions.hpp"

namespace orgd::api {

// The ids come from the resources read model, which indexes the members of ordinary customers
// groups; each group is then rebuilt from its stream, so the decision guards the version it
// read. A group the customer joins while the departure is decided is not among them: its
// read-model entry is dropped with the departure all the same (resources_projection.hpp), so
// it gives no access, and it stays listed in the group until removed (README, Groups).
[[nodiscard]] std::expected<std::vector<domain::Group>, std::string> groups_holding(
    const ApiContext& context, std::string_view customer_id, std::string_view organization_id);

}  // namespace orgd::api
