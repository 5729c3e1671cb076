#include "projections/read_model_batch.hpp"

#include <memory>
#include <optional>
#include <utility>

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

ReadModelBatch::ReadModelBatch(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                               CountTreeCache* trees)
    : db_(db),
      cf_(cf),
      batch_(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true),
      trees_(trees) {}

std::expected<std::optional<std::string>, std::string> ReadModelBatch::get(std::string_view key) {
  if (mirrored(key)) return get_tree_key(key);
  std::string value;
  const rocksdb::Status s = batch_.GetFromBatchAndDB(db_, rocksdb::ReadOptions(), cf_,
                                                     rocksdb::Slice(key.data(), key.size()),
                                                     &value);
  if (s.IsNotFound()) return std::optional<std::string>{};
  if (!s.ok()) return std::unexpected("read model read failed: " + s.ToString());
  return std::optional<std::string>{std::move(value)};
}

void ReadModelBatch::put(std::string_view key, std::string_view value) {
  if (mirrored(key)) return stage_tree_change(key, std::string(value));
  // WriteBatchWithIndex only fails on a bad column family, which is a programming error.
  (void)batch_.Put(cf_, rocksdb::Slice(key.data(), key.size()),
                   rocksdb::Slice(value.data(), value.size()));
}

void ReadModelBatch::erase(std::string_view key) {
  if (mirrored(key)) return stage_tree_change(key, std::nullopt);
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
  if (trees_ != nullptr) trees_->apply(take_tree_changes());
  return {};
}

CountTreeCache::Changes ReadModelBatch::take_tree_changes() {
  tree_undo_.clear();
  tree_save_points_.clear();
  return std::exchange(tree_changes_, {});
}

void ReadModelBatch::stage_tree_change(std::string_view key, std::optional<std::string> value) {
  // Every write of a tree follows a read of it, which loaded it; load here all the same, so
  // the mirror never holds a tree in part.
  if (auto loaded = trees_->load_tree_of(key, db_, cf_); !loaded && tree_error_.empty()) {
    tree_error_ = loaded.error();
  }
  auto [it, inserted] = tree_changes_.try_emplace(std::string(key));
  if (!tree_save_points_.empty()) {
    tree_undo_.emplace_back(it->first, inserted ? std::nullopt
                                                : std::optional<std::optional<std::string>>(
                                                      std::move(it->second)));
  }
  it->second = std::move(value);
}

std::expected<std::optional<std::string>, std::string> ReadModelBatch::get_tree_key(
    std::string_view key) {
  if (auto staged = tree_changes_.find(key); staged != tree_changes_.end()) return staged->second;
  if (auto loaded = trees_->load_tree_of(key, db_, cf_); !loaded) {
    return std::unexpected(loaded.error());
  }
  const auto& nodes = trees_->nodes();
  if (auto committed = nodes.find(key); committed != nodes.end()) {
    return std::optional<std::string>(committed->second);
  }
  return std::optional<std::string>{};
}

// The staged changes over the committed nodes, merged in key order.
std::expected<void, std::string> ReadModelBatch::scan_tree_keys(
    std::string_view prefix, std::string_view start,
    const std::function<bool(std::string_view key, std::string_view value)>& visit) {
  if (auto loaded = trees_->load_tree_of(prefix, db_, cf_); !loaded) {
    return std::unexpected(loaded.error());
  }
  const auto& nodes = trees_->nodes();
  auto committed = nodes.lower_bound(start);
  auto staged = tree_changes_.lower_bound(start);
  auto in_prefix = [prefix](const std::string& key) { return key.starts_with(prefix); };
  for (;;) {
    const bool has_committed = committed != nodes.end() && in_prefix(committed->first);
    const bool has_staged = staged != tree_changes_.end() && in_prefix(staged->first);
    if (!has_committed && !has_staged) return {};
    if (has_staged && (!has_committed || staged->first <= committed->first)) {
      if (has_committed && staged->first == committed->first) ++committed;
      const auto& [key, value] = *staged++;
      if (value && !visit(key, *value)) return {};
    } else {
      const auto& [key, value] = *committed++;
      if (!visit(key, value)) return {};
    }
  }
}

std::expected<void, std::string> ReadModelBatch::stage_into(rocksdb::WriteBatch& last_values) {
  if (!tree_error_.empty()) return std::unexpected(tree_error_);
  for (const auto& [key, value] : tree_changes_) {
    const auto s = value ? last_values.Put(cf_, key, *value) : last_values.Delete(cf_, key);
    if (!s.ok()) return std::unexpected("read model batch: " + s.ToString());
  }
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
  if (mirrored(prefix)) return scan_tree_keys(prefix, start, visit);
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

void ReadModelBatch::save_point() {
  batch_.SetSavePoint();
  tree_save_points_.push_back(tree_undo_.size());
}

void ReadModelBatch::rollback() {
  iterator_.reset();  // the rollback rebuilds the batch's index under it
  (void)batch_.RollbackToSavePoint();
  if (tree_save_points_.empty()) return;
  for (auto undo = tree_undo_.size(); undo > tree_save_points_.back(); --undo) {
    auto& [key, before] = tree_undo_[undo - 1];
    if (before) {
      tree_changes_[key] = std::move(*before);
    } else {
      tree_changes_.erase(key);
    }
  }
  tree_undo_.resize(tree_save_points_.back());
  tree_save_points_.pop_back();
}

}  // namespace orgd::projections
