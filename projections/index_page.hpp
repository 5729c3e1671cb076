#pragma once
// One page of a counted index (counted_index.hpp), or of the part of it whose suffixes start
// with `within`: the shared walk behind every paginated listing. Values are the rows' ids.
//
// A page is reached by number (the index's count tree finds its first entry: the same few
// hundred short reads at any depth) or by cursor (a seek). A cursor is opaque hex of be64(the
// page it leads to), be64(the page size), the order, the length of `within` and the last key
// returned, and is only valid for the same range in the same order and page size.

#include <rocksdb/db.h>

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
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

// What a listing's walks may remember at a snapshot's sequence number (rows_at_snapshot.hpp);
// each is optional, and none is used without a snapshot in the read options.
struct IndexPageMemories {
  const RowsAtSnapshot* tree_parts{nullptr};  // count-tree roots and runs: see CountedIndexView
  const RowsAtSnapshot* positions{nullptr};   // pages' first entries by rank: see CountedIndexView
  // Whole pages (ids, total, next cursor) by request: a page asked again before the next write
  // reads no index entry at all. Give it second-offer admission (pages nobody asks twice).
  const RowsAtSnapshot* pages{nullptr};
};

// Reads with `options` (give it a snapshot to pair the page with a consistent total).
[[nodiscard]] std::expected<IndexPage, IndexPageError> read_index_page(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, const rocksdb::ReadOptions& options,
    const IndexPageRequest& request, const IndexPageMemories& memories = {});

// A page as bytes, for a memory of pages; decode_index_page is nullopt for other bytes.
[[nodiscard]] std::string encode_index_page(const IndexPage& page);
[[nodiscard]] std::optional<IndexPage> decode_index_page(std::string_view bytes);

// The largest page number a cursor may carry: 2^53, beyond any count of entries and still exact
// in a JavaScript client's number. Cursors are opaque but not signed, so whoever reads one
// checks it (and page + 1 in the next cursor then cannot wrap).
inline constexpr std::uint64_t kMaxCursorPage = std::uint64_t{1} << 53;

// Every cursor starts with be64(the page it leads to) and be64(the page size it was made for):
// the page a cursor leads to is numbered in pages of that size, so a cursor reused with another
// pageSize is refused (it would answer a page number that means nothing).
inline constexpr std::size_t kCursorHeadSize = 16;
[[nodiscard]] std::string cursor_head(std::uint64_t page, std::uint64_t page_size);
// The page a cursor's bytes lead to, when they start with a head made for `page_size` and a
// page in [2, kMaxCursorPage]; nullopt otherwise.
[[nodiscard]] std::optional<std::uint64_t> cursor_page(std::string_view bytes,
                                                       std::uint64_t page_size);
// What every listing says of a cursor it refuses.
inline constexpr std::string_view kForeignCursorMessage =
    "the cursor does not belong to this listing and pageSize";

// Cursor text: lowercase hex of the cursor's bytes; from_hex is nullopt for anything else.
[[nodiscard]] std::string to_hex(std::string_view bytes);
[[nodiscard]] std::optional<std::string> from_hex(std::string_view hex);

// The smallest key greater than every key starting with `prefix`.
[[nodiscard]] std::string upper_bound_of(std::string prefix);

}  // namespace orgd::projections
