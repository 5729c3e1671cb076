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

// Owns a subscription's thread; destroying it stops delivery and joins the thread.
class Subscription {
 public:
  Subscription() = default;
  Subscription(Subscription&&) noexcept;
  Subscription& operator=(Subscription&&) noexcept;
  ~Subscription();
  void stop();

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
  // Errors: locked (another orgd holds it), io_error, corruption.
  [[nodiscard]] static std::expected<std::unique_ptr<Store>, StoreError> open(
      const StoreOptions& options);

  // Stops the writer after completing every queued append, stops subscriptions, closes.
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Queues an atomic append; `done` runs exactly once on the writer thread.
  void append_async(AppendRequest request, AppendCallback done);
  // Blocking form of append_async.
  [[nodiscard]] AppendOutcome append(AppendRequest request);

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

  // Delivers every envelope with position >= from_position on a dedicated thread: first
  // what is on disk, then live as batches commit; in order, without gaps or repeats.
  [[nodiscard]] Subscription subscribe(std::uint64_t from_position, SubscriptionHandler handler);

  // The underlying database and the column families named in StoreOptions, for layers that
  // keep their own data beside the log. Valid for the store's lifetime.
  [[nodiscard]] rocksdb::DB* db() const;
  [[nodiscard]] rocksdb::ColumnFamilyHandle* column_family(std::string_view name) const;

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
