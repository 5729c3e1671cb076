#pragma once
// Counted indexes (counted_index.hpp) written without their count trees, and counted once at
// the end: how a replay into an empty read model writes them.
//
// Why: growing a tree one entry at a time costs a create three quarters of its work in the
// organizations projection (its eight indexes: the path of nodes read and rewritten, the splits'
// walks, and a walk of every small index to learn whether it needs a tree yet), and in a
// replay of the whole log every one of those nodes is rewritten thousands of times before its
// last value. Counting an index once its entries are all there is one ordered pass over them.
//
// The trees so built follow the layout and every rule of counted_index.hpp (check_counted_indexes
// accepts them, and the live writer goes on from them), packed: `fanout` children per node, a
// tree only for an index of more than kUncountedMost entries. Their shape differs from a tree
// grown by the same puts one at a time, so two read models agree when their entries are the
// same bytes and their trees count the same entries (replay/verify_projections.cpp).
//
// Contract: the batch that writes the entries holds the UncountedIndexes (ReadModelBatch::
// count_later) from the read model's first write on, and nothing reads the indexes' trees
// until count_uncounted has written them.
//
// Thread-safety: one thread at a time per object.

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <cstdint>
#include <expected>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "projections/counted_index.hpp"

namespace orgd::projections {

class UncountedIndexes {
 public:
  // `fanout`: that of the indexes' trees (tests grow tall trees with small ones). `events`:
  // about how many events will write the indexes, which sizes the counts of puts.
  explicit UncountedIndexes(std::uint32_t fanout = kCountedFanout, std::uint64_t events = 0);
  [[nodiscard]] std::uint32_t fanout() const { return fanout_; }
  // An entry was put under `prefix` (perhaps one already there: counting it again only
  // overestimates).
  void note_entry(std::string_view prefix);
  // The prefixes that may hold more than uncounted_most_for(fanout()) entries (every one that does,
  // and a few that do not), in key order.
  [[nodiscard]] std::vector<std::string> candidates() const;

 private:
  // Puts per prefix, counted in saturating bytes found by the prefix's hash: an upper bound of
  // each index's entries in a byte per slot, 4 slots per event (64 KiB to 256 MiB), where the
  // prefixes themselves (one to a few per organization and customer) would take gigabytes on
  // a large log. Prefixes sharing a slot only make candidates of indexes that turn out small.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::uint32_t fanout_;
  std::size_t slots_;
  std::vector<std::uint8_t> puts_;
  std::unordered_set<std::string, Hash, std::equal_to<>> candidates_;
};

struct CountedUncounted {
  std::uint64_t trees{0};    // trees written
  std::uint64_t entries{0};  // entries counted
};

// Builds the tree of every index of `indexes.candidates()` holding more than
// uncounted_most_for(fanout) entries in `cf` (as committed: write the replay's entries first),
// into `out`. Writes nothing for the others. Errors: storage.
[[nodiscard]] std::expected<CountedUncounted, std::string> count_uncounted(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, const UncountedIndexes& indexes,
    rocksdb::WriteBatch& out);

// The same for one index, by its prefix: what count_uncounted does for each candidate.
[[nodiscard]] std::expected<CountedUncounted, std::string> count_uncounted_index(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string_view prefix,
    rocksdb::WriteBatch& out, std::uint32_t fanout = kCountedFanout);

}  // namespace orgd::projections
