#pragma once
// The changes one projection makes for a run of events, staged in a WriteBatchWithIndex so
// the projection reads its own uncommitted writes (an event may touch a row an earlier event
// of the same run created). Committed together with the projection's checkpoint.
//
// Thread-safety: one batch is used by one thread at a time.

#include <rocksdb/db.h>
#include <rocksdb/utilities/write_batch_with_index.h>

#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace orgd::projections {

class ReadModelBatch {
 public:
  ReadModelBatch(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf);

  // The value under `key` as this batch would leave it; nullopt when absent.
  [[nodiscard]] std::expected<std::optional<std::string>, std::string> get(std::string_view key);
  void put(std::string_view key, std::string_view value);
  void erase(std::string_view key);
  // Adds `delta` to the unsigned 64-bit counter under `key` (absent = 0).
  [[nodiscard]] std::expected<void, std::string> add_to_counter(std::string_view key,
                                                                std::int64_t delta);
  // Writes everything staged (not synced: read models are rebuilt from the synced log).
  [[nodiscard]] std::expected<void, std::string> commit();
  // Marks the current state; rollback() undoes everything staged after the mark.
  void save_point();
  void rollback();
  // Calls `visit(key, value)` for every key starting with `prefix`, as this batch would leave
  // them, in key order, until visit returns false.
  [[nodiscard]] std::expected<void, std::string> scan_prefix(
      std::string_view prefix,
      const std::function<bool(std::string_view key, std::string_view value)>& visit);

 private:
  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* cf_;
  rocksdb::WriteBatchWithIndex batch_;
};

// Fixed-width big-endian encodings keep numeric keys in numeric order.
[[nodiscard]] std::string encode_u64(std::uint64_t value);
[[nodiscard]] std::uint64_t decode_u64(std::string_view bytes);

}  // namespace orgd::projections
