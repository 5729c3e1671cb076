#include "projections/resource_queries.hpp"

#include <rocksdb/db.h>
#include <rocksdb/snapshot.h>

#include <memory>

#include "domain/organization/organization.hpp"
#include "projections/counted_index_view.hpp"
#include "projections/index_page.hpp"
#include "projections/read_model_batch.hpp"
#include "projections/resources_projection.hpp"
#include "projections/row_codec.hpp"

namespace orgd::projections {
namespace {

QueryError storage_error(const rocksdb::Status& s) {
  return {QueryErrorCode::storage, "read model unavailable: " + s.ToString()};
}

QueryError bad_cursor() {
  return {QueryErrorCode::invalid_cursor, std::string(kForeignCursorMessage)};
}

struct Cursor {
  std::uint64_t page{1};
  std::uint64_t after{0};  // the last position already shown
};

// A cursor is hex of its head (cursor_head), be64(the last position shown) and the kind tag, so
// it continues exactly after the previous page and only for the same kind filter and page size.
std::string cursor_text(std::uint64_t page, std::uint64_t page_size, std::uint64_t after,
                        std::string_view kind_tag) {
  return to_hex(cursor_head(page, page_size) + encode_u64(after) + std::string(kind_tag));
}

std::optional<Cursor> parse_cursor(std::string_view text, std::uint64_t page_size,
                                   std::string_view kind_tag) {
  constexpr std::size_t kHead = kCursorHeadSize + 8;
  auto raw = from_hex(text);
  if (!raw || raw->size() < kHead || std::string_view(*raw).substr(kHead) != kind_tag) {
    return std::nullopt;
  }
  const auto page = cursor_page(*raw, page_size);
  if (!page) return std::nullopt;
  const Cursor cursor{*page, decode_u64(std::string_view(*raw).substr(kCursorHeadSize, 8))};
  if (cursor.after == UINT64_MAX) return std::nullopt;
  return cursor;
}

// One index range in creation order, from a snapshot.
class Range {
 public:
  Range(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, const rocksdb::ReadOptions& options,
        std::string prefix, std::uint64_t after)
      : prefix_(std::move(prefix)), upper_(upper_bound_of(prefix_)), upper_slice_(upper_) {
    rocksdb::ReadOptions ranged = options;
    ranged.iterate_upper_bound = &upper_slice_;
    it_.reset(db->NewIterator(ranged, cf));
    it_->Seek(prefix_ + encode_u64(after + 1));
  }

  [[nodiscard]] bool valid() const { return it_->Valid(); }
  [[nodiscard]] std::uint64_t position() const {
    return decode_u64(
        std::string_view(it_->key().data(), it_->key().size()).substr(prefix_.size()));
  }
  [[nodiscard]] std::string id() const { return it_->value().ToString(); }
  void next() { it_->Next(); }
  [[nodiscard]] rocksdb::Status status() const { return it_->status(); }

 private:
  std::string prefix_;
  std::string upper_;
  rocksdb::Slice upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// The union of several ranges in creation order, each resource once (a resource has one
// created position, under every scope it is listed in).
class Merge {
 public:
  Merge(std::vector<std::unique_ptr<Range>> ranges) : ranges_(std::move(ranges)) {}

  // The next resource's position and id; nullopt at the end.
  std::optional<std::pair<std::uint64_t, std::string>> next() {
    Range* lowest = nullptr;
    for (auto& r : ranges_) {
      if (r->valid() && (lowest == nullptr || r->position() < lowest->position())) {
        lowest = r.get();
      }
    }
    if (lowest == nullptr) return std::nullopt;
    std::pair<std::uint64_t, std::string> entry{lowest->position(), lowest->id()};
    for (auto& r : ranges_) {
      if (r->valid() && r->position() == entry.first) r->next();
    }
    return entry;
  }

  [[nodiscard]] bool at_end() const {
    for (const auto& r : ranges_) {
      if (r->valid()) return false;
    }
    return true;
  }

  [[nodiscard]] bool ok() const {
    for (const auto& r : ranges_) {
      if (!r->status().ok()) return false;
    }
    return true;
  }

