#pragma once
// Key layout of the "organizations" column family:
//   'r' id                              -> OrganizationRow
//   'x' "all" '\0' 'n' folded-name '\0' id -> the id and the organization's JSON document
//                                       (documented_entry; organization_document.hpp)
//   'x' scope '\0' 'n' folded-name '\0' id -> folded-name '\0' id   (name order)
//   'x' scope '\0' 't' be64(created position) -> the same            (creation order)
//   '~' ...                             count trees of both indexes of every scope
//                                       (counted_index.hpp: page N and totals without scanning)
//   'a' id                              -> "" (a platform account: its membership of Default
//                                       is not counted in Default's memberCount)
// Scopes, one per filter combination a listing can ask for:
//   "all", "s=<status>", "p=<parent id or empty>", "ps=<parent>|<status>",
//   "u=<ancestor-or-self id>", "us=<ancestor-or-self id>|<status>"  (a customer's subtree)
// The documents live in one place, the entries of every organization in name order (the
// documented index): that listing, the platform operators' default and the largest, reads a
// page's documents in its walk of the index, with no lookup per organization. Every other
// index entry holds where its organization's document is (its suffix in the documented
// index), which ends with the id: other listings look their documents up there.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "projections/organization_row.hpp"

namespace orgd::projections {

enum class OrganizationSort : char { name = 'n', created = 't' };

[[nodiscard]] std::string organization_row_key(std::string_view id);
// Marks a customer registered with a platform role (SuperAdmin, auditor). Such accounts are
// members of no organization in any listing, so no memberCount counts them either.
[[nodiscard]] std::string platform_account_key(std::string_view customer_id);
[[nodiscard]] std::vector<std::string> organization_scopes(const OrganizationRow& row);
// Every index key of `scope` in `sort` order starts with this (a counted index)...
[[nodiscard]] std::string organization_index_prefix(std::string_view scope, OrganizationSort sort);
// ... and ends with this.
[[nodiscard]] std::string organization_index_suffix(OrganizationSort sort,
                                                    const OrganizationRow& row);

// The documented index (above), and whether `index_prefix` is it.
[[nodiscard]] std::string documented_index_prefix();
[[nodiscard]] bool index_carries_documents(std::string_view index_prefix);
// Where the row's document is: its entry in the documented index. The entries of every other
// index hold its suffix (organization_index_suffix in name order).
[[nodiscard]] std::string organization_document_key(const OrganizationRow& row);
[[nodiscard]] std::string organization_document_key(std::string_view document_suffix);
// The id at the end of such a suffix.
[[nodiscard]] std::string_view id_of_document_suffix(std::string_view document_suffix);
// An entry's value in the documented index, and back (nullopt for other bytes).
[[nodiscard]] std::string documented_entry(std::string_view id, std::string_view document);
struct DocumentedEntry {
  std::string_view id;
  std::string_view document;
};
[[nodiscard]] std::optional<DocumentedEntry> read_documented_entry(std::string_view value);

[[nodiscard]] std::string scope_all();
[[nodiscard]] std::string scope_status(std::string_view status);
[[nodiscard]] std::string scope_parent(std::string_view parent_id);
[[nodiscard]] std::string scope_parent_status(std::string_view parent_id, std::string_view status);
[[nodiscard]] std::string scope_subtree(std::string_view root_id);
[[nodiscard]] std::string scope_subtree_status(std::string_view root_id, std::string_view status);

}  // namespace orgd::projections
