#include "projections/rows_at_snapshot.hpp"

namespace orgd::projections {

ReadModelVersion version_at(const rocksdb::ColumnFamilyHandle& cf,
                            const rocksdb::Snapshot& snapshot) {
  return {cf.GetID(), snapshot.GetSequenceNumber()};
}

std::vector<std::optional<std::string>> RowsAtSnapshot::find(std::span<const std::string> keys,
                                                             ReadModelVersion version) const {
  std::vector<std::optional<std::string>> rows(keys.size());
  std::uint64_t hits = 0;
  {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const auto it = entries_.find(keys[i]);
      if (it == entries_.end() || it->second.version != version) continue;
      rows[i] = it->second.row;
      ++hits;
    }
  }
  hits_.fetch_add(hits, std::memory_order_relaxed);
  return rows;
}

void RowsAtSnapshot::remember(const std::string& key, ReadModelVersion version,
                              std::string_view row) const {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= capacity_ && !entries_.contains(key)) entries_.clear();
  auto& entry = entries_[key];
  entry.version = version;
  entry.row.assign(row);
}

}  // namespace orgd::projections
