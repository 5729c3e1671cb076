// orgctl's subcommands for operators: rebuild, compact, backup, restore, seed. The ones that write
// open the data directory writable and so refuse one a running orgd holds.

#include <rocksdb/db.h>

#include <boost/json.hpp>
#include <iostream>

#include "projections/projection_runner.hpp"
#include "projections/read_model_handles.hpp"
#include "projections/read_model_rebuild.hpp"
#include "replay/backup.hpp"
#include "tools/orgctl/cli.hpp"
#include "tools/orgctl/progress.hpp"
#include "tools/orgctl/seeder.hpp"

namespace orgd::tools {
namespace {

// Clears the live read models of `selected` and replays the whole log into them in one pass,
// with a progress bar.
void rebuild(Globals& globals, eventstore::Store& store,
             const projections::ReadModelHandles& handles,
             const std::vector<projections::Projection*>& selected, const std::string& label) {
  std::vector<projections::ReplayJob> jobs;
  std::vector<projections::ColumnFamilyRef> held;  // the jobs' handles, for the whole replay
  // Stamped, so that a rebuild killed before its first write is rebuilt by orgd with a
  // warning; an empty log gets no write to replace the stamp, so none.
  const auto stamp = store.head_position() > 0 ? projections::ClearStamp::rebuilding
                                               : projections::ClearStamp::none;
  for (auto* p : selected) {
    held.push_back(handles.cf(p->column_family()));
    const projections::ReplayTarget live{store.db(), held.back().get()};
    if (auto cleared = projections::clear_read_model(live, stamp); !cleared) {
      return fail(globals, kExitFailed, cleared.error());
    }
    jobs.push_back({p, live});
  }
  Progress progress("rebuild " + label);
  projections::ReplayHooks hooks;
  hooks.progress = [&progress](std::uint64_t done, std::uint64_t total) {
    progress.update(done, total);
    return true;
  };
  auto done = projections::replay_all_into(store, jobs, {0, store.head_position()}, hooks);
  if (!done) return fail(globals, kExitFailed, "rebuilding " + label + ": " + done.error());
  progress.finish(*done);
  // A rebuild leaves gigabytes in freshly flushed files: compact them now, offline, rather
  // than in the background of the next orgd, under its first requests.
  std::cerr << "compacting the rebuilt read models\n";
  for (const auto& job : jobs) {
    if (auto compacted = projections::compact_read_model(job.target); !compacted) {
      return fail(globals, kExitFailed, "rebuilding " + label + ": " + compacted.error());
    }
  }
}

void run_rebuild(Globals& globals, const std::string& which) {
  auto all = projections::make_projections();
  std::vector<std::string> column_families;
  std::vector<projections::Projection*> selected;
  for (const auto& p : all) {
    column_families.emplace_back(p->column_family());
    if (which == "all" || p->name() == which) selected.push_back(p.get());
  }
  if (selected.empty()) return fail(globals, kExitUsage, "no projection named " + which);
  auto store = open_store(globals, true);
  if (!store) return;
  auto handles = projections::ReadModelHandles::open(*store, column_families, true);
  if (!handles) return fail(globals, kExitFailed, handles.error());
  rebuild(globals, *store, **handles, selected, which);
}

// Every column family, the bottommost level included: a directory just seeded, restored or
// bulk-written holds files RocksDB would otherwise rewrite in the background of the next orgd
// (levels over their size, and bottommost files whose sequence numbers it zeroes once no
// snapshot needs them) -- hundreds of megabytes under its first requests.
void run_compact(Globals& globals) {
  auto store = open_store(globals, true);
  if (!store) return;
  std::vector<std::string> names;
  const auto listed =
      rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), globals.data_dir.string(), &names);
  if (!listed.ok()) return fail(globals, kExitFailed, "compact: " + listed.ToString());
  rocksdb::CompactRangeOptions options;
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  for (const auto& name : names) {
    auto* cf = store->column_family(name);
    if (cf == nullptr) return fail(globals, kExitFailed, "compact: " + name + " is not open");
    std::cerr << "compacting " << name << '\n';
    const auto compacted = store->db()->CompactRange(options, cf, nullptr, nullptr);
    if (!compacted.ok()) {
      return fail(globals, kExitFailed, "compacting " + name + ": " + compacted.ToString());
    }
  }
}

