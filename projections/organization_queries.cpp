#include "projections/organization_queries.hpp"

#include <rocksdb/db.h>
#include <rocksdb/snapshot.h>

#include <algorithm>
#include <memory>

#include "domain/field_rules.hpp"
#include "projections/index_page.hpp"
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

std::expected<std::vector<OrganizationRow>, QueryError> decode_rows(
    const std::vector<std::string>& encoded) {
  std::vector<OrganizationRow> rows;
  rows.reserve(encoded.size());
  for (const auto& bytes : encoded) {
    auto decoded = decode_organization_row(bytes);
    if (!decoded) return std::unexpected(QueryError{QueryErrorCode::storage, decoded.error()});
    rows.push_back(std::move(*decoded));
  }
  return rows;
}

// The ids (or the documents) that entries of the documented index hold, in place.
std::expected<void, QueryError> keep_part(std::vector<std::string>& values, bool documents) {
  for (auto& value : values) {
    auto entry = read_documented_entry(value);
    if (!entry) {
      return std::unexpected(QueryError{QueryErrorCode::storage, "index entry unreadable"});
    }
    value = std::string(documents ? entry->document : entry->id);
  }
  return {};
}

// The ids of a page's entries, in place: its values are documented entries when `documented`,
// else where the documents are (organization_keys.hpp), which ends with the id.
std::expected<void, QueryError> to_ids(std::vector<std::string>& values, bool documented) {
  if (documented) return keep_part(values, false);
  for (auto& value : values) value = std::string(id_of_document_suffix(value));
  return {};
}

// organization_document_key of a suffix, as one function Reader::values can take.
std::string document_key_of(std::string_view document_suffix) {
  return organization_document_key(document_suffix);
}

// Rows remembered at a snapshot (rows_at_snapshot.hpp): enough for several pages of the
// largest size; reads of more rows than a page at once (q in creation order) bypass them. A row
// is kept when offered the second time at its snapshot: pages read once cost no copies.
constexpr std::size_t kRememberedRows = 4096;
// Count-tree roots and runs of siblings (one run per node above the lowest level: ~110 for the
// largest index of 1,000,000 organizations, ~8 KiB each).
constexpr std::size_t kRememberedTreeParts = 1024;
// Where pages by number start (the key of their first entry), by rank.
constexpr std::size_t kRememberedPositions = 1024;
// Whole pages by request (ids, total, next cursor; ~1 KiB for 20 rows), kept on their second
// offer at a snapshot.
constexpr std::size_t kRememberedPages = 512;
// The pages of the index that carries documents hold them (up to 100 of up to a few KiB each),
// so both memories that can hold documents are bounded in bytes too.
constexpr std::size_t kRememberedPageBytes = std::size_t{8} << 20;
constexpr std::size_t kRememberedRowBytes = std::size_t{8} << 20;
constexpr std::size_t kMostRowsRemembered = 100;

class Reader {
 public:
  Reader(const eventstore::Store& store, const ReadModelHandles* handles,
         const RowsAtSnapshot& remembered)
      : db_(store.db()),
        cf_(live_column_family(store, handles, kOrganizationsColumnFamily)),
        snapshot_(db_),
        remembered_(remembered) {
    options_.snapshot = snapshot_.snapshot();
  }

  std::expected<std::optional<OrganizationRow>, QueryError> row(std::string_view id) const {
    std::string bytes;
    const rocksdb::Status s = db_->Get(options_, cf_.get(), organization_row_key(id), &bytes);
    if (s.IsNotFound()) return std::optional<OrganizationRow>{};
    if (!s.ok()) return std::unexpected(storage_error(s));
    auto decoded = decode_organization_row(bytes);
    if (!decoded) return std::unexpected(QueryError{QueryErrorCode::storage, decoded.error()});
    return std::optional<OrganizationRow>{std::move(*decoded)};
  }

