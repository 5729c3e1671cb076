#include "projections/read_model_rebuild.hpp"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "domain/event_codec.hpp"
#include "projections/uncounted_indexes.hpp"

namespace orgd::projections {
namespace {

constexpr std::size_t kChunk = 1024;

using Decoded = std::expected<domain::Event, std::string>;

// A run of the log, each event decoded once for every job.
struct Chunk {
  std::vector<eventstore::Envelope> envelopes;
  std::vector<Decoded> events;
};

std::expected<Chunk, std::string> read_chunk(const eventstore::Store& store, std::uint64_t after,
                                             std::uint64_t up_to) {
  const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, up_to - after));
  auto envelopes = store.read_all(after + 1, want);
  if (!envelopes) return std::unexpected(envelopes.error().message);
  Chunk chunk{std::move(*envelopes), {}};
  chunk.events.reserve(chunk.envelopes.size());
  for (const auto& e : chunk.envelopes) {
    chunk.events.push_back(domain::decode_event(e.type, e.schema_version, e.payload));
  }
  return chunk;
}

std::expected<void, std::string> apply_one(Projection& projection,
                                           const eventstore::Envelope& envelope,
                                           const Decoded& event, ReadModelBatch& batch) {
  auto applied = event ? projection.apply(envelope, *event, batch)
                       : std::expected<void, std::string>(std::unexpect, event.error());
  if (applied) return {};
  return std::unexpected("position " + std::to_string(envelope.position) + " (" + envelope.type +
                         "): " + applied.error());
}

// What a job keeps from one chunk to the next. Its chunk is staged on its lane and handed off
// (ReadModelBatch::hand_off): the calling thread writes it during the next chunk, which the lane
// stages over the handed-off layer meanwhile. So the longest job's lane (organizations, most of
// a rebuild) never waits for RocksDB's memtable inserts, a third of its work when it wrote
// its own chunks (bench_rebuild under callgrind).
struct JobState {
  // Only this replay writes the target while it runs, so its count trees can live in memory
  // from one chunk to the next (count_tree_cache.hpp), as they do for the live runner.
  CountTreeCache trees;
  // A replay into an empty target counts its indexes at the end (uncounted_indexes.hpp).
  std::optional<UncountedIndexes> uncounted;
  ReadModelBatch::Layer handed;   // the last chunk's changes...
  rocksdb::WriteBatch unwritten;  // ... and their write, until it is taken to be written
  std::optional<std::string> error;
};

// One job's share of a chunk: every event staged, then handed off with the checkpoint.
std::expected<void, std::string> apply_chunk(const ReplayJob& job, JobState& state,
                                             const Chunk& chunk, const ReplayHooks& hooks) {
  std::expected<ReadModelBatch::Layer, std::string> layer;
  {
    // Reads through the last chunk's layer: its write may still be on its way.
    ReadModelBatch batch(job.target.db, job.target.cf, &state.trees, &state.handed);
    if (state.uncounted) batch.count_later(&*state.uncounted);
    for (std::size_t i = 0; i < chunk.envelopes.size(); ++i) {
      if (auto r = apply_one(*job.projection, chunk.envelopes[i], chunk.events[i], batch); !r) {
        return r;
      }
      if (hooks.applied) {
        if (auto r = job.projection->finish(batch); !r) return r;
        hooks.applied(chunk.envelopes[i], batch);
      }
    }
    if (auto r = job.projection->finish(batch); !r) return r;
    batch.put(kCheckpointKey, encode_u64(chunk.envelopes.back().position));
    layer = batch.hand_off(state.unwritten);
  }
  if (!layer) return std::unexpected(layer.error());
  state.handed = std::move(*layer);
  return {};
}

