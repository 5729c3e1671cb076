#include "projections/projection_runner.hpp"

#include <rocksdb/db.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <optional>

#include "domain/event_codec.hpp"
#include "projections/customers_projection.hpp"
#include "projections/directory_projections.hpp"
#include "projections/organizations_projection.hpp"
#include "projections/read_model_rebuild.hpp"
#include "projections/resources_projection.hpp"
#include "projections/waiter_notifier.hpp"

namespace orgd::projections {
namespace {

struct Slot {
  std::unique_ptr<Projection> projection;
  ColumnFamilyRef cf;  // where it writes; kept until a swap replaces it or the runner stops
  std::uint64_t checkpoint{0};  // the last position applied
  std::uint64_t stored{0};      // the checkpoint in the column family (kCheckpointLagMost)
  std::string error;    // why it stopped for good (an event it cannot apply)
  std::string stalled;  // why its last write failed while it retries (the disk refused it)
  // The count trees of `cf` as committed; replaced with `cf`.
  std::unique_ptr<CountTreeCache> trees{std::make_unique<CountTreeCache>()};
};

// Backoff between retries of a read model write the disk refused.
constexpr auto kFirstRetry = std::chrono::milliseconds(50);
constexpr auto kLongestRetry = std::chrono::milliseconds(1000);

std::expected<domain::Event, std::string> decode(const eventstore::Envelope& e) {
  auto event = domain::decode_event(e.type, e.schema_version, e.payload);
  if (!event) {
    return std::unexpected("position " + std::to_string(e.position) + ": " + event.error());
  }
  return event;
}

// What applying a run of events to one read model left to do once `out` is written.
struct StagedRun {
  std::uint64_t checkpoint{0};
  std::uint64_t stored{0};  // the checkpoint in the column family once `out` is written
  std::string failure;  // the event it cannot apply: it stops right before it
  CountTreeCache::Changes tree_changes;  // for the slot's cache, once `out` is written
};

// Applies `envelopes` past the slot's checkpoint and adds their writes, with the new
// checkpoint, to `out`. Errors: the read model could not be staged (storage).
std::expected<StagedRun, std::string> stage_run(
    rocksdb::DB* db, const Slot& slot, std::span<const eventstore::Envelope> envelopes,
    std::span<const std::optional<domain::Event>> events,
    const std::vector<std::string>& decode_errors, rocksdb::WriteBatch& out) {
  ReadModelBatch batch(db, slot.cf.get(), slot.trees.get());
  StagedRun run{slot.checkpoint, slot.stored, {}, {}};
  for (std::size_t i = 0; i < envelopes.size(); ++i) {
    const auto& envelope = envelopes[i];
    if (envelope.position <= slot.checkpoint) continue;
    batch.save_point();
    auto applied = events[i] ? slot.projection->apply(envelope, *events[i], batch)
                             : std::expected<void, std::string>(std::unexpect, decode_errors[i]);
    if (!applied) {
      // Keep what came before the failing event, so the checkpoint stops right before it.
      batch.rollback();
      run.failure = "position " + std::to_string(envelope.position) + " (" + envelope.type +
                    "): " + applied.error();
      break;
    }
    run.checkpoint = envelope.position;
  }
  if (auto finished = slot.projection->finish(batch); !finished) {
    return std::unexpected(finished.error());
  }
  if (!batch.empty() || run.checkpoint - slot.stored >= kCheckpointLagMost) {
    batch.put(kCheckpointKey, encode_u64(run.checkpoint));
    if (auto r = batch.stage_into(out); !r) return std::unexpected(r.error());
    run.tree_changes = batch.take_tree_changes();
    run.stored = run.checkpoint;
  }
  return run;
}

}  // namespace

struct ProjectionRunner::State {
  eventstore::Store* store{nullptr};
  std::vector<Slot> slots;  // touched only under apply_mutex after start
  std::mutex apply_mutex;   // held while applying or publishing, and while a rebuild swaps a
                            // column family; taken before `mutex`
  mutable std::mutex mutex;
  std::condition_variable stop_requested;   // with mutex: wakes a retry backoff
  bool stopping{false};                     // guarded by mutex
  std::uint64_t applied{0};                 // guarded by mutex
  bool failed{false};                       // a projection stopped; guarded by mutex
  std::vector<ProjectionStatus> published;  // guarded by mutex
  std::multimap<std::uint64_t, std::function<void(bool)>> waiters;  // guarded by mutex
  WaiterNotifier notifier;  // stopped by ~ProjectionRunner, before the read models close
  std::function<void(const AppliedBatch&)> on_applied;  // set before the subscription starts

