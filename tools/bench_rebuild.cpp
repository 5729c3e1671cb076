// Rebuild throughput: seeds a store with at least --events events (through the event store, as
// orgctl seed does), then times, --runs times each, a raw scan of the log (read and decode
// every event, nothing else) and a rebuild of every projection from position 0 (one pass,
// like `orgctl rebuild all`). Each measurement opens the store afresh, as orgctl does, and
// starts once RocksDB has no flush or compaction left to run (settle), after one scan not
// counted (the log into the kernel's page cache). Kept open across runs,
// a scan found in the block cache whatever log blocks the rebuild before it had left there
// (410k to 770k events/s on the same log), while a rebuild's own writes churn that cache.
// Prints the medians as the lines tools/bench reads:
//   raw_scan_events_per_s N
//   rebuild_all_events_per_s N
//   rebuild_to_scan_ratio R
// R is the median of each run's rebuild over the scan right before it, as the HTTP rows' ratios
// are pairs of runs side by side: this machine's speed drifts between runs (scans of the same
// log have measured 410k to 880k events/s), and a ratio of two medians can pair a scan of a
// fast minute with a rebuild of a slow one.
// Progress and details go to stderr.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "domain/event_codec.hpp"
#include "projections/counted_index_check.hpp"
#include "projections/organization_keys.hpp"
#include "projections/organizations_projection.hpp"
#include "projections/projection_runner.hpp"
#include "projections/read_model_rebuild.hpp"
#include "replay/log_scan.hpp"
#include "tools/orgctl/seeder.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// Waits until RocksDB runs and owes no flush or compaction, so that neither measurement pays
// for background work the one before it left (a rebuild's last flushes set off merges of its
// read models, which took a core from the raw scan after it).
void settle(const orgd::eventstore::Store& store) {
  auto& db = *store.db();
  const auto started = Clock::now();
  for (;;) {
    std::uint64_t compactions = 0, flushes = 0, pending_bytes = 0, flush_pending = 0;
    db.GetIntProperty(rocksdb::DB::Properties::kNumRunningCompactions, &compactions);
    db.GetIntProperty(rocksdb::DB::Properties::kNumRunningFlushes, &flushes);
    // Universal compaction (the read models') reports no pending bytes, so a merge due but not
    // yet started can slip through. "compaction-pending" would see it, but it stayed 1 on a
    // freshly seeded store with nothing running, and every measurement waited for the cap.
    db.GetAggregatedIntProperty(rocksdb::DB::Properties::kEstimatePendingCompactionBytes,
                                &pending_bytes);
    db.GetAggregatedIntProperty(rocksdb::DB::Properties::kMemTableFlushPending, &flush_pending);
    if (compactions + flushes + pending_bytes + flush_pending == 0) break;
    if (Clock::now() - started > std::chrono::minutes(2)) {
      std::fprintf(stderr, "background work still running after 2 minutes; measuring anyway\n");
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

double raw_scan(const orgd::eventstore::Store& store) {
  settle(store);
  const auto started = Clock::now();
  std::uint64_t decoded = 0;
  auto scanned = orgd::replay::scan_log(store, 1, [&](const orgd::eventstore::Envelope& e) {
    decoded += orgd::domain::decode_event(e.type, e.schema_version, e.payload).has_value();
    return true;
  });
  const std::chrono::duration<double> took = Clock::now() - started;
  if (!scanned || decoded != *scanned) {
    std::fprintf(stderr, "raw scan failed\n");
    std::exit(1);
  }
  return static_cast<double>(*scanned) / took.count();
}

double rebuild_all(orgd::eventstore::Store& store) {
  auto projections = orgd::projections::make_projections();
  std::vector<orgd::projections::ReplayJob> jobs;
  for (auto& p : projections) {
    const orgd::projections::ReplayTarget target{store.db(),
                                                 store.column_family(p->column_family())};
    if (!orgd::projections::clear_read_model(target)) std::exit(1);
    jobs.push_back({p.get(), target});
  }
  settle(store);
  const auto started = Clock::now();
  auto done = orgd::projections::replay_all_into(store, jobs, {0, store.head_position()});
  const std::chrono::duration<double> took = Clock::now() - started;
  if (!done) {
    std::fprintf(stderr, "rebuild failed: %s\n", done.error().c_str());
    std::exit(1);
  }
  return static_cast<double>(*done) / took.count();
}

// The last rebuild's read models, checked outside the timed window, for a fast rebuild must be a
// right one: every count tree against the entries it counts, and the largest indexes (every
// organization, in both orders) counted at all.
bool rebuilt_trees_agree(const orgd::eventstore::Store& store) {
  namespace p = orgd::projections;
  std::uint64_t trees = 0;
  std::uint64_t entries = 0;
  for (const auto& name : p::projection_column_families()) {
    const auto check = p::check_counted_indexes(store.db(), store.column_family(name), {});
    if (!check.ok()) {
      std::fprintf(stderr, "rebuilt %s: %s\n", name.c_str(), check.problem.c_str());
      return false;
    }
    trees += check.indexes;
    entries += check.entries;
  }
  for (const auto sort : {p::OrganizationSort::name, p::OrganizationSort::created}) {
    const auto check =
        p::check_counted_index(store.db(), store.column_family(p::kOrganizationsColumnFamily), {},
                               p::organization_index_prefix(p::scope_all(), sort));
    if (!check.ok()) {
      std::fprintf(stderr, "rebuilt organizations: %s\n", check.problem.c_str());
      return false;
    }
  }
  std::fprintf(stderr, "rebuilt count trees agree with their entries: %llu trees, %llu entries\n",
               static_cast<unsigned long long>(trees), static_cast<unsigned long long>(entries));
  return true;
}

std::unique_ptr<orgd::eventstore::Store> open_store(const orgd::eventstore::StoreOptions& options) {
  auto store = orgd::eventstore::Store::open(options);
  if (!store) {
    std::fprintf(stderr, "cannot open %s: %s\n", options.data_dir.c_str(),
                 store.error().message.c_str());
    std::exit(1);
  }
  return std::move(*store);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t events = 1'000'000;
  int runs = 3;
  std::string dir;
  CLI::App app{"rebuild of all projections vs a raw scan of the same log"};
  app.add_option("--events", events, "events to seed (default 1000000)");
  app.add_option("--runs", runs, "runs of each measurement; the median is printed (default 3)")
      ->check(CLI::Range(1, 99));
  app.add_option("--dir", dir, "data directory to use (default: a fresh temp directory)");
  CLI11_PARSE(app, argc, argv);

  const bool temporary = dir.empty();
  if (temporary) {
    dir = (std::filesystem::temp_directory_path() /
           ("orgd-bench-rebuild-" + std::to_string(std::random_device{}())))
              .string();
  }
  orgd::eventstore::StoreOptions options;
  options.data_dir = dir;
  options.extra_column_families = orgd::projections::projection_column_families();
  auto store = open_store(options);
  if (store->head_position() < events) {
    orgd::tools::SeedOptions seed;
    seed.events_per_organization = 10;
    seed.organizations = (events - store->head_position() + 9) / 10;
    auto seeded = orgd::tools::seed(*store, seed);
    if (!seeded) {
      std::fprintf(stderr, "seed failed: %s\n", seeded.error().c_str());
      return 1;
    }
    std::fprintf(stderr, "seeded %llu events in %.1f s\n",
                 static_cast<unsigned long long>(seeded->events), seeded->seconds);
  }
  // One scan first, not counted: the first read of a log not read for a while comes from the
  // disk rather than the kernel's page cache (a scan at ~400k events/s against ~780k after it).
  store.reset();
  store = open_store(options);
  std::fprintf(stderr, "warm-up: raw scan %.0f events/s (not counted)\n", raw_scan(*store));
  std::vector<double> scans, rebuilds, ratios;
  for (int i = 0; i < runs; ++i) {
    store.reset();  // RocksDB's lock: closed before it opens again
    store = open_store(options);
    scans.push_back(raw_scan(*store));
    store.reset();
    store = open_store(options);
    rebuilds.push_back(rebuild_all(*store));
    ratios.push_back(scans.back() > 0 ? rebuilds.back() / scans.back() : 0);
    std::fprintf(stderr, "run %d: raw scan %.0f events/s, rebuild all %.0f events/s (%.3f)\n",
                 i + 1, scans.back(), rebuilds.back(), ratios.back());
  }
  if (!rebuilt_trees_agree(*store)) return 1;
  std::printf("events %llu\n", static_cast<unsigned long long>(store->head_position()));
  std::printf("raw_scan_events_per_s %.0f\n", median(scans));
  std::printf("rebuild_all_events_per_s %.0f\n", median(rebuilds));
  std::printf("rebuild_to_scan_ratio %.4f\n", median(ratios));
  store.reset();
  if (temporary) std::filesystem::remove_all(dir);
  return 0;
}