// Around the WAL: a replay's changes are derived from the log, and a replay makes them durable
// by flushing its targets before it returns (flush_targets). Through the WAL, a rebuild wrote
// every read model twice (1,000,000 events: 274k events/s with it, 291-295k without).
std::expected<void, std::string> write(const ReplayJob& job, rocksdb::WriteBatch& changes) {
  if (changes.Count() == 0) return {};
  rocksdb::WriteOptions options;
  options.disableWAL = true;
  const rocksdb::Status s = job.target.db->Write(options, &changes);
  if (!s.ok()) return std::unexpected("read model write failed: " + s.ToString());
  return {};
}

// A crash must not leave a target without the replay's changes (in memtables only, as they
// skipped the WAL) but with later writes through the WAL on top of them (the live runner's,
// after an online rebuild's swap): what the replay wrote goes to table files first.
std::expected<void, std::string> flush_targets(std::span<const ReplayJob> jobs) {
  rocksdb::FlushOptions options;
  options.wait = true;
  // Wait for a flush already running rather than stack a memtable on it: a write stall
  // would hold every write of the database, the log's synced appends included (an online
  // rebuild flushes while orgd serves).
  options.allow_write_stall = false;
  for (const auto& job : jobs) {
    const rocksdb::Status s = job.target.db->Flush(options, job.target.cf);
    if (!s.ok()) return std::unexpected("flushing the read model: " + s.ToString());
  }
  return {};
}

// Writes the trees of the indexes a replay into an empty target wrote uncounted (its entries
// all written by now), with the layout stamp that says the read model is whole again.
std::expected<void, std::string> count_later_indexes(const ReplayJob& job, JobState& state) {
  if (!state.uncounted) return {};
  rocksdb::WriteBatch trees;
  auto counted = count_uncounted(job.target.db, job.target.cf, *state.uncounted, trees);
  if (!counted) return std::unexpected(counted.error());
  state.uncounted.reset();
  const auto stamped = trees.Put(job.target.cf, kReadModelLayoutKey, encode_u64(kReadModelLayout));
  if (!stamped.ok()) return std::unexpected("read model batch: " + stamped.ToString());
  return write(job, trees);
}

// The jobs are independent (each writes its own target with its own trees), so a chunk is
// applied by up to hardware-concurrency threads at once, each taking the next job not yet
// taken. Meanwhile the calling thread reads and decodes the next chunk, writes what the jobs
// handed off from the last one, then takes jobs too: on two cores the heaviest read model
// (organizations) gets a core to itself. The helpers live as long as the replay: RocksDB keeps
// per-thread state (its read view per column family, perf context) that a thread per chunk
// would set up again every time.
class Lanes {
 public:
  // `count_later_events` > 0: the targets are empty, and their indexes are counted at the end
  // (count()), after that many events.
  Lanes(std::span<const ReplayJob> jobs, const ReplayHooks& hooks, std::uint64_t count_later_events)
      : jobs_(jobs),
        hooks_(hooks),
        states_(jobs.size()),
        // One job gets a helper too: it applies while this thread reads and writes.
        helper_count_(std::min<std::size_t>(std::max(1U, std::thread::hardware_concurrency()),
                                            jobs.size() + 1) -
                      1),
        sync_(static_cast<std::ptrdiff_t>(helper_count_ + 1)) {
    if (count_later_events > 0) {
      for (auto& state : states_) state.uncounted.emplace(kCountedFanout, count_later_events);
    }
    for (std::size_t h = 0; h < helper_count_; ++h) helpers_.emplace_back([this] { help(); });
  }
  Lanes(const Lanes&) = delete;
  Lanes& operator=(const Lanes&) = delete;
  ~Lanes() {
    stopping_ = true;
    sync_.arrive_and_wait();  // releases the helpers, which see stopping_ and return
  }