  // The stored values of `ids` that exist, in that order, under the keys key_of(id) gives
  // (ids: or any other name of a row the key says where to find):
  // those remembered at this snapshot's sequence number, and the others from one MultiGet,
  // which shares the lookup work (the version, bloom probes, index blocks) a Get per key would
  // repeat.
  std::expected<std::vector<std::string>, QueryError> values(
      const std::vector<std::string>& ids, std::string (*key_of)(std::string_view)) const {
    std::vector<std::string> keys;
    keys.reserve(ids.size());
    for (const auto& id : ids) keys.push_back(key_of(id));
    auto version =
        ids.size() <= kMostRowsRemembered ? this->version() : std::optional<ReadModelVersion>{};
    auto found = version ? remembered_.find(keys, *version)
                         : std::vector<std::optional<std::string>>(keys.size());
    if (auto read = read_missing(keys, found, version); !read) {
      return std::unexpected(std::move(read.error()));
    }
    std::vector<std::string> values;
    values.reserve(keys.size());
    for (auto& value : found) {
      if (value) values.push_back(std::move(*value));
    }
    return values;
  }

  std::expected<std::vector<OrganizationRow>, QueryError> rows(
      const std::vector<std::string>& ids) const {
    auto encoded = values(ids, organization_row_key);
    if (!encoded) return std::unexpected(std::move(encoded.error()));
    return decode_rows(*encoded);
  }

  // The documents found where `document_suffixes` say (the values of indexes but the
  // documented one).
  std::expected<std::vector<std::string>, QueryError> documents(
      const std::vector<std::string>& document_suffixes) const {
    auto entries = values(document_suffixes, document_key_of);
    if (!entries) return std::unexpected(std::move(entries.error()));
    if (auto kept = keep_part(*entries, true); !kept) return std::unexpected(kept.error());
    return entries;
  }

  [[nodiscard]] rocksdb::DB* db() const { return db_; }
  [[nodiscard]] rocksdb::ColumnFamilyHandle* cf() const { return cf_.get(); }
  [[nodiscard]] const rocksdb::ReadOptions& options() const { return options_; }

 private:
  [[nodiscard]] ReadModelVersion version() const {
    return version_at(*cf_.get(), *options_.snapshot);
  }

  // Reads the rows `found` lacks into it (absent ones stay nullopt), remembering them at
  // `version` when there is one.
  std::expected<void, QueryError> read_missing(const std::vector<std::string>& keys,
                                               std::vector<std::optional<std::string>>& found,
                                               std::optional<ReadModelVersion> version) const {
    std::vector<rocksdb::Slice> slices;
    std::vector<std::size_t> at;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (!found[i]) {
        slices.emplace_back(keys[i]);
        at.push_back(i);
      }
    }
    if (slices.empty()) return {};
    std::vector<rocksdb::PinnableSlice> values(slices.size());
    std::vector<rocksdb::Status> statuses(slices.size());
    db_->MultiGet(options_, cf_.get(), slices.size(), slices.data(), values.data(),
                  statuses.data());
    for (std::size_t j = 0; j < slices.size(); ++j) {
      if (statuses[j].IsNotFound()) continue;
      if (!statuses[j].ok()) return std::unexpected(storage_error(statuses[j]));
      found[at[j]].emplace(values[j].ToStringView());
      if (version) remembered_.remember(keys[at[j]], *version, *found[at[j]]);
    }
    return {};
  }

  rocksdb::DB* db_;
  ColumnFamilyRef cf_;  // held for the query: a swap meanwhile leaves it valid
  rocksdb::ManagedSnapshot snapshot_;
  rocksdb::ReadOptions options_;
  const RowsAtSnapshot& remembered_;
};

// A cursor of a name search in creation order: hex of be64(the page it leads to), the order,
// be64(the creation position of the last row returned) and the name range searched, so it is
// only valid for the same search.
std::string creation_cursor(std::uint64_t page, std::uint64_t page_size, bool descending,
                            std::uint64_t last_position, std::string_view range) {
  return to_hex(cursor_head(page, page_size) + (descending ? 'd' : 'a') +
                encode_u64(last_position) + std::string(range));
}

struct CreationCursor {
  std::uint64_t page{0};
  std::uint64_t last_position{0};
};