void run_backup(Globals& globals, const std::string& target) {
  auto store = open_store(globals, false);
  if (!store) return;
  auto info = replay::backup(*store, target);
  if (!info) return fail(globals, kExitFailed, "backup: " + info.error());
  if (globals.json) {
    std::cout << boost::json::serialize(boost::json::object{
                     {"backup", target}, {"head", info->head}, {"bytes", info->bytes}})
              << '\n';
  } else {
    std::cout << "backed up " << info->head << " events (" << info->bytes << " bytes) to " << target
              << '\n';
  }
}

void run_restore(Globals& globals, const std::string& from, bool force) {
  auto restored = replay::restore(from, globals.data_dir, force);
  if (!restored && restored.error().code == replay::RestoreErrorCode::locked) {
    return fail(globals, kExitLocked, in_use_message(globals.data_dir));
  }
  if (!restored) return fail(globals, kExitFailed, "restore: " + restored.error().message);
  std::cout << "restored " << *restored << " events into " << globals.data_dir.string() << '\n';
}

void run_seed(Globals& globals, const SeedOptions& options) {
  auto store = open_or_create_store(globals);
  if (!store) return;
  Progress progress("seed");
  auto result = seed(*store, options, [&progress](std::uint64_t done, std::uint64_t total) {
    progress.update(done, total);
  });
  if (!result) return fail(globals, kExitFailed, "seed: " + result.error());
  progress.finish(result->events);
}

struct OperatorArgs {
  std::string projection{"all"}, dir;
  bool force{false};
  SeedOptions seed;
};

}  // namespace

void add_operator_commands(CLI::App& app, Globals& globals) {
  auto a = std::make_shared<OperatorArgs>();
  auto* rebuild = app.add_subcommand(
      "rebuild", "Rebuild read models offline from the log (orgd must be stopped)");
  rebuild->add_option("projection", a->projection,
                      "organizations, customers, sessions, ... or all (default)");
  rebuild->callback([&globals, a] { run_rebuild(globals, a->projection); });

  auto* compact = app.add_subcommand(
      "compact", "Compact every column family offline (after a seed, restore or bulk load)");
  compact->callback([&globals] { run_compact(globals); });

  auto* backup = app.add_subcommand("backup", "A consistent checkpoint of the data directory");
  backup->add_option("dir", a->dir, "where to write it (must not exist)")->required();
  backup->callback([&globals, a] { run_backup(globals, a->dir); });

  auto* restore = app.add_subcommand("restore", "Replace the data directory with a backup");
  restore->add_option("dir", a->dir, "a directory written by orgctl backup")->required();
  restore->add_flag("--force", a->force, "replace a data directory that is not empty");
  restore->callback([&globals, a] { run_restore(globals, a->dir, a->force); });

  auto* seed =
      app.add_subcommand("seed", "Write synthetic organizations and customers (benchmarks, demos)");
  seed->add_option("--organizations", a->seed.organizations, "how many (default 1000)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100'000'000}));
  seed->add_option("--events-per-organization", a->seed.events_per_organization,
                   "created + updates per organization (default 10)")
      ->check(CLI::Range(1, 1'000'000));
  seed->add_option("--customers-per-organization", a->seed.customers_per_organization,
                   "members registered in each organization (default 0)")
      ->check(CLI::Range(0, 1'000'000));
  seed->callback([&globals, a] { run_seed(globals, a->seed); });
}

}  // namespace orgd::tools