  // Applies `chunk` to every job while `meanwhile()` runs on this thread; returns once every
  // job has handed it off (and the last chunk's writes are in), with the first job's error (by
  // job order) if any failed.
  std::expected<void, std::string> apply(const Chunk& chunk,
                                         const std::function<void()>& meanwhile) {
    // Taken before the lanes start: each job hands off into its state again.
    std::vector<rocksdb::WriteBatch> last(jobs_.size());
    for (std::size_t j = 0; j < jobs_.size(); ++j) std::swap(last[j], states_[j].unwritten);
    chunk_ = &chunk;
    run_jobs();
    meanwhile();
    std::optional<std::string> write_error;
    for (std::size_t j = 0; j < jobs_.size() && !write_error; ++j) {
      if (auto r = write(jobs_[j], last[j]); !r) write_error = r.error();
    }
    take_jobs();
    sync_.arrive_and_wait();  // every job done
    if (write_error) return std::unexpected(*write_error);
    return first_error();
  }

  void clear_errors() {
    for (auto& state : states_) state.error.reset();
  }

  // Counts what the jobs wrote uncounted (after write_handed), a job to a lane as apply().
  std::expected<void, std::string> count() {
    chunk_ = nullptr;
    run_jobs();
    take_jobs();
    sync_.arrive_and_wait();  // every job done
    return first_error();
  }

  // Writes what the jobs handed off last: the replay's end, or a stop.
  std::expected<void, std::string> write_handed() {
    for (std::size_t j = 0; j < jobs_.size(); ++j) {
      if (auto r = write(jobs_[j], states_[j].unwritten); !r) return r;
      states_[j].unwritten.Clear();
    }
    return {};
  }

 private:
  void help() {
    for (;;) {
      sync_.arrive_and_wait();
      if (stopping_) return;
      take_jobs();
      sync_.arrive_and_wait();
    }
  }

  void run_jobs() {
    next_job_ = 0;
    sync_.arrive_and_wait();  // start
  }

  // Applies the chunk, or counts when there is none.
  void take_jobs() {
    for (std::size_t j = next_job_++; j < jobs_.size(); j = next_job_++) {
      auto r = chunk_ != nullptr ? apply_chunk(jobs_[j], states_[j], *chunk_, hooks_)
                                 : count_later_indexes(jobs_[j], states_[j]);
      if (!r) states_[j].error = r.error();
    }
  }

  std::expected<void, std::string> first_error() {
    for (auto& state : states_) {
      if (state.error) return std::unexpected(*std::exchange(state.error, std::nullopt));
    }
    return {};
  }

  std::span<const ReplayJob> jobs_;
  const ReplayHooks& hooks_;
  std::vector<JobState> states_;
  std::size_t helper_count_;
  // Phases alternate: start (chunk_ set or null, or stopping_), then every job done.
  std::barrier<> sync_;
  const Chunk* chunk_{nullptr};
  std::atomic<std::size_t> next_job_{0};
  bool stopping_{false};
  std::vector<std::jthread> helpers_;  // last: joined before the rest is destroyed
};

}  // namespace

std::expected<std::uint64_t, std::string> replay_into(const eventstore::Store& store,
                                                      Projection& projection, ReplayTarget target,
                                                      ReplayRange range, const ReplayHooks& hooks) {
  const ReplayJob job{&projection, target};
  return replay_all_into(store, std::span<const ReplayJob>(&job, 1), range, hooks);
}

