#pragma once
// Counted indexes: the ordered indexes behind paginated listings (entries `prefix + suffix ->
// value` in a read model's column family) with a tree of counts beside them, in the same
// column family and staged in the same ReadModelBatch, so the entry at any rank and the rank
// of any key are found in a few short reads (counted_index_view.hpp): page N of a listing
// costs about the same at any depth, and a total is one read.
//
// The tree is a B+-tree of counts laid out as ordered keys (counted_index_layout.hpp). A node
// of level k covers the nodes of level k-1 (the entries, for k = 1) in its key range; the
// nodes of a level cover every key, in order, and each node's range is the union of its
// children's; the root covers everything. A node with more than 2·fanout children splits in
// two (walking `fanout` of them), a root that would split adds a level. Erases only count
// down: a node left empty stays (so no range ever moves between nodes), and the last entry's
// erase removes the tree (see also kUncountedMost). So a lookup reads the root, at most 2·fanout
// nodes per level and 2·fanout entries, and a put or erase costs two point reads and one forward
// seek per level (plus, once every ~fanout puts, a split's walk).
//
// The shape depends only on the sequence of puts and erases: a replay of the same events
// writes the same bytes. A replay into an empty read model writes no tree while it runs and
// builds each one from its entries at the end instead (uncounted_indexes.hpp: a batch that
// counts later), in a packed shape of its own.
//
// Contract: every entry under a counted prefix is written through these functions (a plain
// batch.put would not be counted); check_counted_indexes (counted_index_check.hpp) finds any
// disagreement. Thread-safety: that of the batch.

#include <algorithm>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "projections/read_model_batch.hpp"

namespace orgd::projections {

// A node splits when it has more than 2·fanout children, leaving fanout in the first half. An
// index must always be written with the same fanout (tests use small ones to grow tall trees).
inline constexpr std::uint32_t kCountedFanout = 64;

// An index of at most this many entries has no tree: it is counted by walking it (most
// indexes are tiny, e.g. an organization's own subtree). It gets a tree when it grows past
// this, and loses it when it shrinks to half of it. Never more than a root holds.
inline constexpr std::uint64_t kUncountedMost = 16;
[[nodiscard]] constexpr std::uint64_t uncounted_most_for(std::uint32_t fanout) {
  return std::min<std::uint64_t>(kUncountedMost, 2ULL * fanout);
}

// Stages prefix+suffix -> value. An entry already there takes the new value and is not
// counted again. Errors: storage, or a tree that contradicts its entries.
[[nodiscard]] std::expected<void, std::string> put_counted(ReadModelBatch& batch,
                                                           std::string_view prefix,
                                                           std::string_view suffix,
                                                           std::string_view value,
                                                           std::uint32_t fanout = kCountedFanout);

// Stages the removal of prefix+suffix; an absent entry is left alone. Errors: as put_counted.
[[nodiscard]] std::expected<void, std::string> erase_counted(ReadModelBatch& batch,
                                                             std::string_view prefix,
                                                             std::string_view suffix,
                                                             std::uint32_t fanout = kCountedFanout);

// put_counted for an entry the caller knows is absent -- the key of a row the event creates
// (its suffix holds the row's new id) -- without the read that keeps an entry from being
// counted twice. A present entry would be counted twice: only for keys that cannot exist yet.
[[nodiscard]] std::expected<void, std::string> put_new_counted(
    ReadModelBatch& batch, std::string_view prefix, std::string_view suffix,
    std::string_view value, std::uint32_t fanout = kCountedFanout);

// Starts an index with its first entry: for an index the event itself brings into being (the
// subtree of the organization it creates), which holds nothing yet. Reads nothing: an index
// of one entry has no tree (kUncountedMost), so there is nothing to count.
void start_counted(ReadModelBatch& batch, std::string_view prefix, std::string_view suffix,
                   std::string_view value);

// Gives the entry prefix+suffix, which the caller knows is there (staged or stored), a new
// value: it counts nothing and reads nothing. An absent entry would be written uncounted.
void revalue_counted(ReadModelBatch& batch, std::string_view prefix, std::string_view suffix,
                     std::string_view value);

struct CountedKey {
  std::string prefix;
  std::string suffix;
  friend auto operator<=>(const CountedKey&, const CountedKey&) = default;
};

// Moves one item (a row with its `value`, e.g. its id) from the index keys `before` to the
// index keys `after`: erases the keys only `before` has, puts the keys only `after` has, and
// leaves the keys both have alone (so their value must not change). Either may be empty.
[[nodiscard]] std::expected<void, std::string> replace_counted(
    ReadModelBatch& batch, std::vector<CountedKey> before, std::vector<CountedKey> after,
    std::string_view value, std::uint32_t fanout = kCountedFanout);

// Lists a new item under every key of `keys` (duplicates count once) with put_new_counted:
// replace_counted from no keys, for an item the event creates.
[[nodiscard]] std::expected<void, std::string> index_new_counted(
    ReadModelBatch& batch, std::vector<CountedKey> keys, std::string_view value,
    std::uint32_t fanout = kCountedFanout);

}  // namespace orgd::projections
