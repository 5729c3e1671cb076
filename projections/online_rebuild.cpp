#include "projections/online_rebuild.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

#include "projections/read_model_rebuild.hpp"

namespace orgd::projections {
namespace {

// Catch-up passes stop once a pass had fewer events than this to replay: the rest is replayed
// during the swap, with the projection thread paused.
constexpr std::uint64_t kSwapSlack = 1024;
constexpr int kMaxCatchUpPasses = 16;

std::unique_ptr<Projection> fresh_projection(std::string_view name) {
  for (auto& p : make_projections()) {
    if (p->name() == name) return std::move(p);
  }
  return nullptr;
}

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Build {
  eventstore::Store& store;
  Projection& projection;
  ReplayTarget target;
  std::uint64_t applied{0};
  const std::function<bool(std::uint64_t, std::uint64_t)>& progress;
  bool cancelled{false};

  std::expected<void, std::string> replay_to(std::uint64_t up_to) {
    if (up_to <= applied) return {};
    ReplayHooks hooks;
    hooks.progress = [this](std::uint64_t done, std::uint64_t total) {
      cancelled = progress && !progress(done, total);
      return !cancelled;
    };
    hooks.count_when_stopped = false;  // a cancelled generation is dropped
    auto done = replay_into(store, projection, target, {applied, up_to}, hooks);
    if (!done) return std::unexpected(done.error());
    applied = *done;
    if (cancelled) return std::unexpected("cancelled");
    return {};
  }

  // Replays while commands keep coming, until what is left fits in the paused swap.
  std::expected<void, std::string> catch_up() {
    for (int pass = 0; pass < kMaxCatchUpPasses; ++pass) {
      const std::uint64_t before = applied;
      if (auto r = replay_to(store.head_position()); !r) return r;
      if (applied - before < kSwapSlack) break;
    }
    return {};
  }
};

}  // namespace

std::string_view to_string(RebuildState state) {
  switch (state) {
    case RebuildState::running: return "running";
    case RebuildState::done: return "done";
    case RebuildState::failed: return "failed";
    case RebuildState::cancelled: return "cancelled";
  }
  return "failed";
}

std::expected<std::uint64_t, std::string> rebuild_online(
    eventstore::Store& store, ProjectionRunner& runner, std::string_view name,
    const std::function<bool(std::uint64_t, std::uint64_t)>& progress) {
  auto projection = fresh_projection(name);
  if (!projection) return std::unexpected("unknown projection " + std::string(name));
  auto& handles = runner.read_models();
  const std::string logical(projection->column_family());
  auto generation = handles.create_generation(logical);
  if (!generation) return std::unexpected(generation.error());
  Build build{store, *projection, {store.db(), generation->cf.get()}, 0, progress};
  ReadModelHandles::Generation replaced;
  auto built = build.catch_up();
  if (built) {
    built = runner.replace_column_family(
        name, [&](std::uint64_t checkpoint) -> std::expected<ProjectionRunner::Replacement,
                                                             std::string> {
          if (auto r = build.replay_to(checkpoint); !r) return std::unexpected(r.error());
          auto old = handles.install(logical, *generation);
          if (!old) return std::unexpected(old.error());
          replaced = *old;
          return ProjectionRunner::Replacement{generation->cf, build.applied};
        });
  }
  if (!built) {
    handles.drop(*generation);  // destroyed with `generation`: RocksDB deletes its files
    return std::unexpected(built.error());
  }
  // Nothing writes to it any more. Its handle goes with the last reference, this one unless a
  // query is still in it, and RocksDB then deletes its files.
  handles.drop(replaced);
  return build.applied;
}

OnlineRebuilds::~OnlineRebuilds() {
  cancel_ = true;
  wait();
}

void OnlineRebuilds::wait() {
  std::thread finished;
  {
    std::lock_guard lock(mutex_);
    finished = std::move(thread_);
  }
  if (finished.joinable()) finished.join();
}

std::expected<RebuildStatus, RebuildStartError> OnlineRebuilds::start(std::string_view projection) {
  std::vector<std::string> names;
  for (const auto& p : make_projections()) {
    if (projection == "all" || p->name() == projection) names.emplace_back(p->name());
  }
  if (names.empty()) return std::unexpected(RebuildStartError::unknown_projection);
  std::thread previous;
  RebuildStatus first;
  {
    std::lock_guard lock(mutex_);
    if (running_) return std::unexpected(RebuildStartError::already_running);
    running_ = true;
    previous = std::move(thread_);
    for (const auto& name : names) {
      statuses_[name] = {name, RebuildState::running, 0, store_.head_position(), wall_ms(), 0, {}};
    }
    first = statuses_[names.front()];
    thread_ = std::thread([this, names] { run(names); });
  }
  if (previous.joinable()) previous.join();  // it had finished: running_ was false
  return first;
}

std::optional<RebuildStatus> OnlineRebuilds::status(std::string_view projection) const {
  std::lock_guard lock(mutex_);
  const auto it = statuses_.find(projection);
  if (it == statuses_.end()) return std::nullopt;
  return it->second;
}

void OnlineRebuilds::update(const std::string& name,
                            const std::function<void(RebuildStatus&)>& change) {
  std::lock_guard lock(mutex_);
  change(statuses_[name]);
}

void OnlineRebuilds::run(std::vector<std::string> names) {
  // started_ms stays the moment the rebuild was asked for, which the 202 showed: set again here
  // it moved by the thread's start (a millisecond or so, seen by a review), and for `all` by
  // the projections rebuilt before.
  for (const auto& name : names) {
    const auto began = std::chrono::steady_clock::now();
    if (observer_.started) {
      if (auto s = status(name)) observer_.started(*s);
    }
    auto result = rebuild_online(store_, runner_, name, [&](std::uint64_t done, std::uint64_t total) {
      update(name, [&](RebuildStatus& s) {
        s.done = done;
        s.total = total;
      });
      return !cancel_.load();
    });
    update(name, [&](RebuildStatus& s) {
      s.finished_ms = wall_ms();
      if (result) {
        s.state = RebuildState::done;
        s.done = *result;
        s.total = std::max(s.total, *result);
      } else {
        s.state = cancel_ ? RebuildState::cancelled : RebuildState::failed;
        s.error = result.error();
      }
    });
    if (observer_.finished) {
      if (auto s = status(name)) {
        observer_.finished(*s, std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now() - began));
      }
    }
  }
  std::lock_guard lock(mutex_);
  running_ = false;
}

}  // namespace orgd::projections
