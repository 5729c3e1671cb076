#pragma once
// Encoded read-model rows by key, each remembered with where it was read: the column family
// and the sequence number of the RocksDB snapshot it came from. Two snapshots with the same
// sequence number see the same data, so a remembered row is exact for any later snapshot of
// the same column family at that number, and a page can mix remembered rows with rows read
// from its snapshot and still be that one snapshot's page.
//
// Why: a listing page reads each of its rows with a point lookup (MultiGet), the half of a
// page's instructions that remained once its JSON was remembered (README, Architecture).
// While nothing is written (reads between commands), a repeated page skips them. Every write
// to the database (any command's events, a login) moves the sequence number, so under a
// stream of commands most lookups miss, at the cost of one map lookup per row.
//
// At most `capacity` rows of at most `byte_budget` bytes in all, all forgotten when either is
// reached (a row larger than the budget is never kept). A memory of rows for pages admits a row on
// its second offer at the same version only (second_sight.hpp): pages read once, as at random,
// then cost no copies; a page asked twice is remembered, and hits from its third time on.
// Thread-safety: any thread.

#include <rocksdb/db.h>

#include <atomic>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "projections/second_sight.hpp"

namespace orgd::projections {

// Where a row was read: a column family's id and the snapshot's sequence number.
struct ReadModelVersion {
  std::uint32_t column_family{0};
  std::uint64_t sequence{0};
  bool operator==(const ReadModelVersion&) const = default;
};

// The version of what a read of `cf` through `snapshot` sees.
[[nodiscard]] ReadModelVersion version_at(const rocksdb::ColumnFamilyHandle& cf,
                                          const rocksdb::Snapshot& snapshot);

// Whether a memory keeps what it is offered the first time (count-tree parts, shared by many
// walks) or only the second (a page's rows).
enum class Admission { first_offer, second_offer };

class RowsAtSnapshot {
 public:
  explicit RowsAtSnapshot(std::size_t capacity, Admission admission = Admission::first_offer,
                          std::size_t byte_budget = SIZE_MAX);

  // For each key, the row remembered at `version`, or nullopt.
  [[nodiscard]] std::vector<std::optional<std::string>> find(std::span<const std::string> keys,
                                                             ReadModelVersion version) const;
  [[nodiscard]] std::optional<std::string> find(const std::string& key,
                                                ReadModelVersion version) const {
    return std::move(find(std::span(&key, 1), version).front());
  }
  // The same without a copy, shared with the memory: for large rows read in place (a count
  // tree's run of siblings, ~8 KiB, read by every page's walk).
  [[nodiscard]] std::shared_ptr<const std::string> find_shared(const std::string& key,
                                                               ReadModelVersion version) const;
  void remember(const std::string& key, ReadModelVersion version, std::string_view row) const {
    remember_made(key, version, [row] { return row; });
  }
  // The same, the row built by make() only when it is kept: with second-offer admission most
  // offers are not, and building the row would be wasted on them.
  template <std::invocable MakeRow>
  void remember_made(const std::string& key, ReadModelVersion version, MakeRow make) const {
    std::lock_guard lock(mutex_);
    if (!admits(key, version)) return;
    keep(key, version, std::make_shared<const std::string>(make()));
  }
  void remember_shared(const std::string& key, ReadModelVersion version,
                       std::shared_ptr<const std::string> row) const {
    std::lock_guard lock(mutex_);
    if (admits(key, version)) keep(key, version, std::move(row));
  }
  // How many rows find() has answered.
  [[nodiscard]] std::uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    ReadModelVersion version;
    std::shared_ptr<const std::string> row;
  };

  // std::hash<std::string> itself makes libstdc++ compare a key with every entry, one by one,
  // while a map holds at most 20 (a repeated page's rows): ~50 memcmp per lookup (callgrind).
  // Any other hasher counts as cheap, and the map always hashes.
  struct KeyHash {
    std::size_t operator()(const std::string& key) const noexcept {
      return std::hash<std::string_view>{}(key);
    }
  };

  // Under mutex_: whether this offer is kept, and keeping it.
  [[nodiscard]] bool admits(const std::string& key, ReadModelVersion version) const;
  void keep(const std::string& key, ReadModelVersion version,
            std::shared_ptr<const std::string> row) const;

  std::size_t capacity_;
  Admission admission_;
  std::size_t byte_budget_;
  mutable std::size_t bytes_{0};  // the rows' bytes
  mutable SecondSight offered_;
  mutable std::atomic<std::uint64_t> hits_{0};
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::string, Entry, KeyHash> entries_;
};

}  // namespace orgd::projections
