#pragma once
// Which column family holds each read model right now.
//
// A read model normally lives in the column family its projection names ("organizations").
// An online rebuild builds a replacement in a fresh column family ("organizations.gen2") and
// swaps it in; from then on that one holds the read model, across restarts. The mapping
// (logical name -> physical column family) lives in the "read_model_catalog" column family,
// written synced at each swap; a read model without an entry lives under its logical name.
//
// Handle lifetime: handles created at runtime are owned by this object, those opened with the
// store by the store. No handle is destroyed before this object is, so a query that looked a
// handle up just before a swap finishes on the old, complete model. A replaced column family
// is dropped at once; RocksDB frees its files when its last handle goes (at shutdown).
//
// Thread-safety: cf() and physical_name() from any thread (cf() is lock-free); the other
// members from any thread, serialized internally. Must be destroyed before the store.

#include <atomic>
#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "eventstore/store.hpp"

namespace orgd::projections {

inline constexpr std::string_view kReadModelCatalogCf = "read_model_catalog";

class ReadModelHandles {
 public:
  struct Generation {
    std::string name;                         // physical column family name
    rocksdb::ColumnFamilyHandle* cf{nullptr};
  };

  // Resolves every logical name through the catalog. With `drop_orphans` (a writable store
  // that serves, never a read-only one), drops generations a crashed rebuild left behind, and
  // empties every read model written with another key layout than kReadModelLayout (or
  // before layouts were stamped), so the runner rebuilds it from the log from position 1.
  // Errors: the catalog names a column family the database does not have; RocksDB errors.
  [[nodiscard]] static std::expected<std::unique_ptr<ReadModelHandles>, std::string> open(
      eventstore::Store& store, const std::vector<std::string>& logical_names,
      bool drop_orphans = false);
  ~ReadModelHandles();
  ReadModelHandles(const ReadModelHandles&) = delete;
  ReadModelHandles& operator=(const ReadModelHandles&) = delete;

  // The live column family of `logical`; for a name not given to open(), the store's column
  // family of that name (nullptr when none).
  [[nodiscard]] rocksdb::ColumnFamilyHandle* cf(std::string_view logical) const;
  [[nodiscard]] std::string physical_name(std::string_view logical) const;

  // A new, empty column family for a rebuild of `logical`, with the live one's options.
  [[nodiscard]] std::expected<Generation, std::string> create_generation(std::string_view logical);
  // Durably makes `next` the live column family of `logical` and returns the one it replaces
  // (not yet dropped: the caller drops it once nothing writes to it any more).
  [[nodiscard]] std::expected<Generation, std::string> install(std::string_view logical,
                                                               const Generation& next);
  // Drops a replaced or abandoned column family. Best effort: a failure leaves an unused
  // column family behind, which the next open with drop_orphans removes.
  void drop(const Generation& generation);

  // The read models open() emptied for another layout (logical names): the runner rebuilds
  // them from position 1, which an operator should hear about (minutes on a large log).
  [[nodiscard]] const std::vector<std::string>& emptied_at_open() const { return emptied_; }

 private:
  struct Slot {
    std::atomic<rocksdb::ColumnFamilyHandle*> cf{nullptr};
    std::string physical;  // guarded by mutex_
  };

  explicit ReadModelHandles(eventstore::Store& store) : store_(store) {}
  [[nodiscard]] std::expected<void, std::string> load_catalog(
      const std::vector<std::string>& logical_names);
  [[nodiscard]] std::expected<rocksdb::ColumnFamilyHandle*, std::string> catalog();
  [[nodiscard]] rocksdb::ColumnFamilyHandle* find(const std::string& physical) const;
  void scan_generations(bool drop_orphans);
  [[nodiscard]] std::expected<void, std::string> empty_outdated();

  eventstore::Store& store_;
  std::map<std::string, Slot, std::less<>> slots_;  // keys fixed after open
  mutable std::mutex mutex_;
  std::vector<rocksdb::ColumnFamilyHandle*> owned_;  // created here; guarded by mutex_
  std::uint64_t next_generation_{2};                 // guarded by mutex_
  std::vector<std::string> emptied_;                 // fixed after open
};

// The live column family of `logical`: through `handles` when given, else the store's own
// column family of that name (tests and tools that never swap read models).
[[nodiscard]] inline rocksdb::ColumnFamilyHandle* live_column_family(
    const eventstore::Store& store, const ReadModelHandles* handles, std::string_view logical) {
  return handles != nullptr ? handles->cf(logical) : store.column_family(logical);
}

// "<logical>.gen<n>" -> n, or 0 when `physical` is not a generation of `logical`.
[[nodiscard]] std::uint64_t generation_number(std::string_view logical, std::string_view physical);

}  // namespace orgd::projections
