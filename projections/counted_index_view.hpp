#pragma once
// Reading one counted index (counted_index.hpp): its entries in order, its size, the rank of
// a key, and the entry (or a run of entries) at a rank, all from the same view of the read
// model.
//
// Cost: size() is one point read (cached), or a walk of a small index's few entries;
// rank_of, seek_to_rank and entries_at read the root, then at most 2·fanout nodes per level
// of the tree and 2·fanout entries (entries_at: plus the run's own): a few hundred short,
// sequential reads for 1,000,000 entries, whatever the rank.
// Errors: storage, or a tree that contradicts its entries (the message says which index).
// Thread-safety: one thread at a time.

#include <rocksdb/db.h>

#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "projections/counted_index_layout.hpp"
#include "projections/rows_at_snapshot.hpp"

namespace orgd::projections {

class CountedIndexView {
 public:
  // Reads with `options` (give it a snapshot for a consistent page and total). With a
  // snapshot and `remembered`, the tree's root, and for seek_to_rank each level's run of
  // sibling nodes it passes through, are looked up there first and remembered there once read:
  // a walk at the same snapshot then reads no tree node from RocksDB (a point read and, per
  // level, a seek and up to 2·fanout steps otherwise). A run is read whole to be remembered.
  // `positions`: see entries_at.
  CountedIndexView(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                   const rocksdb::ReadOptions& options, std::string prefix,
                   const RowsAtSnapshot* remembered = nullptr,
                   const RowsAtSnapshot* positions = nullptr);

  // An iterator over exactly the index's entries (keys prefix + suffix), unpositioned.
  [[nodiscard]] rocksdb::Iterator& entries();
  // How many entries the index has.
  [[nodiscard]] std::expected<std::uint64_t, std::string> size();
  // How many entries have a suffix that sorts before `suffix`.
  [[nodiscard]] std::expected<std::uint64_t, std::string> rank_of(std::string_view suffix);
  // Positions entries() at the entry of `rank` (0 is the first). False, and entries() left
  // unpositioned, when rank >= size().
  [[nodiscard]] std::expected<bool, std::string> seek_to_rank(std::uint64_t rank);

  struct Entry {
    std::string key;  // prefix + suffix
    std::string value;
  };
  // The entries of ranks [first, first + count), in order: fewer when the index ends sooner.
  // Read forward from the start of the lowest tree node holding `first`, or back from that
  // node's last entry when nearer, keeping the range's entries on the way: a page taken on
  // the way back costs no turning round and no second pass over it. With a snapshot and
  // `positions`, the key of the entry at `first` is remembered there, and a later run from
  // the same rank at the same snapshot seeks straight to it (a page number then costs what
  // its cursor does). Apart from `remembered`: pages nobody asks for again must not push the
  // tree's runs out.
  [[nodiscard]] std::expected<std::vector<Entry>, std::string> entries_at(std::uint64_t first,
                                                                          std::uint64_t count);

 private:
  // A node of a level and where it ends (nullopt: the last of its level).
  struct Step {
    TreeNode node;
    std::optional<std::string> upper;
  };
  [[nodiscard]] std::expected<std::optional<TreeRoot>, std::string> root();
  [[nodiscard]] rocksdb::Status read_root(std::string& bytes) const;
  [[nodiscard]] rocksdb::Iterator& nodes();
  [[nodiscard]] rocksdb::Iterator& iterator_between(std::unique_ptr<rocksdb::Iterator>& slot,
                                                    const rocksdb::Slice* lower,
                                                    const rocksdb::Slice* upper);
  [[nodiscard]] std::expected<Step, std::string> node_here(const std::string& level);
  [[nodiscard]] std::expected<Step, std::string> next_node(const std::string& level);
  [[nodiscard]] std::expected<Step, std::string> first_child(std::uint8_t level,
                                                             const std::string& first);
  // The child, at `level`, of the node that starts at `first`, ends at `upper` (nullopt: at
  // the end) and has `count` children, that holds the entry `rest` entries on from `first`;
  // `rest` becomes its offset in that child. The child comes with where it ends.
  [[nodiscard]] std::expected<Step, std::string> child_holding(
      std::uint8_t level, const std::string& first, const std::optional<std::string>& upper,
      std::uint64_t count, std::uint64_t& rest);
  // The values of the `count` children of the node that starts at `first`, at `level`, as
  // remembered, or read whole and remembered (see above).
  [[nodiscard]] std::expected<std::shared_ptr<const std::string>, std::string> remembered_run(
      std::uint8_t level, const std::string& first, std::uint64_t count);
  // child_holding from those children remembered, or read whole and remembered (see above).
  [[nodiscard]] std::expected<Step, std::string> remembered_child_holding(
      std::uint8_t level, const std::string& first, const std::optional<std::string>& upper,
      std::uint64_t count, std::uint64_t& rest);
  // The lowest node holding an entry, and where the entry is in it.
  struct Lowest {
    std::string first;                 // where the node starts
    std::optional<std::string> upper;  // where it ends; nullopt: at the end
    std::uint64_t count{0};            // its entries; 0 for a small index without a tree
    std::uint64_t rest{0};             // entries before the one sought, from `first` on
  };
  // The lowest node holding the entry of `rank`; nullopt when the tree counts fewer entries.
  [[nodiscard]] std::expected<std::optional<Lowest>, std::string> lowest_holding(
      std::uint64_t rank);
  // Positions entries() at the node's last entry (unpositioned for an empty index).
  void seek_to_last_of(const Lowest& node);
  // Positions entries() at the entry `at` is about: forward from the node's first entry, or
  // back from its last when nearer.
  void step_to(const Lowest& at);
  // Appends, in order, `count` entries from the one entries() is at, moving forward.
  void append_forward(std::vector<Entry>& out, std::uint64_t count);
  // The range [at's entry, + count) read back from the node's last entry; the part past the
  // node's end read forward from where the next one starts.
  void read_backward(std::vector<Entry>& out, const Lowest& at, std::uint64_t count);
  [[nodiscard]] std::string remembered_rank_key(std::uint64_t rank) const;
  // `out`, unless the iterator failed or the tree counts another number of entries from `first`.
  [[nodiscard]] std::expected<std::vector<Entry>, std::string> checked_run(std::vector<Entry> out,
                                                                           std::uint64_t first,
                                                                           std::uint64_t count);
  [[nodiscard]] std::string broken(std::string_view what) const;

  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* cf_;
  rocksdb::ReadOptions options_;
  std::string prefix_;
  std::string tree_;
  std::string entries_upper_, nodes_upper_;
  rocksdb::Slice entries_lower_slice_, entries_upper_slice_, nodes_lower_slice_, nodes_upper_slice_;
  std::unique_ptr<rocksdb::Iterator> entries_;
  std::unique_ptr<rocksdb::Iterator> nodes_;
  std::optional<std::optional<TreeRoot>> root_;  // outer: read yet; inner: the index has one
  const RowsAtSnapshot* remembered_;
  const RowsAtSnapshot* positions_;
  ReadModelVersion version_;  // of options_'s snapshot, when there is one
};

}  // namespace orgd::projections