  void publish() {
    std::vector<std::function<void(bool)>> ready;
    bool ok = true;
    {
      std::lock_guard lock(mutex);
      applied = UINT64_MAX;
      published.clear();
      for (const auto& s : slots) {
        applied = std::min(applied, s.checkpoint);
        failed = failed || !s.error.empty();
        published.push_back({std::string(s.projection->name()), s.checkpoint, s.error, s.stalled});
      }
      if (slots.empty()) applied = store->head_position();
      ok = !failed;
      auto end = failed ? waiters.end() : waiters.upper_bound(applied);
      for (auto it = waiters.begin(); it != end; ++it) ready.push_back(std::move(it->second));
      waiters.erase(waiters.begin(), end);
    }
    notifier.post(std::move(ready), ok);
  }

  bool on_envelopes(std::span<const eventstore::Envelope> envelopes) {
    const auto delivered = std::chrono::steady_clock::now();
    std::vector<std::optional<domain::Event>> events(envelopes.size());
    std::vector<std::string> errors(envelopes.size());
    for (std::size_t i = 0; i < envelopes.size(); ++i) {
      auto e = decode(envelopes[i]);
      if (e) {
        events[i] = std::move(*e);
      } else {
        errors[i] = e.error();
      }
    }
    bool any_running = false;
    {
      // publish() reads the slots, which a rebuild's swap may change once apply_mutex is free.
      std::lock_guard apply_lock(apply_mutex);
      any_running = apply_until_written(envelopes, events, errors);
      publish();
    }
    if (on_applied && !envelopes.empty()) {
      on_applied({.first = envelopes.front().position,
                  .last = envelopes.back().position,
                  .duration = std::chrono::steady_clock::now() - delivered});
    }
    return any_running;
  }

  // Every running read model's changes go to the database in ONE unsynced write: each write
  // queues behind the event store's synced ones, so one per read model would cost a command
  // several fsync waits before its read-your-writes answer.
  // The events are durable, so a write the disk refused (full, read-only) is retried until it
  // succeeds rather than stopping the projections; meanwhile their status says why they are
  // stalled and waiters keep waiting (RocksDB resumes writes by itself once the disk has space
  // again). False when every projection stopped (an event it cannot apply) or the runner is
  // stopping.
  bool apply_until_written(std::span<const eventstore::Envelope> envelopes,
                           std::span<const std::optional<domain::Event>> events,
                           const std::vector<std::string>& errors) {
    for (auto delay = kFirstRetry;; delay = std::min(delay * 2, kLongestRetry)) {
      auto written = apply_once(envelopes, events, errors);
      if (written) break;
      for (auto& slot : slots) {
        if (slot.error.empty()) slot.stalled = written.error();
      }
      publish();
      if (!wait_unless_stopping(delay)) return false;
    }
    return std::ranges::any_of(slots, [](const Slot& s) { return s.error.empty(); });
  }

  std::expected<void, std::string> apply_once(std::span<const eventstore::Envelope> envelopes,
                                              std::span<const std::optional<domain::Event>> events,
                                              const std::vector<std::string>& errors) {
    rocksdb::WriteBatch group;
    std::vector<std::pair<Slot*, StagedRun>> staged;
    for (auto& slot : slots) {
      if (!slot.error.empty()) continue;
      auto run = stage_run(store->db(), slot, envelopes, events, errors, group);
      if (!run) return std::unexpected(run.error());
      staged.emplace_back(&slot, std::move(*run));
    }
    if (group.Count() > 0) {
      rocksdb::WriteOptions options;
      options.sync = false;  // read models are rebuilt from the synced log
      const rocksdb::Status s = store->db()->Write(options, &group);
      if (!s.ok()) return std::unexpected("read model write failed: " + s.ToString());
    }
    for (auto& [slot, run] : staged) {
      slot->trees->apply(run.tree_changes);
      slot->checkpoint = run.checkpoint;
      slot->stored = run.stored;
      slot->stalled.clear();
      if (!run.failure.empty()) slot->error = std::move(run.failure);
    }
    return {};
  }

