#pragma once
// One page of an ordered index range in a column family: the shared walk behind every
// paginated listing. Keys of the range share `prefix`; values are the ids of the rows.
//
// A page is reached by number (skipping (page-1)*page_size entries: cost grows with depth) or
// by cursor (a seek: constant cost). A cursor is opaque hex of be64(the page it leads to) and
// the last key returned, and is only valid for the same prefix.

#include <rocksdb/db.h>

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

namespace orgd::projections {

struct IndexPageRequest {
  std::string prefix;
  bool descending{false};
  std::uint64_t page{1};
  std::uint64_t page_size{10};
  std::string cursor;
};

struct IndexPage {
  std::vector<std::string> ids;
  std::uint64_t page{1};
  std::string next_cursor;
};

enum class IndexPageError : std::uint8_t { invalid_cursor, storage };

// Reads with `options` (give it a snapshot to pair the page with a consistent total).
[[nodiscard]] std::expected<IndexPage, IndexPageError> read_index_page(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, const rocksdb::ReadOptions& options,
    const IndexPageRequest& request);

// Counts the keys under `prefix` (for filters no counter covers).
[[nodiscard]] std::uint64_t count_prefix(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                                         const rocksdb::ReadOptions& options,
                                         const std::string& prefix);

// Cursor text: lowercase hex of the cursor's bytes; from_hex is nullopt for anything else.
[[nodiscard]] std::string to_hex(std::string_view bytes);
[[nodiscard]] std::optional<std::string> from_hex(std::string_view hex);

// The smallest key greater than every key starting with `prefix`.
[[nodiscard]] std::string upper_bound_of(std::string prefix);

}  // namespace orgd::projections
