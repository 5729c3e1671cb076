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
                               CountTreeCache* trees, const Layer* beneath)
    : db_(db), cf_(cf), trees_(trees), beneath_(beneath) {}

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
  if (beneath_ != nullptr) {
    if (auto handed = beneath_->find(key); handed != beneath_->end()) return handed->second;
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
  put(kReadModelLayoutKey,
      encode_u64(uncounted_ != nullptr ? kReadModelUncountedLayout : kReadModelLayout));
  for (const auto& [key, value] : staged_) {
    const auto s = value ? out.Put(cf_, key, *value) : out.Delete(cf_, key);
    if (!s.ok()) return std::unexpected("read model batch: " + s.ToString());
  }
  return {};
}

std::expected<ReadModelBatch::Layer, std::string> ReadModelBatch::hand_off(
    rocksdb::WriteBatch& out) {
  if (auto staged = stage_into(out); !staged) return std::unexpected(staged.error());
  auto trees = take_tree_changes();
  if (trees_ != nullptr) trees_->apply(trees);
  iterator_.reset();
  return std::exchange(staged_, {});
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

std::expected<void, std::string> ReadModelBatch::erase_prefix(std::string_view prefix) {
  // Collected first: a scan must not see the batch change under it.
  std::vector<std::string> keys;
  auto scanned = scan_prefix(prefix, [&](std::string_view key, std::string_view) {
    keys.emplace_back(key);
    return true;
  });
  if (!scanned) return scanned;
  for (const auto& key : keys) erase(key);
  return {};
}

std::expected<void, std::string> ReadModelBatch::scan_from(
    std::string_view prefix, std::string_view start,
    const std::function<bool(std::string_view key, std::string_view value)>& visit) {
  if (mirrored(prefix)) return scan_tree_keys(prefix, start, visit);
  return scan_database(prefix, start, visit);
}

namespace {

// Cursors over one source of a scan (valid/key/value/next), each ending where keys stop
// starting with the scan's prefix.

// An ordered map's entries.
template <class Map>
struct MapCursor {
  typename Map::const_iterator at, end;
  std::string_view prefix;
  [[nodiscard]] bool valid() const {
    return at != end && std::string_view(at->first).starts_with(prefix);
  }
  [[nodiscard]] std::string_view key() const { return at->first; }
  void next() { ++at; }
};

// A staged map's entries; an erase is an entry too (erased()).
struct StagedCursor : MapCursor<ReadModelBatch::Layer> {
  [[nodiscard]] bool erased() const { return !at->second; }
  [[nodiscard]] std::string_view value() const { return *at->second; }
};

struct NodesCursor : MapCursor<CountTreeCache::Nodes> {
  [[nodiscard]] std::string_view value() const { return at->second; }
};

struct DatabaseCursor {
  rocksdb::Iterator* it;
  std::string_view prefix;
  [[nodiscard]] bool valid() const { return it->Valid() && key().starts_with(prefix); }
  [[nodiscard]] std::string_view key() const { return {it->key().data(), it->key().size()}; }
  [[nodiscard]] std::string_view value() const { return {it->value().data(), it->value().size()}; }
  void next() { it->Next(); }
};

// Staged entries over what lies beneath them, merged in key order: a staged entry hides the
// lower one of its key, and a staged erase hides it and shows nothing.
template <class Lower>
class Overlay {
 public:
  Overlay(StagedCursor upper, Lower lower) : upper_(upper), lower_(lower) { settle(); }
  [[nodiscard]] bool valid() const { return on_upper_ || lower_.valid(); }
  [[nodiscard]] std::string_view key() const { return on_upper_ ? upper_.key() : lower_.key(); }
  [[nodiscard]] std::string_view value() const {
    return on_upper_ ? upper_.value() : lower_.value();
  }
  void next() {
    if (on_upper_) {
      upper_.next();
    } else {
      lower_.next();
    }
    settle();
  }

 private:
  void settle() {
    for (;;) {
      on_upper_ = false;
      if (!upper_.valid()) return;
      if (lower_.valid()) {
        const int order = lower_.key().compare(upper_.key());
        if (order < 0) return;
        if (order == 0) lower_.next();
      }
      if (!upper_.erased()) {
        on_upper_ = true;
        return;
      }
      upper_.next();
    }
  }

  StagedCursor upper_;
  Lower lower_;
  bool on_upper_{false};
};

template <class Cursor>
void visit_all(Cursor cursor,
               const std::function<bool(std::string_view key, std::string_view value)>& visit) {
  for (; cursor.valid(); cursor.next()) {
    if (!visit(cursor.key(), cursor.value())) return;
  }
}

}  // namespace

std::expected<void, std::string> ReadModelBatch::scan_tree_keys(
    std::string_view prefix, std::string_view start,
    const std::function<bool(std::string_view key, std::string_view value)>& visit) {
  if (auto loaded = trees_->load_tree_of(prefix, db_, cf_); !loaded) {
    return std::unexpected(loaded.error());
  }
  const auto& nodes = trees_->nodes();
  visit_all(Overlay(StagedCursor{{staged_.lower_bound(start), staged_.end(), prefix}},
                    NodesCursor{{nodes.lower_bound(start), nodes.end(), prefix}}),
            visit);
  return {};
}

std::expected<void, std::string> ReadModelBatch::scan_database(
    std::string_view prefix, std::string_view start,
    const std::function<bool(std::string_view key, std::string_view value)>& visit) {
  auto& it = iterator();
  it.Seek(rocksdb::Slice(start.data(), start.size()));
  const StagedCursor staged{{staged_.lower_bound(start), staged_.end(), prefix}};
  const DatabaseCursor committed{&it, prefix};
  if (beneath_ == nullptr) {
    visit_all(Overlay(staged, committed), visit);
  } else {
    const StagedCursor handed{{beneath_->lower_bound(start), beneath_->end(), prefix}};
    visit_all(Overlay(staged, Overlay(handed, committed)), visit);
  }
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