namespace {

std::expected<std::uint64_t, std::string> replay_chunks(const eventstore::Store& store,
                                                        std::span<const ReplayJob> jobs,
                                                        ReplayRange range,
                                                        const ReplayHooks& hooks) {
  std::uint64_t done = range.after;
  bool stopped = false;
  std::optional<std::string> failure;
  auto chunk = read_chunk(store, done, range.up_to);
  // From position 0 the targets are empty (their checkpoint is 0): count their indexes at the end.
  Lanes lanes(jobs, hooks, range.after == 0 ? range.up_to : 0);
  while (chunk && !chunk->envelopes.empty()) {
    const std::uint64_t last = chunk->envelopes.back().position;
    std::expected<Chunk, std::string> next = Chunk{};
    auto applied = lanes.apply(*chunk, [&] {
      if (last < range.up_to) next = read_chunk(store, last, range.up_to);
    });
    if (!applied) {
      // The failed chunk is written for no job: each target stays at its last checkpoint.
      failure = applied.error();
      break;
    }
    done = last;
    if (hooks.progress && !hooks.progress(done, range.up_to)) {
      stopped = true;
      break;
    }
    chunk = std::move(next);
  }
  if (!failure && !chunk) failure = chunk.error();
  if (!failure) {
    if (auto written = lanes.write_handed(); !written) failure = written.error();
  }
  // Also when stopped early or failing, unless the caller drops what was written: every target
  // is whole at its checkpoint, and the live runner resumes from there (a projection that
  // refused an event stops right before it again, and says why).
  if (!stopped || hooks.count_when_stopped) {
    lanes.clear_errors();  // the failure is kept; the count's own errors are what count() returns
    if (auto counted = lanes.count(); !counted && !failure) failure = counted.error();
  }
  if (failure) return std::unexpected(*failure);
  return done;
}

}  // namespace

std::expected<std::uint64_t, std::string> replay_all_into(const eventstore::Store& store,
                                                          std::span<const ReplayJob> jobs,
                                                          ReplayRange range,
                                                          const ReplayHooks& hooks) {
  if (range.after >= range.up_to) return range.after;
  auto done = replay_chunks(store, jobs, range, hooks);
  // Also after a failure: whatever it wrote must not wait in memtables under later writes.
  auto flushed = flush_targets(jobs);
  if (done && !flushed) return std::unexpected(flushed.error());
  return done;
}

std::expected<void, std::string> clear_read_model(ReplayTarget target, ClearStamp stamp) {
  // Every key of a read model, the checkpoint included, sorts below "\xff\xff".
  rocksdb::WriteBatch batch;
  rocksdb::Status s = batch.DeleteRange(target.cf, "", "\xff\xff");
  if (s.ok() && stamp == ClearStamp::rebuilding) {
    s = batch.Put(target.cf, kReadModelLayoutKey, encode_u64(kReadModelUncountedLayout));
  }
  if (s.ok()) s = target.db->Write(rocksdb::WriteOptions(), &batch);
  if (!s.ok()) return std::unexpected("clearing the read model: " + s.ToString());
  // A range tombstone in the memtable makes every seek near the keys it covers in that same
  // memtable step over them one by one (backwards, one skiplist search each), and a replay
  // seeks there all the time (count trees): compact them away before replaying.
  return compact_read_model(target);
}

std::expected<void, std::string> compact_read_model(ReplayTarget target) {
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  const rocksdb::Status s = target.db->CompactRange(compact, target.cf, nullptr, nullptr);
  if (!s.ok()) return std::unexpected("compacting the read model: " + s.ToString());
  return {};
}

std::expected<std::optional<std::uint64_t>, std::string> layout_of(ReplayTarget target) {
  std::string value;
  const rocksdb::Status s =
      target.db->Get(rocksdb::ReadOptions(), target.cf, kReadModelLayoutKey, &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return std::unexpected("reading the layout: " + s.ToString());
  return decode_u64(value);
}

bool needs_rebuild(std::uint64_t checkpoint, std::optional<std::uint64_t> layout) {
  if (!layout) return checkpoint != 0;
  return *layout != kReadModelLayout;
}

std::expected<std::uint64_t, std::string> checkpoint_of(ReplayTarget target) {
  std::string value;
  const rocksdb::Status s =
      target.db->Get(rocksdb::ReadOptions(), target.cf,
                     rocksdb::Slice(kCheckpointKey.data(), kCheckpointKey.size()), &value);
  if (s.IsNotFound()) return 0;
  if (!s.ok()) return std::unexpected("reading the checkpoint: " + s.ToString());
  return decode_u64(value);
}

}  // namespace orgd::projections
