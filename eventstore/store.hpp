#pragma once
// The event log: an append-only, hash-chained, durable sequence of envelopes in RocksDB.
//
// Thread-safety: every public method may be called from any thread. Appends are queued to a
// single writer thread that folds all waiting requests into one synced WriteBatch (group
// commit); no append is acknowledged before the batch holding it is durable. Readers use
// RocksDB snapshots of committed data only: a reader never sees an envelope whose append has
// not been acknowledged (or is about to be, in the same batch).
//
// The store knows nothing of organizations: streams, versions, claims and bytes only.

#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "eventstore/append_request.hpp"
#include "eventstore/envelope.hpp"
#include "eventstore/store_options.hpp"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace orgd::eventstore {

enum class StoreErrorCode : std::uint8_t {
  io_error,      // RocksDB reported an error; `message` has its text
  corruption,    // stored bytes do not decode
  locked,        // another process holds the data directory
  invalid_argument,
};

struct StoreError {
  StoreErrorCode code{StoreErrorCode::io_error};
  std::string message;
};

// Called by a subscription with consecutive committed envelopes, in global order.
// Return false to stop the subscription (the handler is not called again).
using SubscriptionHandler = std::function<bool(std::span<const Envelope>)>;
// Told, once, on the subscription's thread, why delivery ended on its own (what
// Subscription::error() then reports): whoever waits for positions it will never deliver
// must not wait forever.
using SubscriptionFailed = std::function<void(const StoreError&)>;

// Owns a subscription's thread; destroying it stops delivery and joins the thread.
// Thread-safety: stop() and error() may be called from any thread, including the handler's
// own (there stop() only requests the stop: delivery ends when the handler returns). The
// store stops every subscription when it closes; a handle may outlive its store.
class Subscription {
 public:
  Subscription() = default;
  Subscription(Subscription&&) noexcept;
  Subscription& operator=(Subscription&&) noexcept;
  ~Subscription();
  // Idempotent. Waits for a handler call in progress to return.
  void stop();
  // Why delivery ended on its own: corruption or io_error reading the log, or
  // invalid_argument when the handler threw. nullopt while running or after a normal stop.
  [[nodiscard]] std::optional<StoreError> error() const;

  struct State;

 private:
  friend class Store;
  explicit Subscription(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

class Store {
 public:
  using AppendOutcome = std::expected<AppendResult, AppendError>;
  // Runs on the writer thread after the batch is durable (or failed). Must not block.
  using AppendCallback = std::function<void(AppendOutcome)>;

  // Opens (creating when missing) the database at options.data_dir.
  // Errors: locked (another orgd holds it), io_error, corruption, invalid_argument (empty
  // data_dir, max_requests_per_batch 0, an extra column family named like one of the store's,
  // a data directory of an unknown format).
  [[nodiscard]] static std::expected<std::unique_ptr<Store>, StoreError> open(
      const StoreOptions& options);
  // Whether a running store (another process, or one in this one) holds options.data_dir,
  // without opening it: error `locked` when it does, io_error when the lock cannot be tried.
  // A directory without a store's LOCK file is not in use.
  [[nodiscard]] static std::expected<void, StoreError> check_not_in_use(
      const StoreOptions& options);

  // Stops the writer after completing every queued append, stops subscriptions, closes.
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Queues an atomic append; `done` runs exactly once on the writer thread. (Exception: a
  // read-only or closing store completes it at once, on the calling thread, with `closed`.)
  // Errors: version_conflict, claim_taken, invalid_request (also: a stream id or claim scope
  // containing a NUL byte, a claim without value or owner), storage_unavailable, closed.
  void append_async(AppendRequest request, AppendCallback done);
  // Blocking form of append_async. Must not be called from an AppendCallback (deadlock).
  [[nodiscard]] AppendOutcome append(AppendRequest request);
  // Completes every queued append (their callbacks run), then refuses new ones with `closed`;
  // reads and subscriptions go on. For an orderly shutdown: whatever the callbacks call into
  // must still be alive until this returns. Idempotent; not from an AppendCallback.
  void stop_writing();

  // Readers see acknowledged appends only. Errors: io_error, corruption (naming the key).
  //
  // Envelopes of `stream_id` with version >= from_version, at most `max`, in version order.
  [[nodiscard]] std::expected<std::vector<Envelope>, StoreError> read_stream(
      std::string_view stream_id, std::uint64_t from_version = 1,
      std::size_t max = SIZE_MAX) const;
  // Envelopes with position >= from_position, at most `max`, in global order.
  [[nodiscard]] std::expected<std::vector<Envelope>, StoreError> read_all(
      std::uint64_t from_position, std::size_t max) const;
  // The stream's current version; 0 when it does not exist.
  [[nodiscard]] std::expected<std::uint64_t, StoreError> stream_version(
      std::string_view stream_id) const;
  // The owner of a claimed value, or nullopt when it is free.
  [[nodiscard]] std::expected<std::optional<std::string>, StoreError> claim_owner(
      std::string_view scope, std::string_view value) const;

  // The position of the last committed envelope (0 for an empty log).
  [[nodiscard]] std::uint64_t head_position() const;
  // The hash of the last committed envelope (zeros for an empty log).
  [[nodiscard]] Hash head_hash() const;
  // Synced WriteBatches written since open (one per group-committed round that wrote
  // anything); for metrics and tests. 0 when read-only.
  [[nodiscard]] std::uint64_t batches_written() const;
  // Why the last round of appends could not be written (a disk under the free-space floor, a
  // failed write), and since when; nullopt once a round writes again, and when read-only.
  [[nodiscard]] std::optional<WriteFailure> write_failure() const;

  // Delivers every envelope with position >= from_position on a dedicated thread: first
  // what is on disk, then live as batches commit; in order, without gaps or repeats.
  [[nodiscard]] Subscription subscribe(std::uint64_t from_position, SubscriptionHandler handler,
                                       SubscriptionFailed on_failure = {});

  // Read-only, when every open for 10 s raced a writer beside it and the last that succeeded
  // may miss that writer's latest flush while holding writes made after it (see
  // Database::open): what is read may then be inconsistent, which the reader should say.
  [[nodiscard]] bool opened_torn() const;

  // The underlying database and the column families named in StoreOptions, for layers that
  // keep their own data beside the log. Valid for the store's lifetime (a handle: until it is
  // released). column_family answers nullptr for a name not open, or released.
  [[nodiscard]] rocksdb::DB* db() const;
  [[nodiscard]] rocksdb::ColumnFamilyHandle* column_family(std::string_view name) const;
  // Hands the handle of column family `name`, opened with the store, to the caller, who must
  // destroy it (db()->DestroyColumnFamilyHandle) before the store is destroyed; the store no
  // longer destroys it at close, and column_family(name) answers nullptr from then on. For a
  // layer that drops a column family while the store runs: RocksDB deletes a dropped column
  // family's files only once its last handle is destroyed. Whoever else still holds the
  // handle (from column_family) must be done with it before it is destroyed.
  // nullptr (nothing released) for a name not open, already released, "default" or the log's
  // own column families.
  [[nodiscard]] rocksdb::ColumnFamilyHandle* release_column_family(std::string_view name);

  struct Impl;

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The bytes hashed for an envelope (everything but the hash), exposed so auditors' tools
// can recompute the chain independently of the store.
[[nodiscard]] std::string canonical_bytes(const Envelope& envelope);
[[nodiscard]] Hash chain_hash(const Hash& previous, const Envelope& envelope);

}  // namespace orgd::eventstore
