#pragma once
// Online rebuild of read models while orgd keeps serving and accepting commands.
//
// The new read model is built beside the live one, in a fresh column family, from position 1
// up to the head; it then catches up with what was committed meanwhile (a few passes, each
// shorter than the last); finally, with the projection thread paused only for the last few
// events, it is caught up to exactly the live checkpoint and swapped in (ReadModelHandles) and
// the old column family is dropped; RocksDB deletes its files once the last query still in it
// is done (ReadModelHandles). A query looks up its column family once, so it reads either the
// old model or the complete new one, never a half-built one; read-your-writes holds
// throughout because the swap happens between two runs of the projection thread.
//
// Thread-safety: every member from any thread. Destroy before the ProjectionRunner.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "eventstore/store.hpp"
#include "projections/projection_runner.hpp"

namespace orgd::projections {

// Rebuilds one projection (by name) online, on the calling thread. `progress(done, total)`
// after each chunk; returning false cancels (the new column family is dropped, the live one
// stays). Returns the position the new read model had applied when it was swapped in.
// Errors: an unknown projection, one stopped on an error (rebuild it offline with orgctl),
// cancellation ("cancelled"), storage errors.
[[nodiscard]] std::expected<std::uint64_t, std::string> rebuild_online(
    eventstore::Store& store, ProjectionRunner& runner, std::string_view projection,
    const std::function<bool(std::uint64_t done, std::uint64_t total)>& progress = {});

enum class RebuildState : std::uint8_t { running, done, failed, cancelled };
[[nodiscard]] std::string_view to_string(RebuildState state);

struct RebuildStatus {
  std::string projection;
  RebuildState state{RebuildState::running};
  std::uint64_t done{0};   // events replayed so far
  std::uint64_t total{0};  // the head it is catching up to
  std::int64_t started_ms{0};
  std::int64_t finished_ms{0};  // 0 while running
  std::string error;            // when failed or cancelled
};

enum class RebuildStartError : std::uint8_t { unknown_projection, already_running };

// Told as each projection's rebuild begins and ends, on the rebuild's thread (this layer does
// not log; orgd's api layer logs them). Each must be cheap and must not throw.
struct RebuildObserver {
  // A projection's rebuild begins: `status.total` is the head it replays to. Default: none.
  std::function<void(const RebuildStatus& status)> started;
  // It ended: done (`status.done` events replayed), failed or cancelled (`status.error`).
  // `took` is its own run; `status.started_ms` is when the rebuild was asked for, before the
  // projections of "all" rebuilt ahead of it. Default: none.
  std::function<void(const RebuildStatus& status, std::chrono::milliseconds took)> finished;
};

// Runs online rebuilds on a background thread, one at a time, and remembers the last status
// of each projection's rebuild for GET /projections.
class OnlineRebuilds {
 public:
  OnlineRebuilds(eventstore::Store& store, ProjectionRunner& runner, RebuildObserver observer = {})
      : store_(store), runner_(runner), observer_(std::move(observer)) {}
  // Cancels a running rebuild and waits for it.
  ~OnlineRebuilds();
  OnlineRebuilds(const OnlineRebuilds&) = delete;
  OnlineRebuilds& operator=(const OnlineRebuilds&) = delete;

  // Starts rebuilding `projection`, or every projection in turn for "all"; returns the
  // status of the (first) one started.
  [[nodiscard]] std::expected<RebuildStatus, RebuildStartError> start(
      std::string_view projection);
  // The running or last rebuild of `projection`, if it ever had one.
  [[nodiscard]] std::optional<RebuildStatus> status(std::string_view projection) const;
  // Blocks until no rebuild runs (tests and shutdown).
  void wait();

 private:
  void run(std::vector<std::string> names);
  void update(const std::string& name, const std::function<void(RebuildStatus&)>& change);

  eventstore::Store& store_;
  ProjectionRunner& runner_;
  const RebuildObserver observer_;
  mutable std::mutex mutex_;
  std::map<std::string, RebuildStatus, std::less<>> statuses_;  // guarded by mutex_
  bool running_{false};                                         // guarded by mutex_
  std::atomic<bool> cancel_{false};
  std::thread thread_;  // joined by wait(), start() and the destructor
};

}  // namespace orgd::projections
