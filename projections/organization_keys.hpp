#pragma once
// Key layout of the "organizations" column family:
//   'j' id                              -> the organization's JSON (organization_document.hpp)
//   'r' id                              -> OrganizationRow
//   'x' scope '\0' 'n' folded-name '\0' id -> id     (name order)
//   'x' scope '\0' 't' be64(created position) -> id  (creation order)
//   '~' ...                             count trees of both indexes of every scope
//                                       (counted_index.hpp: page N and totals without scanning)
// Scopes, one per filter combination a listing can ask for:
//   "all", "s=<status>", "p=<parent id or empty>", "ps=<parent>|<status>",
//   "u=<ancestor-or-self id>", "us=<ancestor-or-self id>|<status>"  (a customer's subtree)

#include <string>
#include <string_view>
#include <vector>

#include "projections/organization_row.hpp"

namespace orgd::projections {

enum class OrganizationSort : char { name = 'n', created = 't' };

[[nodiscard]] std::string organization_row_key(std::string_view id);
[[nodiscard]] std::string organization_document_key(std::string_view id);
[[nodiscard]] std::vector<std::string> organization_scopes(const OrganizationRow& row);
// Every index key of `scope` in `sort` order starts with this (a counted index)...
[[nodiscard]] std::string organization_index_prefix(std::string_view scope, OrganizationSort sort);
// ... and ends with this.
[[nodiscard]] std::string organization_index_suffix(OrganizationSort sort,
                                                    const OrganizationRow& row);

[[nodiscard]] std::string scope_all();
[[nodiscard]] std::string scope_status(std::string_view status);
[[nodiscard]] std::string scope_parent(std::string_view parent_id);
[[nodiscard]] std::string scope_parent_status(std::string_view parent_id, std::string_view status);
[[nodiscard]] std::string scope_subtree(std::string_view root_id);
[[nodiscard]] std::string scope_subtree_status(std::string_view root_id, std::string_view status);

}  // namespace orgd::projections
