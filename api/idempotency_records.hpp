#pragma once
// Responses remembered for Idempotency-Key replays, in the "idempotency" column family of the
// event store's database (so one data directory, one backup, one WAL).
//
// Key:   caller id '\0' idempotency key  (caller ids never contain NUL: they are UUIDs)
// Value: version u8 (1) ‖ digest (32) ‖ created_ms u64 BE ‖ status u64 BE ‖
//        content_type ‖ header count u64 BE ‖ (name ‖ value)* ‖ body,
//        where every string is its length (u64 BE) followed by its bytes.
//
// Thread-safety: any thread (RocksDB's own). save() blocks on an fsync: keep it off I/O
// threads and the store's writer and projection threads.

#include <array>
#include <cstdint>
#include <expected>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eventstore/store.hpp"

namespace orgd::api {

inline constexpr std::string_view kIdempotencyColumnFamily = "idempotency";
inline constexpr std::size_t kRequestDigestBytes = 32;
using RequestDigest = std::array<unsigned char, kRequestDigestBytes>;

struct IdempotencyRecord {
  RequestDigest digest{};  // BLAKE2b-256 of method, target and body (see idempotency.hpp)
  std::int64_t created_ms{0};
  int status{0};
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;  // the replayable ones only
  std::string body;
  friend bool operator==(const IdempotencyRecord&, const IdempotencyRecord&) = default;
};

[[nodiscard]] std::string encode_idempotency_record(const IdempotencyRecord& record);
// nullopt for bytes that are not a version-1 record (truncated, trailing bytes, other version).
[[nodiscard]] std::optional<IdempotencyRecord> decode_idempotency_record(std::string_view bytes);

class IdempotencyRecords {
 public:
  // The records of `store`, whose StoreOptions::extra_column_families must name
  // kIdempotencyColumnFamily. Errors: invalid_argument when it does not.
  [[nodiscard]] static std::expected<IdempotencyRecords, eventstore::StoreError> open(
      const eventstore::Store& store);

  // The record of (caller, key), or nullopt. Errors: io_error, corruption (undecodable value).
  [[nodiscard]] std::expected<std::optional<IdempotencyRecord>, eventstore::StoreError> find(
      std::string_view caller, std::string_view key) const;
  // Stores the record with a synced write: durable when this returns. Errors: io_error.
  [[nodiscard]] std::expected<void, eventstore::StoreError> save(
      std::string_view caller, std::string_view key, const IdempotencyRecord& record) const;
  // Deletes the record (an expired one); not synced: losing the delete only means meeting the
  // expired record again. Errors: io_error.
  [[nodiscard]] std::expected<void, eventstore::StoreError> erase(std::string_view caller,
                                                                  std::string_view key) const;
  // Looks at the next `most` records after where the last sweep stopped (from the first
  // again past the last one) and deletes those created at or before `expired_at_ms`, not
  // synced, as erase(). Called with every save, it drops expired records faster than new
  // ones come, without a timer; a record was dropped only when its key came back, so every
  // keyed command kept ~290 bytes for ever. Returns how many it deleted. Errors: io_error.
  [[nodiscard]] std::expected<std::size_t, eventstore::StoreError> sweep(std::int64_t expired_at_ms,
                                                                         std::size_t most) const;

 private:
  struct Sweep {
    std::mutex mutex;
    std::string after;  // the last key looked at; guarded by mutex
  };

  IdempotencyRecords(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf)
      : db_(db), cf_(cf), sweep_(std::make_shared<Sweep>()) {}
  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* cf_;
  std::shared_ptr<Sweep> sweep_;  // shared by copies: one cursor for the column family
};

}  // namespace orgd::api
