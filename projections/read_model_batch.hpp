#pragma once
// The changes one projection makes for a run of events, staged in memory so the projection
// reads its own uncommitted writes (an event may touch a row an earlier event of the same run
// created), then committed together with the projection's checkpoint.
//
// Staged keys live in one ordered map, each with its last value (or as erased), over what is
// committed: the database, or -- for count-tree keys (CountTreeCache::is_tree_key), when a
// CountTreeCache is given -- the cache, never read from the database (see
// count_tree_cache.hpp for why and for the contract). A RocksDB WriteBatchWithIndex did this
// job before; it keeps every put in its write batch and decodes keys from it at each
// comparison, and a run rewrites the same counters and tree nodes thousands of times.
//
// Reads of committed keys assume nothing else writes the column family while the batch lives
// (the projection runner and a replay are each their target's only writer).
//
// Thread-safety: one batch is used by one thread at a time.

#include <rocksdb/db.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "projections/count_tree_cache.hpp"

namespace orgd::projections {

class UncountedIndexes;

class ReadModelBatch {
 public:
  // What a batch staged and handed to a write that may not have landed yet (hand_off): each
  // key's last value, nullopt for an erase.
  using Layer = std::map<std::string, std::optional<std::string>, std::less<>>;

  // `trees` may be null (no count-tree mirror); otherwise it must outlive the batch.
  // `beneath` (may be null) is read as if committed, over the database: the layer an earlier
  // batch handed off, whose write may still be on its way. It must outlive the batch.
  ReadModelBatch(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, CountTreeCache* trees = nullptr,
                 const Layer* beneath = nullptr);

  // The value under `key` as this batch would leave it; nullopt when absent.
  [[nodiscard]] std::expected<std::optional<std::string>, std::string> get(std::string_view key);
  void put(std::string_view key, std::string_view value);
  void erase(std::string_view key);
  // Whether nothing is staged (or everything staged was rolled back).
  [[nodiscard]] bool empty() const { return staged_.empty(); }
  // Writes everything staged (not synced: read models are rebuilt from the synced log), with
  // the layout version of this code under kReadModelLayoutKey.
  [[nodiscard]] std::expected<void, std::string> commit();
  // Adds what commit() would write to `out` instead, so several read models are written in one
  // RocksDB write (each write waits its turn behind the event store's synced ones). The batch
  // is spent afterwards: clear it or drop it. Once `out` is written, hand
  // take_tree_changes() to the CountTreeCache.
  [[nodiscard]] std::expected<void, std::string> stage_into(rocksdb::WriteBatch& out);
  // For a replay that is its target's only reader and writer: adds what commit() would write
  // to `out`, hands the count-tree changes to the cache at once (before `out` is written, which
  // the cache's contract allows only there), and returns the rest as the layer the next batch
  // reads through until `out` is written. So a replay's thread can stage the next run while
  // another writes this one. The batch is spent afterwards.
  [[nodiscard]] std::expected<Layer, std::string> hand_off(rocksdb::WriteBatch& out);
  // The count-tree changes staged (empty without a cache); the batch forgets them.
  [[nodiscard]] CountTreeCache::Changes take_tree_changes();
  // From now on the counted indexes this batch writes are noted in `later` instead of counted
  // (uncounted_indexes.hpp), and commits stamp kReadModelUncountedLayout until their trees
  // are written. `later` (null: count again) must outlive the batch.
  void count_later(UncountedIndexes* later) { uncounted_ = later; }
  [[nodiscard]] UncountedIndexes* counted_later() const { return uncounted_; }
  // Remembers `key` until take_touched(): how a projection notes the rows whose derived keys it
  // stages once, in Projection::finish, however many events changed them. A rollback keeps
  // the notes (finish reads each row as the batch holds it, so a note too many costs nothing).
  void touch(std::string_view key) { touched_.emplace(key); }
  [[nodiscard]] std::set<std::string, std::less<>> take_touched() { return std::move(touched_); }
  // Marks the current state; rollback() undoes everything staged after the mark.
  void save_point();
  void rollback();
  // Calls `visit(key, value)` for every key starting with `prefix`, as this batch would leave
  // them, in key order, until visit returns false. `visit` must not use the batch.
  [[nodiscard]] std::expected<void, std::string> scan_prefix(
      std::string_view prefix,
      const std::function<bool(std::string_view key, std::string_view value)>& visit);
  // Stages the removal of every key starting with `prefix`, as this batch would leave them.
  [[nodiscard]] std::expected<void, std::string> erase_prefix(std::string_view prefix);
  // Like scan_prefix, starting at the first key >= `start` (which starts with `prefix`).
  [[nodiscard]] std::expected<void, std::string> scan_from(
      std::string_view prefix, std::string_view start,
      const std::function<bool(std::string_view key, std::string_view value)>& visit);