std::optional<CreationCursor> read_creation_cursor(std::string_view cursor, std::uint64_t page_size,
                                                   bool descending, std::string_view range) {
  constexpr std::size_t kHead = kCursorHeadSize + 1 + 8;
  auto raw = from_hex(cursor);
  if (!raw || raw->size() < kHead || (*raw)[kCursorHeadSize] != (descending ? 'd' : 'a') ||
      std::string_view(*raw).substr(kHead) != range) {
    return std::nullopt;
  }
  const auto page = cursor_page(*raw, page_size);
  if (!page) return std::nullopt;
  return CreationCursor{*page, decode_u64(std::string_view(*raw).substr(kCursorHeadSize + 1))};
}

// q with creation order: the name-prefix range holds the matches (at most
// q.most_matches_by_creation); they are sorted by creation and paged by number or by cursor (the
// creation position of the last row returned: rows created since sort after it).
std::expected<IndexPage, QueryError> prefix_by_creation(const Reader& reader,
                                                        const OrganizationListQuery& q,
                                                        const std::string& scope) {
  const std::string prefix = organization_index_prefix(scope, OrganizationSort::name);
  const std::string within = domain::fold_case(q.name_prefix);
  const std::string range = prefix + within;
  std::optional<CreationCursor> cursor;
  if (!q.cursor.empty()) {
    cursor = read_creation_cursor(q.cursor, q.page_size, q.descending, range);
    if (!cursor) {
      return std::unexpected(
          QueryError{QueryErrorCode::invalid_cursor, std::string(kForeignCursorMessage)});
    }
  }
  auto ids = read_index_page(reader.db(), reader.cf(), reader.options(),
                             {prefix, within, false, 1, q.most_matches_by_creation + 1, {}});
  if (!ids) return std::unexpected(QueryError{QueryErrorCode::storage, "index unreadable"});
  if (ids->total > q.most_matches_by_creation) {
    return std::unexpected(QueryError{QueryErrorCode::too_many_matches,
                                      "matches " + std::to_string(ids->total) +
                                          " organizations; in creation order at most " +
                                          std::to_string(q.most_matches_by_creation) +
                                          " can be sorted: narrow q or sort by name"});
  }
  if (auto kept = to_ids(ids->ids, index_carries_documents(prefix)); !kept) {
    return std::unexpected(kept.error());
  }
  auto rows = reader.rows(ids->ids);
  if (!rows) return std::unexpected(rows.error());
  const auto before = [&](std::uint64_t a, std::uint64_t b) {
    return q.descending ? a > b : a < b;
  };
  std::sort(rows->begin(), rows->end(), [&](const OrganizationRow& a, const OrganizationRow& b) {
    return before(a.created_position, b.created_position);
  });
  IndexPage page{{}, cursor ? cursor->page : q.page, rows->size(), {}};
  auto next = rows->begin();
  if (cursor) {
    next = std::find_if(rows->begin(), rows->end(), [&](const OrganizationRow& row) {
      return before(cursor->last_position, row.created_position);
    });
  } else {
    next += static_cast<std::ptrdiff_t>(
        std::min<std::uint64_t>((q.page - 1) * q.page_size, rows->size()));
  }
  std::uint64_t last_position = 0;
  // Each as the other listings' index entries say it: where its document is (which ends with
  // its id), so the documents' page finds them (a page of bare ids found none).
  for (; next != rows->end() && page.ids.size() < q.page_size; ++next) {
    page.ids.push_back(organization_index_suffix(OrganizationSort::name, *next));
    last_position = next->created_position;
  }
  if (next != rows->end() && !page.ids.empty() && page.page < kMaxCursorPage) {
    page.next_cursor =
        creation_cursor(page.page + 1, q.page_size, q.descending, last_position, range);
  }
  return page;
}

// The page `q` asks for, in order: its index page, whose values say where the documents are, or,
// when `documented`, are ids with their documents (documented_entry).
struct ListingPage {
  IndexPage index;
  bool documented{false};
};

