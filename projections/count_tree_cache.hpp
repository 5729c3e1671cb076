#pragma once
// The count trees of one live read model (counted_index_layout.hpp: every key starting with
// kCountTreeTag), as committed, held in memory by the projection that writes them.
//
// Why: adding an index entry reads and rewrites one node per tree level, and each of those
// reads was a RocksDB seek across every memtable and level of the column family -- half of
// the projection thread's time under a stream of creates. The trees are small (one node per
// 64-128 entries), and their only writer is the projection runner's thread, so a mirror of
// the committed nodes answers those reads exactly.
//
// A tree is loaded whole from the database the first time one of its keys is used, so the
// mirror holds only trees in use (and no trace of the many indexes too small for one). Contract: every write to a mirrored column family's tree
// keys goes through a ReadModelBatch holding this cache, and reaches apply() only once it is
// in the database; a column family replaced under the runner gets a new cache.
//
// Thread-safety: one thread at a time (the projection runner's, under its apply mutex).

#include <rocksdb/db.h>

#include <expected>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace orgd::projections {

class CountTreeCache {
 public:
  using Nodes = std::map<std::string, std::string, std::less<>>;
  // A run's changes to tree keys: the new value, or nullopt for an erase.
  using Changes = std::map<std::string, std::optional<std::string>, std::less<>>;

  // True for the keys this cache mirrors.
  [[nodiscard]] static bool is_tree_key(std::string_view key);

  // Loads the tree `key` belongs to (a tree key, or a prefix of one at least as long as its
  // tree's root key), unless it is loaded. Errors: storage, or `key` names no tree.
  [[nodiscard]] std::expected<void, std::string> load_tree_of(std::string_view key,
                                                              rocksdb::DB* db,
                                                              rocksdb::ColumnFamilyHandle* cf);
  [[nodiscard]] bool holds_tree_of(std::string_view key) const;

  // The committed nodes of every loaded tree, in key order.
  [[nodiscard]] const Nodes& nodes() const { return nodes_; }

  // Records changes now in the database.
  void apply(const Changes& committed);

 private:
  Nodes nodes_;
  std::set<std::string, std::less<>> loaded_;  // root keys of the loaded trees
};

// The root key of the tree that `key` (a tree key or a long enough prefix of one) belongs to;
// nullopt when it is too short or not a tree key.
[[nodiscard]] std::optional<std::string_view> tree_root_of(std::string_view key);

}  // namespace orgd::projections
