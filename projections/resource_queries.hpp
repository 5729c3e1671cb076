#pragma once
// Reads of the resource read model. Each call sees one consistent snapshot.
//
// Cost: get is one point read; groups_of is one short prefix scan plus one point read.
// A listing merges the caller's index ranges (owned by it in its organization and in Default,
// granted to it, to each of its groups, to its organization, and for owners/admins everything
// of their organization) in creation order, removing duplicates: a page costs a seek per range plus
// the entries up to it (a cursor starts right after the previous page; a page number walks from the
// start, except for the platform roles, whose single range's count tree finds the page's first
// entry). totalElements is the tree's root for the platform roles; for everyone else it is
// counted by that merge, so it grows with the number of resources the caller may see.
// Thread-safety: any thread.

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/resource/resource.hpp"
#include "eventstore/store.hpp"
#include "projections/organization_queries.hpp"
#include "projections/read_model_handles.hpp"
#include "projections/resource_row.hpp"

namespace orgd::projections {

// Whose listing it is; domain/resource/resource_access.hpp says what each flag means.
struct ResourceViewer {
  std::string customer_id;
  std::string organization_id;
  std::vector<std::string> group_ids;
  bool sees_all{false};           // platform roles
  bool sees_organization{false};  // owners and admins of organization_id
};

struct ResourceListQuery {
  ResourceViewer viewer;
  std::string kind;  // empty = every kind
  std::uint64_t page{1};
  std::uint64_t page_size{10};
  std::string cursor;  // from a previous page's next_cursor; bound to `kind`
};

struct ResourcePage {
  std::vector<ResourceRow> rows;
  std::uint64_t page{1};
  std::uint64_t total{0};
  std::string next_cursor;  // empty on the last page
};

class ResourceQueries {
 public:
  // Reads the read model where `handles` says it lives (it moves when rebuilt online).
  explicit ResourceQueries(const eventstore::Store& store,
                           const ReadModelHandles* handles = nullptr)
      : store_(store), handles_(handles) {}

  [[nodiscard]] std::expected<std::optional<ResourceRow>, QueryError> get(
      std::string_view id) const;
  // The customers groups `customer_id` belongs to as a customer of `organization_id`: the
  // organization's global customers group and the ordinary groups of that organization it
  // was added to (groups of an organization it has left do not count).
  [[nodiscard]] std::expected<std::vector<std::string>, QueryError> groups_of(
      std::string_view customer_id, std::string_view organization_id) const;
  // The ordinary groups of `organization_id` (customers or things) that hold `member_id`: what
  // a departure leaves (domain::leave_groups).
  [[nodiscard]] std::expected<std::vector<std::string>, QueryError> groups_holding(
      std::string_view member_id, std::string_view organization_id) const;
  // Errors: invalid_cursor for another listing's cursor; storage.
  [[nodiscard]] std::expected<ResourcePage, QueryError> list(const ResourceListQuery& query) const;

 private:
  [[nodiscard]] ColumnFamilyRef cf() const;

  const eventstore::Store& store_;
  const ReadModelHandles* handles_;
};

// The row as the domain's access rules take it.
[[nodiscard]] domain::Resource as_resource(const ResourceRow& row);

}  // namespace orgd::projections
