#include "api/idempotency_records.hpp"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>

#include "eventstore/key_encoding.hpp"

namespace orgd::api {
namespace {

constexpr char kRecordVersion = 1;

using eventstore::StoreError;
using eventstore::StoreErrorCode;

void put_string(std::string& out, std::string_view text) {
  out += eventstore::encode_u64(text.size());
  out += text;
}

// Reads the fields of a record front to back; any short read poisons it.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}
  std::string_view take(std::size_t n) {
    if (!ok_ || rest_.size() < n) {
      ok_ = false;
      return {};
    }
    auto part = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return part;
  }
  std::uint64_t u64() { return eventstore::decode_u64(take(eventstore::kU64Bytes)).value_or(0); }
  std::string string() {
    const std::uint64_t size = u64();
    return std::string(take(static_cast<std::size_t>(size)));
  }
  [[nodiscard]] bool complete() const { return ok_ && rest_.empty(); }
  [[nodiscard]] bool ok() const { return ok_; }

 private:
  std::string_view rest_;
  bool ok_{true};
};

std::string record_key(std::string_view caller, std::string_view key) {
  std::string out(caller);
  out += '\0';
  out += key;
  return out;
}

StoreError io_error(const rocksdb::Status& status) {
  return {StoreErrorCode::io_error, "idempotency records: " + status.ToString()};
}

}  // namespace

std::string encode_idempotency_record(const IdempotencyRecord& record) {
  std::string out(1, kRecordVersion);
  out.append(reinterpret_cast<const char*>(record.digest.data()), record.digest.size());
  out += eventstore::encode_u64(static_cast<std::uint64_t>(record.created_ms));
  out += eventstore::encode_u64(static_cast<std::uint64_t>(record.status));
  put_string(out, record.content_type);
  out += eventstore::encode_u64(record.headers.size());
  for (const auto& [name, value] : record.headers) {
    put_string(out, name);
    put_string(out, value);
  }
  put_string(out, record.body);
  return out;
}

std::optional<IdempotencyRecord> decode_idempotency_record(std::string_view bytes) {
  Reader in(bytes);
  if (in.take(1) != std::string_view(&kRecordVersion, 1)) return std::nullopt;
  IdempotencyRecord record;
  const auto digest = in.take(kRequestDigestBytes);
  std::copy(digest.begin(), digest.end(), record.digest.begin());
  record.created_ms = static_cast<std::int64_t>(in.u64());
  record.status = static_cast<int>(in.u64());
  record.content_type = in.string();
  const std::uint64_t headers = in.u64();
  // Each header takes at least 16 bytes: a corrupt count cannot make us allocate much.
  for (std::uint64_t i = 0; in.ok() && i < headers; ++i) {
    std::string name = in.string();
    std::string value = in.string();
    record.headers.emplace_back(std::move(name), std::move(value));
  }
  record.body = in.string();
  if (!in.complete()) return std::nullopt;
  return record;
}

std::expected<IdempotencyRecords, StoreError> IdempotencyRecords::open(
    const eventstore::Store& store) {
  rocksdb::ColumnFamilyHandle* cf = store.column_family(kIdempotencyColumnFamily);
  if (store.db() == nullptr || cf == nullptr) {
    return std::unexpected(StoreError{StoreErrorCode::invalid_argument,
                                      "the store was opened without the column family \"" +
                                          std::string(kIdempotencyColumnFamily) + "\""});
  }
  return IdempotencyRecords(store.db(), cf);
}

std::expected<std::optional<IdempotencyRecord>, StoreError> IdempotencyRecords::find(
    std::string_view caller, std::string_view key) const {
  std::string value;
  const auto status = db_->Get(rocksdb::ReadOptions(), cf_, record_key(caller, key), &value);
  if (status.IsNotFound()) return std::nullopt;
  if (!status.ok()) return std::unexpected(io_error(status));
  auto record = decode_idempotency_record(value);
  if (!record) {
    return std::unexpected(
        StoreError{StoreErrorCode::corruption,
                   "idempotency record of caller " + std::string(caller) + " does not decode"});
  }
  return record;
}

std::expected<void, StoreError> IdempotencyRecords::save(std::string_view caller,
                                                         std::string_view key,
                                                         const IdempotencyRecord& record) const {
  rocksdb::WriteOptions options;
  options.sync = true;
  const auto status =
      db_->Put(options, cf_, record_key(caller, key), encode_idempotency_record(record));
  if (!status.ok()) return std::unexpected(io_error(status));
  return {};
}

std::expected<void, StoreError> IdempotencyRecords::erase(std::string_view caller,
                                                          std::string_view key) const {
  const auto status = db_->Delete(rocksdb::WriteOptions(), cf_, record_key(caller, key));
  if (!status.ok()) return std::unexpected(io_error(status));
  return {};
}

std::expected<std::size_t, StoreError> IdempotencyRecords::sweep(std::int64_t expired_at_ms,
                                                                 std::size_t most) const {
  std::lock_guard lock(sweep_->mutex);
  const std::string start = sweep_->after;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf_));
  it->Seek(start);
  if (it->Valid() && it->key() == rocksdb::Slice(start)) it->Next();
  rocksdb::WriteBatch expired;
  bool wrapped = false;
  for (std::size_t looked = 0; looked < most; ++looked, it->Next()) {
    if (!it->Valid()) {
      if (!it->status().ok() || wrapped) break;
      wrapped = true;
      it->SeekToFirst();
      if (!it->Valid()) break;
    }
    if (wrapped && it->key().compare(start) > 0) break;  // round to where this sweep began
    const auto record = decode_idempotency_record({it->value().data(), it->value().size()});
    if (record && record->created_ms <= expired_at_ms) {
      if (auto s = expired.Delete(cf_, it->key()); !s.ok()) return std::unexpected(io_error(s));
    }
    sweep_->after = it->key().ToString();
  }
  if (!it->status().ok()) return std::unexpected(io_error(it->status()));
  if (expired.Count() == 0) return 0;
  if (auto s = db_->Write(rocksdb::WriteOptions(), &expired); !s.ok()) {
    return std::unexpected(io_error(s));
  }
  return expired.Count();
}

}  // namespace orgd::api