 private:
  std::vector<std::unique_ptr<Range>> ranges_;
};

std::vector<std::string> scopes_for(const ResourceViewer& v) {
  if (v.sees_all) return {scope_all_resources()};
  // What it owns counts in its organization and in Default (domain::can_control).
  std::vector<std::string> scopes{scope_owned_by(v.customer_id, domain::kDefaultOrganizationId),
                                  scope_granted_to("customer", v.customer_id)};
  if (!v.organization_id.empty() && v.organization_id != domain::kDefaultOrganizationId) {
    scopes.push_back(scope_owned_by(v.customer_id, v.organization_id));
  }
  if (!v.organization_id.empty()) {
    scopes.push_back(v.sees_organization ? scope_belonging_to(v.organization_id)
                                         : scope_granted_to("organization", v.organization_id));
  }
  for (const auto& group : v.group_ids) scopes.push_back(scope_granted_to("group", group));
  return scopes;
}

class Reader {
 public:
  Reader(const eventstore::Store& store, ColumnFamilyRef cf)
      : db_(store.db()), cf_(std::move(cf)), snapshot_(db_) {
    options_.snapshot = snapshot_.snapshot();
  }

  std::expected<std::optional<std::string>, QueryError> value(const std::string& key) const {
    std::string bytes;
    const rocksdb::Status s = db_->Get(options_, cf_.get(), key, &bytes);
    if (s.IsNotFound()) return std::optional<std::string>{};
    if (!s.ok()) return std::unexpected(storage_error(s));
    return std::optional<std::string>{std::move(bytes)};
  }

  std::expected<std::optional<ResourceRow>, QueryError> row(std::string_view id) const {
    auto bytes = value(resource_row_key(id));
    if (!bytes) return std::unexpected(bytes.error());
    if (!*bytes) return std::optional<ResourceRow>{};
    auto decoded = decode_with_cereal<ResourceRow>(**bytes);
    if (!decoded) return std::unexpected(QueryError{QueryErrorCode::storage, decoded.error()});
    return std::optional<ResourceRow>{std::move(*decoded)};
  }

  Merge merge(const std::vector<std::string>& scopes, std::string_view kind_tag,
              std::uint64_t after) const {
    std::vector<std::unique_ptr<Range>> ranges;
    for (const auto& scope : scopes) {
      ranges.push_back(std::make_unique<Range>(db_, cf_.get(), options_,
                                               resource_index_prefix(scope, kind_tag), after));
    }
    return Merge(std::move(ranges));
  }

  [[nodiscard]] CountedIndexView index(std::string_view scope, std::string_view kind_tag) const {
    return CountedIndexView(db_, cf_.get(), options_, resource_index_prefix(scope, kind_tag));
  }

  [[nodiscard]] rocksdb::DB* db() const { return db_; }
  [[nodiscard]] rocksdb::ColumnFamilyHandle* cf() const { return cf_.get(); }
  [[nodiscard]] const rocksdb::ReadOptions& options() const { return options_; }

