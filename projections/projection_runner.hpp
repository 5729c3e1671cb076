#pragma once
// Feeds committed events to the projections, in global order, from the lowest checkpoint on,
// and lets command handlers wait until their events are visible in every read model
// (read-your-writes).
//
// Thread-safety: all public methods may be called from any thread. Projections run on the
// store subscription's thread. Waiters' callbacks run on one notifier thread, queued ones in
// the order their positions were applied (or inline in when_applied, when the position is
// already applied); they must not block, since the waiters after them wait.

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "eventstore/store.hpp"
#include "projections/projection.hpp"
#include "projections/read_model_handles.hpp"

namespace orgd::projections {

struct ProjectionStatus {
  std::string name;
  std::uint64_t checkpoint{0};  // last position applied
  std::string error;            // why the projection stopped; empty while it runs
  std::string stalled;          // why its last write failed while it retries; empty when fine
};

// One batch of the log the projections applied (for orgd's debug log: this layer does not log).
struct AppliedBatch {
  std::uint64_t first{0};  // its first and last positions
  std::uint64_t last{0};
  // From its delivery to its publication: decoding, applying, the read models' one write and
  // the retries of a write the disk refused.
  std::chrono::nanoseconds duration{0};
};

struct ProjectionRunnerOptions {
  // Called on the projection thread after each batch is applied and published. Must be cheap,
  // must not block and must not throw. Default: none.
  std::function<void(const AppliedBatch&)> on_applied;
};

class ProjectionRunner {
 public:
  // Reads each projection's checkpoint and subscribes from the lowest. The projections'
  // column families must be among the store's extra column families.
  [[nodiscard]] static std::expected<std::unique_ptr<ProjectionRunner>, std::string> start(
      eventstore::Store& store, std::vector<std::unique_ptr<Projection>> projections,
      ProjectionRunnerOptions options = {});
  ~ProjectionRunner();

  // Calls done(true) once every projection has applied `position`; done(false) if a projection
  // stopped on an error before reaching it.
  void when_applied(std::uint64_t position, std::function<void(bool applied)> done);
  // The position every projection has applied.
  [[nodiscard]] std::uint64_t applied_position() const;
  // The same while every projection runs; nullopt once one stopped on an error (the others
  // go on past it, so the read models change while the applied position stays).
  [[nodiscard]] std::optional<std::uint64_t> settled_position() const;
  [[nodiscard]] std::vector<ProjectionStatus> status() const;

  // Where queries find each read model (it moves when an online rebuild swaps one in).
  [[nodiscard]] const ReadModelHandles& read_models() const { return *handles_; }
  [[nodiscard]] ReadModelHandles& read_models() { return *handles_; }

  // What an online rebuild swaps in: the column family the projection continues in, and the
  // position that column family has applied (>= the checkpoint the swap was given).
  struct Replacement {
    ColumnFamilyRef cf;
    std::uint64_t checkpoint{0};
  };
  using Swap = std::function<std::expected<Replacement, std::string>(std::uint64_t checkpoint)>;
  // Runs `swap` while no projection applies events, handing it the named projection's
  // checkpoint; on success the projection continues in the replacement. Blocks the
  // projection thread (and so read-your-writes) for as long as swap runs: keep it short.
  // Errors: an unknown projection, one that stopped on an error, or swap's own.
  [[nodiscard]] std::expected<void, std::string> replace_column_family(std::string_view name,
                                                                       const Swap& swap);

  struct State;

 private:
  ProjectionRunner(std::shared_ptr<State> state, std::unique_ptr<ReadModelHandles> handles);
  std::unique_ptr<ReadModelHandles> handles_;  // outlives the subscription and the state
  std::shared_ptr<State> state_;
  eventstore::Subscription subscription_;
};

// Offline rebuild: empties the projection's column family and replays the whole log into it
// (clear_read_model, then replay_into). Nothing else may write to that column family
// meanwhile. `progress(done, total)` is called after each chunk. Returns the number of events
// replayed (the log's positions start at 1 and have no gaps).
[[nodiscard]] std::expected<std::uint64_t, std::string> rebuild_offline(
    eventstore::Store& store, Projection& projection,
    const std::function<void(std::uint64_t done, std::uint64_t total)>& progress = {});

// The column families of every projection orgd runs, for StoreOptions.
[[nodiscard]] std::vector<std::string> projection_column_families();
// A fresh instance of every projection orgd runs.
[[nodiscard]] std::vector<std::unique_ptr<Projection>> make_projections();

}  // namespace orgd::projections
