// Rebuild throughput: seeds a store with at least --events events (through the event store, as
// orgctl seed does), then times, --runs times each, a raw scan of the log (read and decode
// every event, nothing else) and a rebuild of every projection from position 0 (one pass,
// like `orgctl rebuild all`). Prints the medians as the lines tools/bench reads:
//   raw_scan_events_per_s N
//   rebuild_all_events_per_s N
// Progress and details go to stderr.

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <vector>

#include "domain/event_codec.hpp"
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

double raw_scan(const orgd::eventstore::Store& store) {
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
  const auto started = Clock::now();
  auto done = orgd::projections::replay_all_into(store, jobs, {0, store.head_position()});
  const std::chrono::duration<double> took = Clock::now() - started;
  if (!done) {
    std::fprintf(stderr, "rebuild failed: %s\n", done.error().c_str());
    std::exit(1);
  }
  return static_cast<double>(*done) / took.count();
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
  auto store = orgd::eventstore::Store::open(options);
  if (!store) {
    std::fprintf(stderr, "cannot open %s: %s\n", dir.c_str(), store.error().message.c_str());
    return 1;
  }
  if ((*store)->head_position() < events) {
    orgd::tools::SeedOptions seed;
    seed.events_per_organization = 10;
    seed.organizations = (events - (*store)->head_position() + 9) / 10;
    auto seeded = orgd::tools::seed(**store, seed);
    if (!seeded) {
      std::fprintf(stderr, "seed failed: %s\n", seeded.error().c_str());
      return 1;
    }
    std::fprintf(stderr, "seeded %llu events in %.1f s\n",
                 static_cast<unsigned long long>(seeded->events), seeded->seconds);
  }
  std::vector<double> scans, rebuilds;
  for (int i = 0; i < runs; ++i) {
    scans.push_back(raw_scan(**store));
    rebuilds.push_back(rebuild_all(**store));
    std::fprintf(stderr, "run %d: raw scan %.0f events/s, rebuild all %.0f events/s\n", i + 1,
                 scans.back(), rebuilds.back());
  }
  std::printf("events %llu\n", static_cast<unsigned long long>((*store)->head_position()));
  std::printf("raw_scan_events_per_s %.0f\n", median(scans));
  std::printf("rebuild_all_events_per_s %.0f\n", median(rebuilds));
  store->reset();
  if (temporary) std::filesystem::remove_all(dir);
  return 0;
}
