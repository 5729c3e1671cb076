#pragma once
// Replaying the log into a read model that lives anywhere: the live column family (offline
// rebuild), a fresh one beside it (online rebuild), or a scratch database (verify).
//
// A replay writes its targets around the WAL (its changes come from the log) and flushes them
// before it returns, also when stopped early or failing: what it applied is durable then, and
// later writes through the WAL (the live runner's) never land on changes a crash could lose.
//
// Thread-safety: one call per target column family at a time; the source store may be used
// concurrently by anyone.

#include <rocksdb/db.h>

#include <cstdint>
#include <expected>
#include <functional>
#include <span>
#include <string>

#include "eventstore/store.hpp"
#include "projections/projection.hpp"

namespace orgd::projections {

struct ReplayTarget {
  rocksdb::DB* db{nullptr};
  rocksdb::ColumnFamilyHandle* cf{nullptr};
};

struct ReplayRange {
  std::uint64_t after{0};      // the target's checkpoint: events after it are applied
  std::uint64_t up_to{0};      // the last position to apply (<= the store's head)
};

struct ReplayHooks {
  // After each chunk: (last position applied, range.up_to). A chunk's changes are written while
  // the next one is applied, and by the time the replay returns. Returning false stops the
  // replay early (cancellation); what was applied is written, with its checkpoint.
  std::function<bool(std::uint64_t done, std::uint64_t total)> progress;
  // Whether a replay from position 0 that progress stopped still counts its indexes (so its
  // targets are whole at their checkpoint) or leaves them stamped kReadModelUncountedLayout:
  // for a caller that drops what a stopped replay wrote (a cancelled online rebuild), which
  // need not wait for a pass over every index written so far.
  bool count_when_stopped{true};
  // After each event is staged, with the batch that holds it (verify uses it to find the
  // event that last wrote a key). Called on the thread applying that job: with several jobs,
  // calls for different jobs may run at the same time.
  std::function<void(const eventstore::Envelope&, ReadModelBatch&)> applied;
};

// Applies the events in `range` to `projection` in `target`, committing the checkpoint
// (kCheckpointKey) with each chunk of changes (the live runner stores it only with a change, see
// kCheckpointLagMost: the data is the same either way). Returns the last
// position applied (range.after when there was nothing to do).
// From position 0 (range.after == 0) the target must be empty (a checkpoint of 0 says so): its
// counted indexes are written uncounted and counted when the replay ends, stopped early
// included, and failing ones too (each target is whole at its checkpoint then, the failed chunk
// written for none: uncounted_indexes.hpp); until then it is stamped kReadModelUncountedLayout,
// so one killed half-way is emptied and rebuilt when orgd opens it.
// Errors: the log cannot be read, an event does not decode, or the projection refuses one
// ("position N (Type): why").
[[nodiscard]] std::expected<std::uint64_t, std::string> replay_into(
    const eventstore::Store& store, Projection& projection, ReplayTarget target,
    ReplayRange range, const ReplayHooks& hooks = {});

// One projection and where its replay goes, for replaying several in one pass.
struct ReplayJob {
  Projection* projection{nullptr};
  ReplayTarget target;
};

// Like replay_into, for several projections at once: each event is read and decoded once and
// applied to every job (all jobs share `range`; `hooks.applied` is called once per job with
// that job's batch). A rebuild of all read models costs one pass over the log, and the jobs of
// a chunk are applied by up to hardware-concurrency threads while the next chunk is read.
// Nothing else may write the targets meanwhile: their count trees stay in memory across chunks.
[[nodiscard]] std::expected<std::uint64_t, std::string> replay_all_into(
    const eventstore::Store& store, std::span<const ReplayJob> jobs, ReplayRange range,
    const ReplayHooks& hooks = {});

// What an emptied read model tells the next orgd until its replay writes: nothing (replayed
// from the log as one never written), or, for an offline rebuild, that a rebuild emptied it,
// so that one killed before its first write is rebuilt with orgd's warning. An offline rebuild
// of an empty log writes nothing after, and must leave no stamp.
enum class ClearStamp : std::uint8_t { none, rebuilding };

// Deletes every key of a read model (data, checkpoint and layout stamp), writes `stamp`
// (kReadModelUncountedLayout) in the same batch, and compacts the deleted keys away so the
// replay that follows seeks through none.
[[nodiscard]] std::expected<void, std::string> clear_read_model(
    ReplayTarget target, ClearStamp stamp = ClearStamp::none);

// Compacts the whole read model down to its last level.
[[nodiscard]] std::expected<void, std::string> compact_read_model(ReplayTarget target);

// The layout a read model is stamped with (kReadModelLayoutKey); nullopt when it has none.
[[nodiscard]] std::expected<std::optional<std::uint64_t>, std::string> layout_of(
    ReplayTarget target);
// Whether a read model must be emptied and rebuilt before use: written (a checkpoint, or a
// stamp alone: an offline rebuild killed before its first write) and not stamped
// kReadModelLayout. Without checkpoint or stamp it was never written.
[[nodiscard]] bool needs_rebuild(std::uint64_t checkpoint, std::optional<std::uint64_t> layout);

// The checkpoint stored in a read model's column family; 0 when it has none.
[[nodiscard]] std::expected<std::uint64_t, std::string> checkpoint_of(ReplayTarget target);

}  // namespace orgd::projections
