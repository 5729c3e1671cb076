#include "projections/rows_at_snapshot.hpp"

namespace orgd::projections {
namespace {

std::uint64_t hash_of(const std::string& key, ReadModelVersion version) {
  // The sequence number is spread over the word (golden-ratio multiplier) so that versions of
  // one key land in different slots.
  return std::hash<std::string_view>{}(key) ^ (version.sequence * 0x9e3779b97f4a7c15ULL) ^
         version.column_family;
}

}  // namespace

RowsAtSnapshot::RowsAtSnapshot(std::size_t capacity, Admission admission, std::size_t byte_budget)
    : capacity_(capacity),
      admission_(admission),
      byte_budget_(byte_budget),
      offered_(admission == Admission::second_offer ? 2 * capacity : 1) {}

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
      rows[i] = *it->second.row;
      ++hits;
    }
  }
  hits_.fetch_add(hits, std::memory_order_relaxed);
  return rows;
}

std::shared_ptr<const std::string> RowsAtSnapshot::find_shared(const std::string& key,
                                                               ReadModelVersion version) const {
  std::shared_ptr<const std::string> row;
  {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    if (it == entries_.end() || it->second.version != version) return row;
    row = it->second.row;
  }
  hits_.fetch_add(1, std::memory_order_relaxed);
  return row;
}

bool RowsAtSnapshot::admits(const std::string& key, ReadModelVersion version) const {
  return admission_ == Admission::first_offer || offered_.seen_again(hash_of(key, version));
}

void RowsAtSnapshot::keep(const std::string& key, ReadModelVersion version,
                          std::shared_ptr<const std::string> row) const {
  const std::size_t size = row->size();
  if (size > byte_budget_) return;
  const auto it = entries_.find(key);
  const bool added = it == entries_.end();
  std::size_t others = bytes_ - (added ? 0 : it->second.row->size());
  if ((added && entries_.size() >= capacity_) || others + size > byte_budget_) {
    entries_.clear();
    others = 0;
  }
  auto& entry = entries_[key];
  entry.version = version;
  entry.row = std::move(row);
  bytes_ = others + size;
}

}  // namespace orgd::projections
