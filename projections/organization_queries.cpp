#include "projections/organization_queries.hpp"

#include <rocksdb/db.h>
#include <rocksdb/snapshot.h>

#include <algorithm>
#include <memory>

#include "domain/field_rules.hpp"
#include "projections/organizations_projection.hpp"
#include "projections/index_page.hpp"
#include "projections/read_model_batch.hpp"

namespace orgd::projections {
namespace {

QueryError storage_error(const rocksdb::Status& s) {
  return {QueryErrorCode::storage, "read model unavailable: " + s.ToString()};
}

std::string choose_scope(const OrganizationListQuery& q) {
  if (q.parent_id) {
    return q.status ? scope_parent_status(*q.parent_id, *q.status) : scope_parent(*q.parent_id);
  }
  if (q.subtree_root) {
    return q.status ? scope_subtree_status(*q.subtree_root, *q.status)
                    : scope_subtree(*q.subtree_root);
  }
  return q.status ? scope_status(*q.status) : scope_all();
}

class Reader {
 public:
  Reader(const eventstore::Store& store, const ReadModelHandles* handles)
      : db_(store.db()),
        cf_(live_column_family(store, handles, kOrganizationsColumnFamily)),
        snapshot_(db_) {
    options_.snapshot = snapshot_.snapshot();
  }

  std::expected<std::optional<OrganizationRow>, QueryError> row(std::string_view id) const {
    std::string bytes;
    const rocksdb::Status s = db_->Get(options_, cf_, organization_row_key(id), &bytes);
    if (s.IsNotFound()) return std::optional<OrganizationRow>{};
    if (!s.ok()) return std::unexpected(storage_error(s));
    auto decoded = decode_organization_row(bytes);
    if (!decoded) return std::unexpected(QueryError{QueryErrorCode::storage, decoded.error()});
    return std::optional<OrganizationRow>{std::move(*decoded)};
  }

  // The rows of `ids` that exist, in that order: one MultiGet, which shares the lookup work
  // (the version, bloom probes, index blocks) a Get per row would repeat.
  std::expected<std::vector<OrganizationRow>, QueryError> rows(
      const std::vector<std::string>& ids) const {
    std::vector<std::string> keys;
    keys.reserve(ids.size());
    for (const auto& id : ids) keys.push_back(organization_row_key(id));
    std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
    std::vector<rocksdb::PinnableSlice> values(keys.size());
    std::vector<rocksdb::Status> statuses(keys.size());
    db_->MultiGet(options_, cf_, keys.size(), slices.data(), values.data(), statuses.data());
    std::vector<OrganizationRow> rows;
    rows.reserve(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (statuses[i].IsNotFound()) continue;
      if (!statuses[i].ok()) return std::unexpected(storage_error(statuses[i]));
      auto decoded = decode_organization_row(values[i].ToStringView());
      if (!decoded) return std::unexpected(QueryError{QueryErrorCode::storage, decoded.error()});
      rows.push_back(std::move(*decoded));
    }
    return rows;
  }

  [[nodiscard]] rocksdb::DB* db() const { return db_; }
  [[nodiscard]] rocksdb::ColumnFamilyHandle* cf() const { return cf_; }
  [[nodiscard]] const rocksdb::ReadOptions& options() const { return options_; }

 private:
  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* cf_;
  rocksdb::ManagedSnapshot snapshot_;
  rocksdb::ReadOptions options_;
};

// q with creation order: the name-prefix range holds the matches; they are re-sorted by
// creation (bounded by the number of matches) and paged by number.
std::expected<OrganizationPage, QueryError> list_prefix_by_creation(const Reader& reader,
                                                                    const OrganizationListQuery& q,
                                                                    const std::string& scope) {
  if (!q.cursor.empty()) {
    return std::unexpected(QueryError{QueryErrorCode::invalid_cursor,
                                      "q with createdTime order is paged by number only"});
  }
  auto ids = read_index_page(reader.db(), reader.cf(), reader.options(),
                             {organization_index_prefix(scope, OrganizationSort::name),
                              domain::fold_case(q.name_prefix),
                              false,
                              1,
                              UINT64_MAX,
                              {}});
  if (!ids) return std::unexpected(QueryError{QueryErrorCode::storage, "index unreadable"});
  auto found = reader.rows(ids->ids);
  if (!found) return std::unexpected(found.error());
  std::vector<OrganizationRow> rows = std::move(*found);
  std::sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
    return q.descending ? a.created_position > b.created_position
                        : a.created_position < b.created_position;
  });
  OrganizationPage page{{}, q.page, rows.size(), {}};
  const std::uint64_t first = (q.page - 1) * q.page_size;
  for (std::uint64_t i = first; i < rows.size() && page.rows.size() < q.page_size; ++i) {
    page.rows.push_back(std::move(rows[i]));
  }
  return page;
}

}  // namespace

OrganizationQueries::OrganizationQueries(const eventstore::Store& store,
                                         const ReadModelHandles* handles)
    : store_(store), handles_(handles) {}

std::expected<std::optional<OrganizationRow>, QueryError> OrganizationQueries::get(
    std::string_view id) const {
  return Reader(store_, handles_).row(id);
}

std::expected<std::vector<OrganizationRow>, QueryError> OrganizationQueries::ancestors(
    std::string_view id) const {
  Reader reader(store_, handles_);
  auto row = reader.row(id);
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::vector<OrganizationRow>{};
  return reader.rows((*row)->ancestors);
}

std::expected<OrganizationPage, QueryError> OrganizationQueries::list(
    const OrganizationListQuery& q) const {
  Reader reader(store_, handles_);
  const std::string scope = choose_scope(q);
  // q: the name-order index, narrowed to the names that start with it.
  const bool filtered = !q.name_prefix.empty();
  if (filtered && q.sort == OrganizationSort::created) {
    return list_prefix_by_creation(reader, q, scope);
  }
  auto ids =
      read_index_page(reader.db(), reader.cf(), reader.options(),
                      {organization_index_prefix(scope, filtered ? OrganizationSort::name : q.sort),
                       filtered ? domain::fold_case(q.name_prefix) : std::string(), q.descending,
                       q.page, q.page_size, q.cursor});
  if (!ids) {
    if (ids.error() == IndexPageError::invalid_cursor) {
      return std::unexpected(QueryError{QueryErrorCode::invalid_cursor,
                                        "the cursor does not belong to this listing"});
    }
    return std::unexpected(QueryError{QueryErrorCode::storage, "index unreadable"});
  }
  auto rows = reader.rows(ids->ids);
  if (!rows) return std::unexpected(rows.error());
  return OrganizationPage{std::move(*rows), ids->page, ids->total, ids->next_cursor};
}

}  // namespace orgd::projections