std::expected<ListingPage, QueryError> listing_page(const Reader& reader,
                                                    const OrganizationListQuery& q,
                                                    const IndexPageMemories& memories) {
  const std::string scope = choose_scope(q);
  // q: the name-order index, narrowed to the names that start with it.
  const bool filtered = !q.name_prefix.empty();
  if (filtered && q.sort == OrganizationSort::created) {
    auto page = prefix_by_creation(reader, q, scope);
    if (!page) return std::unexpected(std::move(page.error()));
    return ListingPage{std::move(*page), false};
  }
  const std::string prefix =
      organization_index_prefix(scope, filtered ? OrganizationSort::name : q.sort);
  auto page = read_index_page(reader.db(), reader.cf(), reader.options(),
                              {prefix, filtered ? domain::fold_case(q.name_prefix) : std::string(),
                               q.descending, q.page, q.page_size, q.cursor},
                              memories);
  if (!page) {
    if (page.error() == IndexPageError::invalid_cursor) {
      return std::unexpected(
          QueryError{QueryErrorCode::invalid_cursor, std::string(kForeignCursorMessage)});
    }
    return std::unexpected(QueryError{QueryErrorCode::storage, "index unreadable"});
  }
  return ListingPage{std::move(*page), index_carries_documents(prefix)};
}

}  // namespace

OrganizationQueries::OrganizationQueries(const eventstore::Store& store,
                                         const ReadModelHandles* handles)
    : store_(store),
      handles_(handles),
      remembered_rows_(kRememberedRows, Admission::second_offer, kRememberedRowBytes),
      remembered_trees_(kRememberedTreeParts),
      remembered_positions_(kRememberedPositions),
      remembered_pages_(kRememberedPages, Admission::second_offer, kRememberedPageBytes) {}

std::expected<std::optional<OrganizationRow>, QueryError> OrganizationQueries::get(
    std::string_view id) const {
  return Reader(store_, handles_, remembered_rows_).row(id);
}

std::expected<std::vector<OrganizationRow>, QueryError> OrganizationQueries::ancestors(
    std::string_view id) const {
  Reader reader(store_, handles_, remembered_rows_);
  auto row = reader.row(id);
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::vector<OrganizationRow>{};
  return reader.rows((*row)->ancestors);
}

std::expected<std::set<std::string, std::less<>>, QueryError>
OrganizationQueries::platform_accounts() const {
  auto* db = store_.db();
  const std::string prefix = platform_account_key("");
  const std::string upper = upper_bound_of(prefix);
  const rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &upper_slice;
  const auto cf = live_column_family(store_, handles_, kOrganizationsColumnFamily);
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(options, cf.get()));
  std::set<std::string, std::less<>> ids;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    ids.emplace(it->key().ToStringView().substr(prefix.size()));
  }
  if (!it->status().ok()) return std::unexpected(storage_error(it->status()));
  return ids;
}

std::expected<OrganizationPage, QueryError> OrganizationQueries::list(
    const OrganizationListQuery& q) const {
  Reader reader(store_, handles_, remembered_rows_);
  auto page = listing_page(reader, q, memories());
  if (!page) return std::unexpected(std::move(page.error()));
  auto& ids = page->index.ids;
  if (auto kept = to_ids(ids, page->documented); !kept) return std::unexpected(kept.error());
  auto rows = reader.rows(ids);
  if (!rows) return std::unexpected(std::move(rows.error()));
  return OrganizationPage{std::move(*rows), page->index.page, page->index.total,
                          std::move(page->index.next_cursor)};
}

std::expected<OrganizationDocumentPage, QueryError> OrganizationQueries::list_documents(
    const OrganizationListQuery& q) const {
  Reader reader(store_, handles_, remembered_rows_);
  auto page = listing_page(reader, q, memories());
  if (!page) return std::unexpected(std::move(page.error()));
  auto& values = page->index.ids;
  if (page->documented) {
    if (auto kept = keep_part(values, true); !kept) return std::unexpected(kept.error());
  } else {
    auto documents = reader.documents(values);
    if (!documents) return std::unexpected(std::move(documents.error()));
    values = std::move(*documents);
  }
  return OrganizationDocumentPage{std::move(values), page->index.page, page->index.total,
                                  std::move(page->index.next_cursor)};
}

IndexPageMemories OrganizationQueries::memories() const {
  return {&remembered_trees_, &remembered_positions_, &remembered_pages_};
}

}  // namespace orgd::projections
