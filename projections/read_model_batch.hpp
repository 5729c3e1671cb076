#pragma once
// The changes one projection makes for a run of events, staged in a WriteBatchWithIndex so
// the projection reads its own uncommitted writes (an event may touch a row an earlier event
// of the same run created). Committed together with the projection's checkpoint.
//
// Given a CountTreeCache, the count-tree keys (CountTreeCache::is_tree_key) are staged beside
// the WriteBatchWithIndex in an ordered map and read from it and the cache, never from the
// database: see count_tree_cache.hpp for why and for the contract.
//
// Thread-safety: one batch is used by one thread at a time.

#include <rocksdb/db.h>
#include <rocksdb/utilities/write_batch_with_index.h>

#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "projections/count_tree_cache.hpp"

namespace orgd::projections {

class ReadModelBatch {
 public:
  // `trees` may be null (no count-tree mirror); otherwise it must outlive the batch.
  ReadModelBatch(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                 CountTreeCache* trees = nullptr);

  // The value under `key` as this batch would leave it; nullopt when absent.
  [[nodiscard]] std::expected<std::optional<std::string>, std::string> get(std::string_view key);
  void put(std::string_view key, std::string_view value);
  void erase(std::string_view key);
  // Writes everything staged (not synced: read models are rebuilt from the synced log), with
  // the layout version of this code under kReadModelLayoutKey.
  [[nodiscard]] std::expected<void, std::string> commit();
  // Adds what commit() would write to `out` instead, so several read models are written in one
  // RocksDB write (each write waits its turn behind the event store's synced ones). The batch
  // is spent afterwards: clear it or drop it. Once `out` is written, hand
  // take_tree_changes() to the CountTreeCache.
  [[nodiscard]] std::expected<void, std::string> stage_into(rocksdb::WriteBatch& out);
  // The count-tree changes staged (empty without a cache); the batch forgets them.
  [[nodiscard]] CountTreeCache::Changes take_tree_changes();
  // Marks the current state; rollback() undoes everything staged after the mark.
  void save_point();
  void rollback();
  // Calls `visit(key, value)` for every key starting with `prefix`, as this batch would leave
  // them, in key order, until visit returns false. `visit` must not use the batch.
  [[nodiscard]] std::expected<void, std::string> scan_prefix(
      std::string_view prefix,
      const std::function<bool(std::string_view key, std::string_view value)>& visit);
  // Like scan_prefix, starting at the first key >= `start` (which starts with `prefix`).
  [[nodiscard]] std::expected<void, std::string> scan_from(
      std::string_view prefix, std::string_view start,
      const std::function<bool(std::string_view key, std::string_view value)>& visit);

 private:
  // One iterator over the batch and the database, reused by every scan and seek of this batch
  // (creating one costs more than a seek). Re-seeked before each use, so writes made since
  // are seen; dropped when the database or the batch's index changes under it.
  rocksdb::Iterator& iterator();

  [[nodiscard]] bool mirrored(std::string_view key) const {
    return trees_ != nullptr && CountTreeCache::is_tree_key(key);
  }
  void stage_tree_change(std::string_view key, std::optional<std::string> value);
  [[nodiscard]] std::expected<std::optional<std::string>, std::string> get_tree_key(
      std::string_view key);
  [[nodiscard]] std::expected<void, std::string> scan_tree_keys(
      std::string_view prefix, std::string_view start,
      const std::function<bool(std::string_view key, std::string_view value)>& visit);

  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* cf_;
  rocksdb::WriteBatchWithIndex batch_;
  std::unique_ptr<rocksdb::Iterator> iterator_;

  CountTreeCache* trees_;
  CountTreeCache::Changes tree_changes_;
  // How to undo each tree change since the oldest save point: the key and what it held
  // before (outer nullopt: no change staged; inner nullopt: staged as erased).
  std::vector<std::pair<std::string, std::optional<std::optional<std::string>>>> tree_undo_;
  std::vector<std::size_t> tree_save_points_;  // sizes of tree_undo_ at each save point
  std::string tree_error_;                     // a tree that failed to load on a write
};

// Stamped by every commit: the layout of the keys this code writes. A read model stamped with
// another (or none, written before stamps existed) is emptied and rebuilt from the log when
// orgd opens it (ReadModelHandles::open). Sorts after every data key, like the checkpoint.
inline constexpr std::string_view kReadModelLayoutKey =
    "\xff"
    "layout";
// 2: counted indexes (counted_index.hpp) replace the per-listing counters.
inline constexpr std::uint64_t kReadModelLayout = 2;

// Fixed-width big-endian encodings keep numeric keys in numeric order.
[[nodiscard]] std::string encode_u64(std::uint64_t value);
[[nodiscard]] std::uint64_t decode_u64(std::string_view bytes);

}  // namespace orgd::projections
