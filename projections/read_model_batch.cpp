#include "projections/read_model_batch.hpp"

#include <memory>
#include <optional>

namespace orgd::projections {

std::string encode_u64(std::uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

std::uint64_t decode_u64(std::string_view bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8 && i < bytes.size(); ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  }
  return value;
}

ReadModelBatch::ReadModelBatch(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf)
    : db_(db), cf_(cf), batch_(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true) {}

std::expected<std::optional<std::string>, std::string> ReadModelBatch::get(std::string_view key) {
  std::string value;
  const rocksdb::Status s = batch_.GetFromBatchAndDB(db_, rocksdb::ReadOptions(), cf_,
                                                     rocksdb::Slice(key.data(), key.size()),
                                                     &value);
  if (s.IsNotFound()) return std::optional<std::string>{};
  if (!s.ok()) return std::unexpected("read model read failed: " + s.ToString());
  return std::optional<std::string>{std::move(value)};
}

void ReadModelBatch::put(std::string_view key, std::string_view value) {
  // WriteBatchWithIndex only fails on a bad column family, which is a programming error.
  (void)batch_.Put(cf_, rocksdb::Slice(key.data(), key.size()),
                   rocksdb::Slice(value.data(), value.size()));
}

void ReadModelBatch::erase(std::string_view key) {
  (void)batch_.Delete(cf_, rocksdb::Slice(key.data(), key.size()));
}

std::expected<void, std::string> ReadModelBatch::commit() {
  rocksdb::WriteBatch last_values;
  if (auto staged = stage_into(last_values); !staged) return staged;
  iterator_.reset();  // its view of the database ends with this write
  rocksdb::WriteOptions options;
  options.sync = false;
  const rocksdb::Status s = db_->Write(options, &last_values);
  if (!s.ok()) return std::unexpected("read model write failed: " + s.ToString());
  batch_.Clear();
  return {};
}

std::expected<void, std::string> ReadModelBatch::stage_into(rocksdb::WriteBatch& last_values) {
  put(kReadModelLayoutKey, encode_u64(kReadModelLayout));
  // The batch's own WriteBatch holds every put, and a run of events puts the same counters and
  // count-tree nodes thousands of times: write only the last value of each key (the index has
  // one entry per key; for the same key it orders them oldest first).
  std::unique_ptr<rocksdb::WBWIIterator> entries(batch_.NewIterator(cf_));
  std::optional<rocksdb::WriteEntry> pending;
  auto write = [&](const rocksdb::WriteEntry& entry) {
    return entry.type == rocksdb::kPutRecord      ? last_values.Put(cf_, entry.key, entry.value)
           : entry.type == rocksdb::kDeleteRecord ? last_values.Delete(cf_, entry.key)
                                                  : rocksdb::Status::NotSupported("write type");
  };
  rocksdb::Status s;
  for (entries->SeekToFirst(); entries->Valid() && s.ok(); entries->Next()) {
    const rocksdb::WriteEntry entry = entries->Entry();
    if (pending && pending->key != entry.key) s = write(*pending);
    pending = entry;
  }
  if (s.ok() && pending) s = write(*pending);
  if (s.ok()) s = entries->status();
  if (!s.ok()) return std::unexpected("read model batch unreadable: " + s.ToString());
  return {};
}

rocksdb::Iterator& ReadModelBatch::iterator() {
  if (!iterator_) {
    iterator_.reset(batch_.NewIteratorWithBase(cf_, db_->NewIterator(rocksdb::ReadOptions(), cf_)));
  }
  return *iterator_;
}

std::expected<void, std::string> ReadModelBatch::scan_prefix(
    std::string_view prefix,
    const std::function<bool(std::string_view key, std::string_view value)>& visit) {
  return scan_from(prefix, prefix, visit);
}

std::expected<void, std::string> ReadModelBatch::scan_from(
    std::string_view prefix, std::string_view start,
    const std::function<bool(std::string_view key, std::string_view value)>& visit) {
  auto& it = iterator();
  const rocksdb::Slice bound(prefix.data(), prefix.size());
  for (it.Seek(rocksdb::Slice(start.data(), start.size())); it.Valid(); it.Next()) {
    const rocksdb::Slice key = it.key();
    if (!key.starts_with(bound)) break;
    if (!visit({key.data(), key.size()}, {it.value().data(), it.value().size()})) break;
  }
  if (!it.status().ok())
    return std::unexpected("read model scan failed: " + it.status().ToString());
  return {};
}

void ReadModelBatch::save_point() { batch_.SetSavePoint(); }

void ReadModelBatch::rollback() {
  iterator_.reset();  // the rollback rebuilds the batch's index under it
  (void)batch_.RollbackToSavePoint();
}

}  // namespace orgd::projections
