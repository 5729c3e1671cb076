#include "api/groups_holding.hpp"

#include "projections/resource_queries.hpp"

namespace orgd::api {

std::expected<std::vector<domain::Group>, std::string> groups_holding(
    const ApiContext& context, std::string_view member_id, std::string_view organization_id) {
  const projections::ResourceQueries resources(context.store, &context.projections.read_models());
  auto ids = resources.groups_holding(member_id, organization_id);
  if (!ids) return std::unexpected(ids.error().message);
  std::vector<domain::Group> groups;
  for (const auto& id : *ids) {
    auto group = context.loader.group(id);
    if (!group) return std::unexpected(group.error());
    groups.push_back(std::move(*group));
  }
  return groups;
}

}  // namespace orgd::api
