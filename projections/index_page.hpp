#pragma once
// One page of a counted index (counted_index.hpp), or of the part of it whose suffixes start
// with `within`: the shared walk behind every paginated listing. Values are the rows' ids.
//
// A page is reached by number (the index's count tree finds its first entry: the same few
// hundred short reads at any depth) or by cursor (a seek). A cursor is opaque hex of be64(the
// page it leads to) and the last key returned, and is only valid for the same range.

#include <rocksdb/db.h>

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "projections/rows_at_snapshot.hpp"

namespace orgd::projections {

struct IndexPageRequest {
  std::string prefix;  // the counted index
  std::string within;  // only the entries whose suffix starts with this; empty = all
  bool descending{false};
  std::uint64_t page{1};
  std::uint64_t page_size{10};
  std::string cursor;
};

struct IndexPage {
  std::vector<std::string> ids;
  std::uint64_t page{1};
  std::uint64_t total{0};  // entries in the whole range, counted by the tree
  std::string next_cursor;
};

enum class IndexPageError : std::uint8_t { invalid_cursor, storage };

// Reads with `options` (give it a snapshot to pair the page with a consistent total);
// `remembered` and `positions`: see CountedIndexView.
[[nodiscard]] std::expected<IndexPage, IndexPageError> read_index_page(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, const rocksdb::ReadOptions& options,
    const IndexPageRequest& request, const RowsAtSnapshot* remembered = nullptr,
    const RowsAtSnapshot* positions = nullptr);

// Cursor text: lowercase hex of the cursor's bytes; from_hex is nullopt for anything else.
[[nodiscard]] std::string to_hex(std::string_view bytes);
[[nodiscard]] std::optional<std::string> from_hex(std::string_view hex);

// The smallest key greater than every key starting with `prefix`.
[[nodiscard]] std::string upper_bound_of(std::string prefix);

}  // namespace orgd::projections