 private:
  rocksdb::DB* db_;
  ColumnFamilyRef cf_;  // held for the query: a swap meanwhile leaves it valid
  rocksdb::ManagedSnapshot snapshot_;
  rocksdb::ReadOptions options_;
};

// With a single range (the platform roles' "everything"), page N starts right after the
// entry its count tree puts before it: no walk. Nullopt past the last entry.
std::expected<std::optional<std::uint64_t>, QueryError> position_before_rank(
    const Reader& reader, std::string_view scope, std::string_view kind_tag, std::uint64_t rank) {
  CountedIndexView index = reader.index(scope, kind_tag);
  auto found = index.seek_to_rank(rank);
  if (!found) return std::unexpected(QueryError{QueryErrorCode::storage, found.error()});
  if (!*found) return std::optional<std::uint64_t>{};
  const rocksdb::Slice key = index.entries().key();
  return std::optional<std::uint64_t>{
      decode_u64(std::string_view(key.data(), key.size()).substr(key.size() - 8)) - 1};
}

// The ordinary groups of `organization_id` that hold `member_id`, appended to `out`.
std::expected<void, QueryError> append_groups_holding(const Reader& reader,
                                                      std::string_view member_id,
                                                      std::string_view organization_id,
                                                      std::vector<std::string>& out) {
  const std::string prefix = memberships_prefix(member_id);
  const std::string upper = upper_bound_of(prefix);
  const rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions options = reader.options();
  options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(reader.db()->NewIterator(options, reader.cf()));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    if (it->value() != rocksdb::Slice(organization_id.data(), organization_id.size())) continue;
    out.emplace_back(it->key().data() + prefix.size(), it->key().size() - prefix.size());
  }
  if (!it->status().ok()) return std::unexpected(storage_error(it->status()));
  return {};
}

std::expected<std::uint64_t, QueryError> total_of(const Reader& reader,
                                                  const std::vector<std::string>& scopes,
                                                  std::string_view kind_tag) {
  if (scopes.size() == 1) {
    auto size = reader.index(scopes.front(), kind_tag).size();
    if (!size) return std::unexpected(QueryError{QueryErrorCode::storage, size.error()});
    return *size;
  }
  Merge all = reader.merge(scopes, kind_tag, 0);
  std::uint64_t total = 0;
  while (all.next()) ++total;
  if (!all.ok()) return std::unexpected(QueryError{QueryErrorCode::storage, "index unreadable"});
  return total;
}

}  // namespace

ColumnFamilyRef ResourceQueries::cf() const {
  return live_column_family(store_, handles_, kResourcesColumnFamily);
}

std::expected<std::optional<ResourceRow>, QueryError> ResourceQueries::get(
    std::string_view id) const {
  return Reader(store_, cf()).row(id);
}

std::expected<std::vector<std::string>, QueryError> ResourceQueries::groups_of(
    std::string_view customer_id, std::string_view organization_id) const {
  const Reader reader(store_, cf());
  std::vector<std::string> groups;
  if (!organization_id.empty()) {
    auto global = reader.value(global_group_key(organization_id));
    if (!global) return std::unexpected(global.error());
    if (*global) groups.push_back(std::move(**global));
  }
  if (auto held = append_groups_holding(reader, customer_id, organization_id, groups); !held) {
    return std::unexpected(std::move(held.error()));
  }
  return groups;
}

std::expected<std::vector<std::string>, QueryError> ResourceQueries::groups_holding(
    std::string_view member_id, std::string_view organization_id) const {
  std::vector<std::string> groups;
  if (auto held = append_groups_holding(Reader(store_, cf()), member_id, organization_id, groups);
      !held) {
    return std::unexpected(std::move(held.error()));
  }
  return groups;
}

std::expected<ResourcePage, QueryError> ResourceQueries::list(const ResourceListQuery& q) const {
  Reader reader(store_, cf());
  const std::string kind_tag = q.kind.empty() ? std::string(kAllKinds) : q.kind;
  Cursor start;
  if (!q.cursor.empty()) {
    auto cursor = parse_cursor(q.cursor, q.page_size, kind_tag);
    if (!cursor) return std::unexpected(bad_cursor());
    start = *cursor;
  } else {
    start.page = q.page;
  }
  const std::vector<std::string> scopes = scopes_for(q.viewer);
  // A page number: one range is entered at its rank; a merge of several is walked.
  std::uint64_t skip = q.cursor.empty() ? (q.page - 1) * q.page_size : 0;
  bool past_end = false;
  if (skip > 0 && scopes.size() == 1) {
    auto before = position_before_rank(reader, scopes.front(), kind_tag, skip);
    if (!before) return std::unexpected(before.error());
    past_end = !*before;
    start.after = before->value_or(0);
    skip = 0;
  }
  Merge merged = past_end ? Merge({}) : reader.merge(scopes, kind_tag, start.after);
  for (; skip > 0 && merged.next(); --skip) {
  }
  ResourcePage page{{}, start.page, 0, {}};
  std::uint64_t last = 0;
  while (page.rows.size() < q.page_size) {
    auto entry = merged.next();
    if (!entry) break;
    auto row = reader.row(entry->second);
    if (!row) return std::unexpected(row.error());
    if (!*row) continue;
    last = entry->first;
    page.rows.push_back(std::move(**row));
  }
  if (!merged.ok()) return std::unexpected(QueryError{QueryErrorCode::storage, "index unreadable"});
  if (!merged.at_end() && !page.rows.empty()) {
    page.next_cursor = cursor_text(page.page + 1, q.page_size, last, kind_tag);
  }
  auto total = total_of(reader, scopes, kind_tag);
  if (!total) return std::unexpected(total.error());
  page.total = *total;
  return page;
}

domain::Resource as_resource(const ResourceRow& row) {
  domain::Resource r;
  r.id = row.id;
  r.kind = row.kind;
  r.name = row.name;
  r.description = row.description;
  r.owner_id = row.owner_id;
  r.organization_id = row.organization_id;
  r.active = {row.active_dev, row.active_staging, row.active_live};
  for (const auto& g : row.grants) {
    r.grants.push_back(
        {g.id,
         domain::principal_kind_from(g.principal_kind).value_or(domain::PrincipalKind::customer),
         g.principal_id, domain::permission_from(g.permission).value_or(domain::Permission::read)});
  }
  r.version = row.version;
  r.created_ms = row.created_ms;
  r.updated_ms = row.updated_ms;
  r.created_by = row.created_by;
  r.updated_by = row.updated_by;
  return r;
}

}  // namespace orgd::projections
