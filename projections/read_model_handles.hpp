#pragma once
// Which column family holds each read model right now.
//
// A read model normally lives in the column family its projection names ("organizations").
// An online rebuild builds a replacement in a fresh column family ("organizations.gen2") and
// swaps it in; from then on that one holds the read model, across restarts. The mapping
// (logical name -> physical column family) lives in the "read_model_catalog" column family,
// written synced at each swap; a read model without an entry lives under its logical name.
//
// Handle lifetime: the live handle of each read model is counted (ColumnFamilyRef,
// column_family_ref.hpp): cf() hands out a reference, which a query keeps for its whole
// duration and the projection thread keeps while it writes there, so a query that looked a
// handle up just before a swap finishes on the old, complete model. A replaced column family
// is dropped at once, and its handle is destroyed with its last reference: the rebuild's, or,
// when a query was still in it, that query's, on its thread. RocksDB then deletes the column
// family's files (unlinks, no sync) and closes them while orgd runs; until the thirty-first
// session they stayed until shutdown. A replaced handle the store opened is released from the
// store first (Store::release_column_family), so it is destroyed once. Handles created here
// (generations, the catalog) are ours; the live ones the store opened stay the store's until
// replaced. Each generation's count (a few dozen bytes) is kept until this object goes.
// Another ReadModelHandles open on the same store (verify's, in tests) does not know of a
// swap made here: it must not be used across one, since the handle it holds may be gone.
//
// Thread-safety: cf() and physical_name() from any thread (cf() takes no lock: an atomic
// load and an increment); the other members from any thread, serialized internally. Must be
// destroyed before the store, and after every reference cf() and create_generation() handed
// out is gone (queries are done, the ProjectionRunner released its own, OnlineRebuilds is
// destroyed): a reference left would destroy its handle after the store closed, or count in
// freed memory. The destructor asserts that none is left.

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
#include "projections/column_family_ref.hpp"

namespace orgd::projections {

inline constexpr std::string_view kReadModelCatalogCf = "read_model_catalog";

class ReadModelHandles {
 public:
  struct Generation {
    std::string name;    // physical column family name
    ColumnFamilyRef cf;  // null when none
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
  // family of that name (null when none). Keep it for as long as the handle is used.
  [[nodiscard]] ColumnFamilyRef cf(std::string_view logical) const;
  [[nodiscard]] std::string physical_name(std::string_view logical) const;

  // A new, empty column family for a rebuild of `logical`, with the live one's options.
  [[nodiscard]] std::expected<Generation, std::string> create_generation(std::string_view logical);
  // Durably makes `next` the live column family of `logical` and returns the one it replaces
  // (not yet dropped: the caller drops it once nothing writes to it any more), owned by its
  // references from then on, also when the store had opened it.
  [[nodiscard]] std::expected<Generation, std::string> install(std::string_view logical,
                                                               const Generation& next);
  // Drops a replaced or abandoned column family and retires its handle: no query can take it
  // any more, and the last reference held destroys it, so RocksDB deletes its files. Best
  // effort: a failure to drop leaves an unused column family behind, which the next open with
  // drop_orphans removes.
  void drop(const Generation& generation);

  // The read models open() emptied for another layout (logical names): the runner rebuilds
  // them from position 1, which an operator should hear about (minutes on a large log).
  [[nodiscard]] const std::vector<std::string>& emptied_at_open() const { return emptied_; }

 private:
  struct Slot {
    std::atomic<CountedHandle*> live{nullptr};  // one of counted_
    std::string physical;                       // guarded by mutex_
  };

  explicit ReadModelHandles(eventstore::Store& store) : store_(store) {}
  [[nodiscard]] std::expected<void, std::string> load_catalog(
      const std::vector<std::string>& logical_names);
  [[nodiscard]] std::expected<rocksdb::ColumnFamilyHandle*, std::string> catalog();
  [[nodiscard]] bool taken(const std::string& physical) const;
  [[nodiscard]] CountedHandle& count(rocksdb::ColumnFamilyHandle* handle, bool owned);
  void scan_generations(bool drop_orphans);
  [[nodiscard]] std::expected<void, std::string> empty_outdated();

  eventstore::Store& store_;
  std::map<std::string, Slot, std::less<>> slots_;  // keys fixed after open
  mutable std::mutex mutex_;
  rocksdb::ColumnFamilyHandle* created_catalog_{nullptr};  // created here; guarded by mutex_
  // Every handle a slot or create_generation() has held, live or not: a query may still be
  // taking a reference to one a swap just replaced. Guarded by mutex_ (addresses stable).
  std::vector<std::unique_ptr<CountedHandle>> counted_;
  std::uint64_t next_generation_{2};  // guarded by mutex_
  std::vector<std::string> emptied_;  // fixed after open
};

// The live column family of `logical`: through `handles` when given, else the store's own
// column family of that name (tests and tools that never swap read models).
[[nodiscard]] inline ColumnFamilyRef live_column_family(const eventstore::Store& store,
                                                        const ReadModelHandles* handles,
                                                        std::string_view logical) {
  return handles != nullptr ? handles->cf(logical)
                            : ColumnFamilyRef::unowned(store.column_family(logical));
}

// "<logical>.gen<n>" -> n, or 0 when `physical` is not a generation of `logical`.
[[nodiscard]] std::uint64_t generation_number(std::string_view logical, std::string_view physical);

}  // namespace orgd::projections