 private:
  using Staged = Layer;

  // One database iterator, reused by every scan of this batch (creating one costs more than
  // a seek); its view of the column family ends with the batch's commit.
  rocksdb::Iterator& iterator();

  [[nodiscard]] bool mirrored(std::string_view key) const {
    return trees_ != nullptr && CountTreeCache::is_tree_key(key);
  }
  void stage(std::string_view key, std::optional<std::string> value);
  [[nodiscard]] std::expected<std::optional<std::string>, std::string> committed(
      std::string_view key);
  [[nodiscard]] std::expected<void, std::string> scan_tree_keys(
      std::string_view prefix, std::string_view start,
      const std::function<bool(std::string_view key, std::string_view value)>& visit);
  [[nodiscard]] std::expected<void, std::string> scan_database(
      std::string_view prefix, std::string_view start,
      const std::function<bool(std::string_view key, std::string_view value)>& visit);

  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* cf_;
  CountTreeCache* trees_;
  const Layer* beneath_;
  std::unique_ptr<rocksdb::Iterator> iterator_;

  Staged staged_;
  // How to undo each change since the oldest save point: the staged entry and what it held
  // before (outer nullopt: nothing was staged; inner nullopt: staged as erased). Entries are
  // only ever removed by a rollback, newest first, so the iterators stay valid.
  std::vector<std::pair<Staged::iterator, std::optional<std::optional<std::string>>>> undo_;
  std::vector<std::size_t> save_points_;  // sizes of undo_ at each save point
  std::string tree_error_;                // a tree that failed to load on a write
  UncountedIndexes* uncounted_{nullptr};
  std::set<std::string, std::less<>> touched_;
};

// Stamped by every commit: the layout of the keys this code writes. A read model stamped with
// another (or none, written before stamps existed) is emptied and rebuilt from the log when
// orgd opens it (ReadModelHandles::open). Sorts after every data key, like the checkpoint.
inline constexpr std::string_view kReadModelLayoutKey =
    "\xff"
    "layout";
// 2: counted indexes (counted_index.hpp) replace the per-listing counters.
// 3: each organization's JSON document is stored next to its row (organization_document.hpp).
// 4: the documents move into the entries of the index of every organization in name order,
//    and every other organization index entry says where its document is (organization_keys.hpp).
// 5: platform accounts (SuperAdmin, auditors) are in no organization's member indexes.
// 6: ... nor in Default's memberCount (organization_keys.hpp: platform account marks).
// 7: the resources read model indexes the members of things groups too (resources_projection.hpp).
// 8: a customer's contract acceptances leave the contracts read model when it changes
//    organization (directory_projections.cpp).
// 9: a resource is indexed as owned by its owner in its organization (resources_projection.hpp).
// 10: sessions are indexed by expiry, and each login drops a few expired ones
//     (customers_projection.hpp).
inline constexpr std::uint64_t kReadModelLayout = 10;
// Stamped instead while a replay writes counted indexes without their trees
// (uncounted_indexes.hpp): a read model left so by a replay that did not finish is another layout,
// emptied and rebuilt.
inline constexpr std::uint64_t kReadModelUncountedLayout = 0;

// Fixed-width big-endian encodings keep numeric keys in numeric order.
[[nodiscard]] std::string encode_u64(std::uint64_t value);
// The first 8 bytes, or all of fewer. Inline: a page's walk decodes a few hundred sibling
// lengths and counts, and the byte-by-byte call was 4 % of a deep page's instructions.
[[nodiscard]] inline std::uint64_t decode_u64(std::string_view bytes) {
  if (bytes.size() >= sizeof(std::uint64_t)) {
    std::uint64_t value = 0;
    std::memcpy(&value, bytes.data(), sizeof value);
    if constexpr (std::endian::native == std::endian::little) value = std::byteswap(value);
    return value;
  }
  std::uint64_t value = 0;
  for (const char c : bytes) value = (value << 8) | static_cast<unsigned char>(c);
  return value;
}

// A text after its length (encode_u64): for values that hold several texts one after another.
inline void append_length_prefixed(std::string& out, std::string_view text) {
  out += encode_u64(text.size());
  out += text;
}
// Takes a text written by append_length_prefixed off the front of `bytes`; nullopt (and
// `bytes` unchanged) when they do not start with a whole one.
[[nodiscard]] inline std::optional<std::string_view> take_length_prefixed(std::string_view& bytes) {
  if (bytes.size() < sizeof(std::uint64_t)) return std::nullopt;
  const std::uint64_t size = decode_u64(bytes);
  if (size > bytes.size() - sizeof(std::uint64_t)) return std::nullopt;
  const std::string_view text = bytes.substr(sizeof(std::uint64_t), size);
  bytes.remove_prefix(sizeof(std::uint64_t) + size);
  return text;
}

}  // namespace orgd::projections
