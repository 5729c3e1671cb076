#include "projections/read_model_batch.hpp"

#include <memory>
#include <optional>
#include <utility>

#include "projections/counted_index_layout.hpp"

namespace orgd::projections {

std::string encode_u64(std::uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

ReadModelBatch::ReadModelBatch(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                               CountTreeCache* trees)
    : db_(db), cf_(cf), trees_(trees) {}

std::expected<std::optional<std::string>, std::string> ReadModelBatch::get(std::string_view key) {
  if (auto staged = staged_.find(key); staged != staged_.end()) return staged->second;
  return committed(key);
}

std::expected<std::optional<std::string>, std::string> ReadModelBatch::committed(
    std::string_view key) {
  if (mirrored(key)) {
    if (auto loaded = trees_->load_tree_of(key, db_, cf_); !loaded) {
      return std::unexpected(loaded.error());
    }
    const auto& nodes = trees_->nodes();
    if (auto node = nodes.find(key); node != nodes.end()) {
      return std::optional<std::string>(node->second);
    }
    return std::optional<std::string>{};
  }
  std::string value;
  const rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), cf_, rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>{};
  if (!s.ok()) return std::unexpected("read model read failed: " + s.ToString());
  return std::optional<std::string>{std::move(value)};
}

void ReadModelBatch::put(std::string_view key, std::string_view value) {
  stage(key, std::string(value));
}

void ReadModelBatch::erase(std::string_view key) { stage(key, std::nullopt); }

void ReadModelBatch::stage(std::string_view key, std::optional<std::string> value) {
  if (mirrored(key)) {
    // Every write of a tree follows a read of it, which loaded it; load here all the same, so
    // the mirror never holds a tree in part.
    if (auto loaded = trees_->load_tree_of(key, db_, cf_); !loaded && tree_error_.empty()) {
      tree_error_ = loaded.error();
    }
  }
  auto it = staged_.lower_bound(key);
  const bool inserted = it == staged_.end() || it->first != key;
  if (inserted) it = staged_.emplace_hint(it, std::string(key), std::nullopt);
  if (!save_points_.empty()) {
    undo_.emplace_back(it, inserted ? std::nullopt
                                    : std::optional<std::optional<std::string>>(
                                          std::move(it->second)));
  }
  it->second = std::move(value);
}

std::expected<void, std::string> ReadModelBatch::commit() {
  rocksdb::WriteBatch last_values;
  if (auto staged = stage_into(last_values); !staged) return staged;
  iterator_.reset();  // its view of the database ends with this write
  rocksdb::WriteOptions options;
  options.sync = false;
  const rocksdb::Status s = db_->Write(options, &last_values);
  if (!s.ok()) return std::unexpected("read model write failed: " + s.ToString());
  auto trees = take_tree_changes();
  if (trees_ != nullptr) trees_->apply(trees);
  staged_.clear();
  return {};
}

std::expected<void, std::string> ReadModelBatch::stage_into(rocksdb::WriteBatch& out) {
  if (!tree_error_.empty()) return std::unexpected(tree_error_);
  put(kReadModelLayoutKey, encode_u64(kReadModelLayout));
  for (const auto& [key, value] : staged_) {
    const auto s = value ? out.Put(cf_, key, *value) : out.Delete(cf_, key);
    if (!s.ok()) return std::unexpected("read model batch: " + s.ToString());
  }
  return {};
}

CountTreeCache::Changes ReadModelBatch::take_tree_changes() {
  undo_.clear();
  save_points_.clear();
  CountTreeCache::Changes changes;
  if (trees_ == nullptr) return changes;
  // Tree keys all start with the same tag, so they sit together in the map.
  const std::string_view tag(&kCountTreeTag, 1);
  for (auto it = staged_.lower_bound(tag); it != staged_.end() && it->first.starts_with(tag);) {
    changes.insert(changes.end(), staged_.extract(it++));
  }
  return changes;
}

rocksdb::Iterator& ReadModelBatch::iterator() {
  if (!iterator_) iterator_.reset(db_->NewIterator(rocksdb::ReadOptions(), cf_));
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
  return scan_database(prefix, start, visit);
}

namespace {

// Visits the staged entries over the committed ones (a cursor with valid/key/value/next),
// merged in key order, for the keys from `start` on that start with `prefix`: a staged entry
// hides the committed one of its key, and a staged erase hides it without a visit.
template <class Committed, class Staged>
void merge_scan(std::string_view prefix, std::string_view start, Committed& committed,
                const Staged& staged,
                const std::function<bool(std::string_view key, std::string_view value)>& visit) {
  auto next_staged = staged.lower_bound(start);
  for (;;) {
    const bool has_committed = committed.valid() && committed.key().starts_with(prefix);
    const bool has_staged =
        next_staged != staged.end() && std::string_view(next_staged->first).starts_with(prefix);
    if (!has_committed && !has_staged) return;
    if (has_staged && (!has_committed || std::string_view(next_staged->first) <= committed.key())) {
      if (has_committed && std::string_view(next_staged->first) == committed.key()) {
        committed.next();
      }
      const auto& [key, value] = *next_staged++;
      if (value && !visit(key, *value)) return;
    } else {
      if (!visit(committed.key(), committed.value())) return;
      committed.next();
    }
  }
}

struct NodesCursor {
  CountTreeCache::Nodes::const_iterator at, end;
  [[nodiscard]] bool valid() const { return at != end; }
  [[nodiscard]] std::string_view key() const { return at->first; }
  [[nodiscard]] std::string_view value() const { return at->second; }
  void next() { ++at; }
};

struct DatabaseCursor {
  rocksdb::Iterator& it;
  [[nodiscard]] bool valid() const { return it.Valid(); }
  [[nodiscard]] std::string_view key() const { return {it.key().data(), it.key().size()}; }
  [[nodiscard]] std::string_view value() const { return {it.value().data(), it.value().size()}; }
  void next() { it.Next(); }
};

}  // namespace

std::expected<void, std::string> ReadModelBatch::scan_tree_keys(
    std::string_view prefix, std::string_view start,
    const std::function<bool(std::string_view key, std::string_view value)>& visit) {
  if (auto loaded = trees_->load_tree_of(prefix, db_, cf_); !loaded) {
    return std::unexpected(loaded.error());
  }
  const auto& nodes = trees_->nodes();
  NodesCursor committed{nodes.lower_bound(start), nodes.end()};
  merge_scan(prefix, start, committed, staged_, visit);
  return {};
}

std::expected<void, std::string> ReadModelBatch::scan_database(
    std::string_view prefix, std::string_view start,
    const std::function<bool(std::string_view key, std::string_view value)>& visit) {
  auto& it = iterator();
  it.Seek(rocksdb::Slice(start.data(), start.size()));
  DatabaseCursor committed{it};
  merge_scan(prefix, start, committed, staged_, visit);
  if (!it.status().ok()) return std::unexpected("read model scan failed: " + it.status().ToString());
  return {};
}

void ReadModelBatch::save_point() { save_points_.push_back(undo_.size()); }

void ReadModelBatch::rollback() {
  if (save_points_.empty()) return;
  for (auto undo = undo_.size(); undo > save_points_.back(); --undo) {
    auto& [entry, before] = undo_[undo - 1];
    if (before) {
      entry->second = std::move(*before);
    } else {
      staged_.erase(entry);
    }
  }
  undo_.resize(save_points_.back());
  save_points_.pop_back();
}

}  // namespace orgd::projections
