#pragma once
// The single writer thread: group commit of append requests.
//
// Each round takes every queued request (up to options.max_requests_per_batch), stages the
// ones that pass validation into one rocksdb::WriteBatch, writes it with
// WriteOptions::sync = options.sync, and only then advances the LogHead, tells
// `on_durable`, and completes each request's callback. If the write fails, every request of
// the round gets storage_unavailable and the head stays where it was, so the next round
// chains from the last durable envelope.
//
// While the log cannot be written (write_failure()), an idle writer probes it every
// kProbeInterval: under the free-space floor it stays failed; otherwise it writes a deletion
// of a key that never holds a value, synced, and a success clears the failure. So /readyz tells a
// disk that has space again without waiting for the next command, and a store opened under its
// floor says so before its first append.
//
// Thread-safety: submit() from any thread; stop() from the owner; callbacks and on_durable
// run on the writer thread. Exceptions thrown by callbacks are swallowed (the writer must
// survive a faulty caller).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "eventstore/append_queue.hpp"
#include "eventstore/column_families.hpp"
#include "eventstore/log_head.hpp"
#include "eventstore/log_reader.hpp"
#include "eventstore/store_options.hpp"

namespace orgd::eventstore {

class AppendWriter {
 public:
  static constexpr std::chrono::milliseconds kProbeInterval{1000};

  using OnDurable = std::function<void(std::uint64_t head_position)>;

  // Starts the thread. All references must outlive the writer.
  AppendWriter(rocksdb::DB& db, const ColumnFamilies& cfs, const LogReader& reader, LogHead& head,
               const StoreOptions& options, OnDurable on_durable);
  // stop()s.
  ~AppendWriter();
  AppendWriter(const AppendWriter&) = delete;
  AppendWriter& operator=(const AppendWriter&) = delete;

  // Queues the request; once stopping, completes it at once, on this thread, with `closed`.
  void submit(AppendRequest request, Store::AppendCallback done);
  // Completes every queued request, then joins the thread. Idempotent.
  void stop();

  // Rounds whose WriteBatch was written successfully (rounds of only failed or write-free
  // requests write nothing and do not count).
  [[nodiscard]] std::uint64_t batches_written() const {
    return batches_written_.load(std::memory_order_relaxed);
  }
  // Set by a round that failed or was refused, cleared by one that wrote.
  [[nodiscard]] std::optional<WriteFailure> write_failure() const;

 private:
  void run();
  void commit(std::vector<PendingAppend>& round);
  // Why a round of `round_bytes` may not be written: it would leave the disk under its floor.
  [[nodiscard]] std::optional<std::string> short_of_space(std::uint64_t round_bytes) const;
  void refuse(std::vector<PendingAppend>& round, const std::string& why);
  void note_round(bool ok, const std::string& why);
  [[nodiscard]] std::optional<WriteFailure> failure_at_start() const;
  [[nodiscard]] bool failing() const;
  void probe();

  rocksdb::DB& db_;
  const ColumnFamilies& cfs_;
  const LogReader& reader_;
  LogHead& head_;
  const std::size_t max_batch_;
  const bool sync_;
  const std::string data_dir_;
  const std::uint64_t min_free_disk_bytes_;
  const OnDurable on_durable_;
  const std::function<void(const BatchWritten&)> on_batch_written_;
  const std::function<void(const std::optional<WriteFailure>&)> on_writable_changed_;
  std::atomic<std::uint64_t> batches_written_{0};
  mutable std::mutex failure_mutex_;
  std::optional<WriteFailure> failure_;  // guarded by failure_mutex_
  // The bytes of the last round the floor refused, until one is written: the probe asks for
  // that much free, so a round that alone would cross the floor does not clear it.
  std::uint64_t refused_round_bytes_{0};  // writer thread only
  AppendQueue queue_;
  std::thread thread_;  // last: starts once everything above is initialised
};

}  // namespace orgd::eventstore
