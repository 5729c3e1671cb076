#pragma once
// Reads of committed data: the global log, one stream, stream heads, claims, and the chain
// tip found on disk at open.
//
// Thread-safety: const and safe from any thread; each call reads one RocksDB snapshot.
// Errors: io_error when RocksDB fails; corruption (naming the key) when stored bytes do not
// decode or disagree with their key.

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eventstore/column_families.hpp"
#include "eventstore/envelope.hpp"
#include "eventstore/log_head.hpp"
#include "eventstore/store.hpp"

namespace orgd::eventstore {

class LogReader {
 public:
  LogReader(rocksdb::DB& db, const ColumnFamilies& cfs) : db_(db), cfs_(cfs) {}

  // Envelopes with first <= position <= last, at most `max`, in position order.
  [[nodiscard]] std::expected<std::vector<Envelope>, StoreError> read_range(std::uint64_t first,
                                                                            std::uint64_t last,
                                                                            std::size_t max) const;
  // Envelopes of one stream with version >= from_version and position <= last_position.
  [[nodiscard]] std::expected<std::vector<Envelope>, StoreError> read_stream(
      std::string_view stream_id, std::uint64_t from_version, std::uint64_t last_position,
      std::size_t max) const;
  [[nodiscard]] std::expected<std::uint64_t, StoreError> stream_version(
      std::string_view stream_id) const;
  [[nodiscard]] std::expected<std::optional<std::string>, StoreError> claim_owner(
      std::string_view scope, std::string_view value) const;
  // The tip from the last key of "events" (the log itself is the source of truth), checked
  // against the head record in "meta" written in the same batches.
  [[nodiscard]] std::expected<ChainTip, StoreError> recover_tip() const;

 private:
  rocksdb::DB& db_;
  ColumnFamilies cfs_;
};

}  // namespace orgd::eventstore
