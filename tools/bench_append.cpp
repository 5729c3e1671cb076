// Durable append throughput of the event store, for one writer and for 64 concurrent ones.
//
//   bench_append --data-dir DIR [--events N] [--seconds S]
//
// Each append is one new stream with one ~100-byte event (expected: no stream), acknowledged
// only after its batch's WAL fsync. Every figure is the median of 3 runs on a fresh database
// under DIR; a run stops after N appends or S seconds, whichever comes first. Prints one
// `name value` line per figure on stdout.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "eventstore/store.hpp"

namespace {

using orgd::eventstore::AppendRequest;
using orgd::eventstore::ExpectedVersion;
using orgd::eventstore::Store;
using orgd::eventstore::StoreOptions;
using Clock = std::chrono::steady_clock;

constexpr int kRuns = 3;
constexpr std::size_t kPayloadBytes = 100;

struct Settings {
  std::filesystem::path data_dir;
  std::uint64_t events{20000};
  double seconds{3.0};
};

[[noreturn]] void usage(std::string_view problem) {
  std::cerr << "bench_append: " << problem
            << "\nusage: bench_append --data-dir DIR [--events N] [--seconds S]\n";
  std::exit(2);
}

Settings parse(int argc, char** argv) {
  Settings settings;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) usage("missing value for " + std::string(flag));
    const std::string value = argv[++i];
    try {
      if (flag == "--data-dir") {
        settings.data_dir = value;
      } else if (flag == "--events") {
        settings.events = std::stoull(value);
      } else if (flag == "--seconds") {
        settings.seconds = std::stod(value);
      } else {
        usage("unknown flag " + std::string(flag));
      }
    } catch (const std::exception&) {
      usage("bad value for " + std::string(flag));
    }
  }
  if (settings.data_dir.empty()) usage("--data-dir is required");
  if (settings.events == 0 || settings.seconds <= 0) usage("--events and --seconds must be > 0");
  return settings;
}

AppendRequest new_stream(std::uint64_t n) {
  AppendRequest request;
  request.streams.push_back({"bench-" + std::to_string(n),
                             ExpectedVersion::no_stream(),
                             {{.type = "BenchEvent", .payload = std::string(kPayloadBytes, 'x')}}});
  request.actor = "system";
  request.correlation_id = "bench";
  return request;
}

// Appends per second over one run with `writers` threads sharing the event budget.
double run_once(const Settings& settings, int writers, const std::filesystem::path& dir) {
  std::filesystem::remove_all(dir);
  StoreOptions options;
  options.data_dir = dir;
  auto store = Store::open(options);
  if (!store) {
    std::cerr << "bench_append: cannot open " << dir << ": " << store.error().message << "\n";
    std::exit(1);
  }
  std::atomic<std::uint64_t> next{0};
  std::atomic<std::uint64_t> done{0};
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(settings.seconds));
  {
    std::vector<std::jthread> threads;
    for (int w = 0; w < writers; ++w) {
      threads.emplace_back([&] {
        for (auto n = next++; n < settings.events && Clock::now() < deadline; n = next++) {
          const auto result = (*store)->append(new_stream(n));
          if (!result) {
            std::cerr << "bench_append: append failed: " << result.error().message << "\n";
            std::exit(1);
          }
          ++done;
        }
      });
    }
  }
  const std::chrono::duration<double> elapsed = Clock::now() - start;
  store->reset();
  std::filesystem::remove_all(dir);
  return static_cast<double>(done) / elapsed.count();
}

double median_rate(const Settings& settings, int writers) {
  std::vector<double> rates;
  for (int run = 0; run < kRuns; ++run) {
    const auto dir =
        settings.data_dir / ("bench-" + std::to_string(writers) + "-" + std::to_string(run));
    rates.push_back(run_once(settings, writers, dir));
  }
  std::sort(rates.begin(), rates.end());
  return rates[kRuns / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const Settings settings = parse(argc, argv);
  std::cout << "append_1_writer_per_s " << static_cast<long long>(median_rate(settings, 1))
            << std::endl;
  std::cout << "append_64_writers_per_s " << static_cast<long long>(median_rate(settings, 64))
            << std::endl;
  return 0;
}