  bool wait_unless_stopping(std::chrono::milliseconds delay) {
    std::unique_lock lock(mutex);
    return !stop_requested.wait_for(lock, delay, [this] { return stopping; });
  }

  // A clean stop leaves every stored checkpoint at what its read model applied. One that
  // cannot be written is only applied again on the next start.
  void store_checkpoints() {
    std::lock_guard apply_lock(apply_mutex);
    for (auto& slot : slots) {
      if (slot.stored == slot.checkpoint) continue;
      ReadModelBatch batch(store->db(), slot.cf.get());
      batch.put(kCheckpointKey, encode_u64(slot.checkpoint));
      if (batch.commit()) slot.stored = slot.checkpoint;
    }
  }

  // The state may outlive the runner (the subscription's handler holds it), the read models'
  // handles may not.
  void release_column_families() {
    std::lock_guard apply_lock(apply_mutex);
    for (auto& slot : slots) slot.cf.reset();
  }

  void request_stop() {
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    stop_requested.notify_all();
  }

  // The subscription ended on its own (the log could not be read): nothing more will be
  // applied, so every projection stops with that reason and its waiters are told, instead of
  // commands waiting for their read-your-writes answer until shutdown.
  void on_log_unreadable(const eventstore::StoreError& error) {
    std::lock_guard apply_lock(apply_mutex);
    for (auto& slot : slots) {
      if (slot.error.empty()) slot.error = "reading the log failed: " + error.message;
    }
    publish();
  }
};

std::expected<std::unique_ptr<ProjectionRunner>, std::string> ProjectionRunner::start(
    eventstore::Store& store, std::vector<std::unique_ptr<Projection>> projections,
    ProjectionRunnerOptions options) {
  std::vector<std::string> column_families;
  for (const auto& p : projections) column_families.emplace_back(p->column_family());
  auto handles = ReadModelHandles::open(store, column_families, /*drop_orphans=*/true);
  if (!handles) return std::unexpected(handles.error());
  // After `handles`, so that a failed start lets go of the state's references to them first.
  auto state = std::make_shared<State>();
  state->store = &store;
  state->on_applied = std::move(options.on_applied);
  std::uint64_t from = UINT64_MAX;
  for (auto& p : projections) {
    auto cf = (*handles)->cf(p->column_family());
    auto checkpoint = checkpoint_of({store.db(), cf.get()});
    if (!checkpoint) return std::unexpected(checkpoint.error());
    from = std::min(from, *checkpoint);
    state->slots.push_back({std::move(p), std::move(cf), *checkpoint, *checkpoint});
  }
  if (from == UINT64_MAX) from = store.head_position();
  state->publish();
  std::unique_ptr<ProjectionRunner> runner(new ProjectionRunner(state, std::move(*handles)));
  runner->subscription_ = store.subscribe(
      from + 1,
      [state](std::span<const eventstore::Envelope> envelopes) {
        return state->on_envelopes(envelopes);
      },
      [state](const eventstore::StoreError& error) { state->on_log_unreadable(error); });
  return runner;
}

ProjectionRunner::ProjectionRunner(std::shared_ptr<State> state,
                                   std::unique_ptr<ReadModelHandles> handles)
    : handles_(std::move(handles)), state_(std::move(state)) {}

ProjectionRunner::~ProjectionRunner() {
  state_->request_stop();  // ends a retry backoff, so the subscription thread can be joined
  subscription_.stop();
  state_->store_checkpoints();
  // Waiters already released read the read models, which close with this runner.
  state_->notifier.stop();
  state_->release_column_families();  // before handles_, which must outlive every reference
  // Waiters still pending will never be applied by this runner: tell them.
  std::multimap<std::uint64_t, std::function<void(bool)>> orphans;
  {
    std::lock_guard lock(state_->mutex);
    orphans.swap(state_->waiters);
  }
  for (auto& [position, done] : orphans) done(false);
}

void ProjectionRunner::when_applied(std::uint64_t position, std::function<void(bool)> done) {
  bool ready = false;
  bool ok = true;
  {
    std::lock_guard lock(state_->mutex);
    if (state_->failed) {
      ready = true;
      ok = position <= state_->applied;
    } else if (position <= state_->applied) {
      ready = true;
    } else {
      state_->waiters.emplace(position, std::move(done));
    }
  }
  if (ready) done(ok);
}

std::uint64_t ProjectionRunner::applied_position() const {
  std::lock_guard lock(state_->mutex);
  return state_->applied;
}

std::optional<std::uint64_t> ProjectionRunner::settled_position() const {
  std::lock_guard lock(state_->mutex);
  if (state_->failed) return std::nullopt;
  return state_->applied;
}

std::vector<ProjectionStatus> ProjectionRunner::status() const {
  std::lock_guard lock(state_->mutex);
  return state_->published;
}

std::expected<void, std::string> ProjectionRunner::replace_column_family(std::string_view name,
                                                                         const Swap& swap) {
  {
    std::lock_guard apply_lock(state_->apply_mutex);
    auto slot = std::find_if(state_->slots.begin(), state_->slots.end(),
                             [&](const Slot& s) { return s.projection->name() == name; });
    if (slot == state_->slots.end()) return std::unexpected("unknown projection");
    if (!slot->error.empty()) return std::unexpected("stopped on an error: " + slot->error);
    auto replacement = swap(slot->checkpoint);
    if (!replacement) return std::unexpected(replacement.error());
    slot->cf = replacement->cf;
    slot->trees = std::make_unique<CountTreeCache>();
    // Events the replacement already holds are skipped by stage_run, never applied twice.
    slot->checkpoint = std::max(slot->checkpoint, replacement->checkpoint);
    slot->stored = replacement->checkpoint;
    state_->publish();  // a checkpoint may have moved: release the waiters it covers
  }
  return {};
}

std::expected<std::uint64_t, std::string> rebuild_offline(
    eventstore::Store& store, Projection& projection,
    const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  auto* cf = store.column_family(projection.column_family());
  if (cf == nullptr) return std::unexpected("column family not open");
  const ReplayTarget target{store.db(), cf};
  const auto stamp = store.head_position() > 0 ? ClearStamp::rebuilding : ClearStamp::none;
  if (auto cleared = clear_read_model(target, stamp); !cleared) {
    return std::unexpected("clearing " + std::string(projection.name()) + ": " + cleared.error());
  }
  ReplayHooks hooks;
  if (progress) {
    hooks.progress = [&progress](std::uint64_t done, std::uint64_t total) {
      progress(done, total);
      return true;
    };
  }
  return replay_into(store, projection, target, {0, store.head_position()}, hooks);
}

std::vector<std::string> projection_column_families() {
  return {std::string(kOrganizationsColumnFamily), std::string(kCustomersColumnFamily),
          std::string(kSessionsColumnFamily),      std::string(kContractsColumnFamily),
          std::string(kGroupsColumnFamily),        std::string(kInvoicesColumnFamily),
          std::string(kResourcesColumnFamily)};
}

std::vector<std::unique_ptr<Projection>> make_projections() {
  std::vector<std::unique_ptr<Projection>> all;
  all.push_back(std::make_unique<OrganizationsProjection>());
  all.push_back(std::make_unique<CustomersProjection>());
  all.push_back(std::make_unique<SessionsProjection>());
  all.push_back(std::make_unique<ContractsProjection>());
  all.push_back(std::make_unique<GroupsProjection>());
  all.push_back(std::make_unique<InvoicesProjection>());
  all.push_back(std::make_unique<ResourcesProjection>());
  return all;
}

}  // namespace orgd::projections
