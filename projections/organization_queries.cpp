#include "projections/organization_queries.hpp"

#include <rocksdb/db.h>
#include <rocksdb/snapshot.h>

#include <algorithm>
#include <memory>

#include "domain/field_rules.hpp"
#include "projections/organizations_projection.hpp"
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

// The smallest key greater than every key starting with `prefix`.
std::string upper_bound_of(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff) prefix.pop_back();
  if (!prefix.empty()) prefix.back() = static_cast<char>(prefix.back() + 1);
  return prefix;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

// A cursor is the hex of: be64(page number it leads to) + the last index key returned.
std::string make_cursor(std::uint64_t next_page, std::string_view last_key) {
  return to_hex(encode_u64(next_page) + std::string(last_key));
}

class Reader {
 public:
  explicit Reader(const eventstore::Store& store)
      : db_(store.db()),
        cf_(store.column_family(kOrganizationsColumnFamily)),
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

  std::expected<std::uint64_t, QueryError> counter(std::string_view scope) const {
    std::string bytes;
    const rocksdb::Status s = db_->Get(options_, cf_, organization_count_key(scope), &bytes);
    if (s.IsNotFound()) return 0;
    if (!s.ok()) return std::unexpected(storage_error(s));
    return decode_u64(bytes);
  }

  // Iterator limited to keys starting with `prefix`.
  std::unique_ptr<rocksdb::Iterator> range(const std::string& prefix) {
    lower_ = prefix;
    upper_ = upper_bound_of(prefix);
    lower_slice_ = rocksdb::Slice(lower_);
    upper_slice_ = rocksdb::Slice(upper_);
    rocksdb::ReadOptions ranged = options_;
    ranged.iterate_lower_bound = &lower_slice_;
    ranged.iterate_upper_bound = &upper_slice_;
    return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(ranged, cf_));
  }

 private:
  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* cf_;
  rocksdb::ManagedSnapshot snapshot_;
  rocksdb::ReadOptions options_;
  std::string lower_, upper_;
  rocksdb::Slice lower_slice_, upper_slice_;
};

struct Match {
  std::string key;
  std::string id;
};

// Walks `it` from its start in the query's direction: skips `skip` entries, then collects up
// to `take`; reports whether more entries follow.
bool walk(rocksdb::Iterator& it, bool descending, std::uint64_t skip, std::uint64_t take,
          std::vector<Match>& out) {
  auto step = [&] { descending ? it.Prev() : it.Next(); };
  for (; it.Valid() && skip > 0; --skip) step();
  for (; it.Valid() && out.size() < take; step()) {
    out.push_back({it.key().ToString(), it.value().ToString()});
  }
  return it.Valid();
}

void position_at_start(rocksdb::Iterator& it, bool descending, const std::string* after) {
  if (after == nullptr) {
    descending ? it.SeekToLast() : it.SeekToFirst();
    return;
  }
  if (descending) {
    it.SeekForPrev(*after);
    if (it.Valid() && it.key() == rocksdb::Slice(*after)) it.Prev();
  } else {
    it.Seek(*after);
    if (it.Valid() && it.key() == rocksdb::Slice(*after)) it.Next();
  }
}

}  // namespace

OrganizationQueries::OrganizationQueries(const eventstore::Store& store) : store_(store) {}

std::expected<std::optional<OrganizationRow>, QueryError> OrganizationQueries::get(
    std::string_view id) const {
  return Reader(store_).row(id);
}

std::expected<std::vector<OrganizationRow>, QueryError> OrganizationQueries::ancestors(
    std::string_view id) const {
  Reader reader(store_);
  auto row = reader.row(id);
  if (!row) return std::unexpected(row.error());
  std::vector<OrganizationRow> chain;
  if (!*row) return chain;
  for (const auto& ancestor_id : (*row)->ancestors) {
    auto ancestor = reader.row(ancestor_id);
    if (!ancestor) return std::unexpected(ancestor.error());
    if (*ancestor) chain.push_back(std::move(**ancestor));
  }
  return chain;
}

std::expected<OrganizationPage, QueryError> OrganizationQueries::list(
    const OrganizationListQuery& q) const {
  Reader reader(store_);
  const std::string scope = choose_scope(q);
  const std::string sort_prefix = organization_index_prefix(scope, q.sort);
  // A name prefix narrows the name index to a range; for creation order the range's matches
  // are collected and re-sorted (bounded by the number of matches).
  const std::string name_prefix =
      organization_index_prefix(scope, OrganizationSort::name) + domain::fold_case(q.name_prefix);
  const bool filtered = !q.name_prefix.empty();
  const std::string range_prefix = filtered ? name_prefix : sort_prefix;

  OrganizationPage page;
  std::string after;
  if (!q.cursor.empty()) {
    auto raw = from_hex(q.cursor);
    if (!raw || raw->size() < 8 || !raw->substr(8).starts_with(range_prefix) ||
        (filtered && q.sort == OrganizationSort::created)) {
      return std::unexpected(QueryError{QueryErrorCode::invalid_cursor,
                                        "the cursor does not belong to this listing"});
    }
    page.page = decode_u64(*raw);
    after = raw->substr(8);
  } else {
    page.page = q.page;
  }

  std::vector<Match> matches;
  bool more = false;
  auto it = reader.range(range_prefix);
  if (filtered && q.sort == OrganizationSort::created) {
    std::vector<std::pair<std::uint64_t, std::string>> all;
    for (it->SeekToFirst(); it->Valid(); it->Next()) all.emplace_back(0, it->value().ToString());
    for (auto& [position, id] : all) {
      auto row = reader.row(id);
      if (!row) return std::unexpected(row.error());
      position = *row ? (*row)->created_position : 0;
    }
    std::sort(all.begin(), all.end());
    if (q.descending) std::reverse(all.begin(), all.end());
    page.total = all.size();
    const std::uint64_t first = (page.page - 1) * q.page_size;
    for (std::uint64_t i = first; i < all.size() && matches.size() < q.page_size; ++i) {
      matches.push_back({{}, all[i].second});
    }
    more = false;  // page numbers only: q with createdTime order has no cursor
  } else {
    position_at_start(*it, q.descending, after.empty() ? nullptr : &after);
    const std::uint64_t skip = after.empty() ? (page.page - 1) * q.page_size : 0;
    more = walk(*it, q.descending, skip, q.page_size, matches);
    if (!it->status().ok()) return std::unexpected(storage_error(it->status()));
    if (filtered) {
      std::uint64_t count = 0;
      auto counter_it = reader.range(range_prefix);
      for (counter_it->SeekToFirst(); counter_it->Valid(); counter_it->Next()) ++count;
      page.total = count;
    } else {
      auto total = reader.counter(scope);
      if (!total) return std::unexpected(total.error());
      page.total = *total;
    }
  }
  for (const auto& m : matches) {
    auto row = reader.row(m.id);
    if (!row) return std::unexpected(row.error());
    if (*row) page.rows.push_back(std::move(**row));
  }
  if (more && !matches.empty()) page.next_cursor = make_cursor(page.page + 1, matches.back().key);
  return page;
}

}  // namespace orgd::projections
