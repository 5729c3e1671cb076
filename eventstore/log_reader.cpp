#include "eventstore/log_reader.hpp"

#include <rocksdb/db.h>
#include <rocksdb/snapshot.h>

#include <algorithm>
#include <memory>

#include "eventstore/envelope_codec.hpp"
#include "eventstore/key_encoding.hpp"

namespace orgd::eventstore {
namespace {

StoreError io_error(const rocksdb::Status& status) {
  return {StoreErrorCode::io_error, status.ToString()};
}

StoreError corruption(std::string message) {
  return {StoreErrorCode::corruption, std::move(message)};
}

std::string_view view(const rocksdb::Slice& slice) { return {slice.data(), slice.size()}; }

// Decodes one "events" entry and checks that it sits under its own position.
std::expected<Envelope, StoreError> decode_event(std::string_view key, std::string_view value) {
  const auto position = decode_u64(key);
  if (!position) return std::unexpected(corruption("events key is not 8 bytes long"));
  auto envelope = decode_envelope(value);
  if (!envelope) {
    return std::unexpected(
        corruption("events position " + std::to_string(*position) + ": " + envelope.error()));
  }
  if (envelope->position != *position) {
    return std::unexpected(corruption("events position " + std::to_string(*position) +
                                      " holds envelope of position " +
                                      std::to_string(envelope->position)));
  }
  return std::move(*envelope);
}

}  // namespace

std::expected<std::vector<Envelope>, StoreError> LogReader::read_range(std::uint64_t first,
                                                                       std::uint64_t last,
                                                                       std::size_t max) const {
  std::vector<Envelope> out;
  if (max == 0 || first > last) return out;
  rocksdb::ReadOptions read;
  const std::string upper = event_key(last + 1);
  const rocksdb::Slice upper_slice(upper);
  if (last != UINT64_MAX) read.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_.NewIterator(read, cfs_.events));
  for (it->Seek(event_key(first)); it->Valid() && out.size() < max; it->Next()) {
    auto envelope = decode_event(view(it->key()), view(it->value()));
    if (!envelope) return std::unexpected(envelope.error());
    out.push_back(std::move(*envelope));
  }
  if (!it->status().ok()) return std::unexpected(io_error(it->status()));
  return out;
}

std::expected<std::vector<Envelope>, StoreError> LogReader::read_stream(std::string_view stream_id,
                                                                        std::uint64_t from_version,
                                                                        std::uint64_t last_position,
                                                                        std::size_t max) const {
  std::vector<Envelope> out;
  if (max == 0) return out;
  rocksdb::ManagedSnapshot snapshot(&db_);
  rocksdb::ReadOptions read;
  read.snapshot = snapshot.snapshot();
  const std::string prefix = stream_prefix(stream_id);
  std::unique_ptr<rocksdb::Iterator> it(db_.NewIterator(read, cfs_.streams));
  for (it->Seek(stream_version_key(stream_id, std::max<std::uint64_t>(from_version, 1)));
       it->Valid() && it->key().starts_with(prefix) && out.size() < max; it->Next()) {
    const auto position = decode_u64(view(it->value()));
    if (it->key().size() != prefix.size() + kU64Bytes || !position) {
      return std::unexpected(
          corruption("streams entry of stream " + std::string(stream_id) + " is malformed"));
    }
    if (*position > last_position) break;  // committed but not yet acknowledged
    std::string value;
    const auto status = db_.Get(read, cfs_.events, event_key(*position), &value);
    if (status.IsNotFound()) {
      return std::unexpected(corruption("stream " + std::string(stream_id) +
                                        " points at missing position " +
                                        std::to_string(*position)));
    }
    if (!status.ok()) return std::unexpected(io_error(status));
    auto envelope = decode_event(event_key(*position), value);
    if (!envelope) return std::unexpected(envelope.error());
    out.push_back(std::move(*envelope));
  }
  if (!it->status().ok()) return std::unexpected(io_error(it->status()));
  return out;
}

std::expected<std::uint64_t, StoreError> LogReader::stream_version(
    std::string_view stream_id) const {
  std::string value;
  const auto status = db_.Get(rocksdb::ReadOptions(), cfs_.stream_heads, stream_id, &value);
  if (status.IsNotFound()) return 0;
  if (!status.ok()) return std::unexpected(io_error(status));
  const auto version = decode_u64(value);
  if (!version) {
    return std::unexpected(
        corruption("stream_heads entry of stream " + std::string(stream_id) + " is malformed"));
  }
  return *version;
}

std::expected<std::optional<std::string>, StoreError> LogReader::claim_owner(
    std::string_view scope, std::string_view value) const {
  std::string owner;
  const auto status = db_.Get(rocksdb::ReadOptions(), cfs_.claims, claim_key(scope, value), &owner);
  if (status.IsNotFound()) return std::nullopt;
  if (!status.ok()) return std::unexpected(io_error(status));
  return owner;
}

std::expected<ChainTip, StoreError> LogReader::recover_tip() const {
  ChainTip tip;
  std::unique_ptr<rocksdb::Iterator> it(db_.NewIterator(rocksdb::ReadOptions(), cfs_.events));
  it->SeekToLast();
  if (it->Valid()) {
    auto last = decode_event(view(it->key()), view(it->value()));
    if (!last) return std::unexpected(last.error());
    tip = {last->position, last->hash, last->timestamp_ms};
  } else if (!it->status().ok()) {
    return std::unexpected(io_error(it->status()));
  }
  std::string head;
  const auto status = db_.Get(rocksdb::ReadOptions(), cfs_.meta, kHeadKey, &head);
  if (status.IsNotFound() && tip.position == 0) return tip;
  if (!status.ok() && !status.IsNotFound()) return std::unexpected(io_error(status));
  if (head != head_record(tip.position, tip.hash)) {
    return std::unexpected(corruption("meta head record disagrees with the last event, position " +
                                      std::to_string(tip.position)));
  }
  return tip;
}

}  // namespace orgd::eventstore
