#include "api/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <array>
#include <mutex>
#include <unordered_map>
#include <string>

namespace orgd::api {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildHistogram;
using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

// Request latencies, seconds: from 250 µs (a cached read) to 10 s (a stuck request).
const prometheus::Histogram::BucketBoundaries kDurationBuckets = {
    0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
// Synced writes, seconds: an fsync takes from tens of µs (battery-backed cache) to tens of ms.
const prometheus::Histogram::BucketBoundaries kFsyncBuckets = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1};
// Requests per group commit: powers of two up to StoreOptions::max_requests_per_batch.
const prometheus::Histogram::BucketBoundaries kBatchBuckets = {1,   2,   4,    8,    16,  32, 64,
                                                               128, 256, 512, 1024, 2048, 4096};

std::string_view outcome_label(CommandResult result) {
  switch (result) {
    case CommandResult::ok: return "ok";
    case CommandResult::conflict: return "conflict";
    case CommandResult::rejected: return "rejected";
    case CommandResult::failed: return "failed";
  }
  return "failed";
}

double seconds(std::chrono::nanoseconds duration) {
  return std::chrono::duration<double>(duration).count();
}

MetricFamily gauge_family(std::string name, std::string help) {
  return MetricFamily{std::move(name), std::move(help), MetricType::Gauge, {}};
}

void add_gauge(MetricFamily& family, double value, std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  family.metric.push_back(std::move(metric));
}

}  // namespace

struct Metrics::Families {
  explicit Families(prometheus::Registry& registry)
      : requests(BuildCounter()
                     .Name("orgd_http_requests_total")
                     .Help("HTTP responses sent, by route template, method and status")
                     .Register(registry)),
        durations(BuildHistogram()
                      .Name("orgd_http_request_duration_seconds")
                      .Help("Time from a whole request having arrived to its response being "
                            "ready, by route template and method")
                      .Register(registry)),
        commands(BuildCounter()
                     .Name("orgd_commands_total")
                     .Help("Command requests by command and outcome (ok, conflict, rejected, "
                           "failed)")
                     .Register(registry)),
        batch_sizes(BuildHistogram()
                        .Name("orgd_eventstore_append_batch_size")
                        .Help("Append requests committed by one synced write (group commit)")
                        .Register(registry)),
        fsyncs(BuildHistogram()
                   .Name("orgd_eventstore_fsync_duration_seconds")
                   .Help("Time of one synced WriteBatch write (WAL append and fsync)")
                   .Register(registry)),
        events(BuildCounter()
                   .Name("orgd_eventstore_events_appended_total")
                   .Help("Events appended to the log")
                   .Register(registry)),
        write_failures(BuildCounter()
                           .Name("orgd_eventstore_write_failures_total")
                           .Help("Rounds of appends that failed or that the free-space floor "
                                 "refused (every append in them failed)")
                           .Register(registry)),
        batch_size(batch_sizes.Add({}, kBatchBuckets)),
        fsync(fsyncs.Add({}, kFsyncBuckets)),
        events_appended(events.Add({})),
        failed_writes(write_failures.Add({})) {}

  prometheus::Family<prometheus::Counter>& requests;
  prometheus::Family<prometheus::Histogram>& durations;
  prometheus::Family<prometheus::Counter>& commands;
  prometheus::Family<prometheus::Histogram>& batch_sizes;
  prometheus::Family<prometheus::Histogram>& fsyncs;
  prometheus::Family<prometheus::Counter>& events;
  prometheus::Family<prometheus::Counter>& write_failures;
  prometheus::Histogram& batch_size;
  prometheus::Histogram& fsync;
  prometheus::Counter& events_appended;
  prometheus::Counter& failed_writes;

  // The two series of each (route, method, status) seen so far, keyed "route\nmethod\nstatus":
  // a request finds them with one lookup, where prometheus-cpp's Add builds and hashes a label
  // map (two per request, a tenth of a GET's instructions). Routes are templates and methods
  // and statuses few, so the map stays small.
  struct RequestSeries {
    prometheus::Counter* requests{nullptr};
    prometheus::Histogram* durations{nullptr};
  };
  std::mutex series_mutex;
  std::unordered_map<std::string, RequestSeries> series;  // guarded by series_mutex
};

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      families_(std::make_unique<Families>(*registry_)) {}

Metrics::~Metrics() = default;

void Metrics::observe_request(std::string_view method, std::string_view route, int status,
                              std::chrono::nanoseconds duration) {
  const std::string_view route_label = route.empty() ? std::string_view("unmatched") : route;
  const std::string_view method_text = method_label(method);
  const std::string status_text = std::to_string(status);
  thread_local std::string key;  // reused: no allocation once it has grown
  key.assign(route_label).append(1, '\n').append(method_text).append(1, '\n').append(status_text);
  Families::RequestSeries found;
  {
    std::lock_guard lock(families_->series_mutex);
    auto it = families_->series.find(key);
    if (it == families_->series.end()) {
      const std::string r(route_label);
      const std::string m(method_text);
      Families::RequestSeries added{
          &families_->requests.Add({{"route", r}, {"method", m}, {"status", status_text}}),
          &families_->durations.Add({{"route", r}, {"method", m}}, kDurationBuckets)};
      it = families_->series.emplace(key, added).first;
    }
    found = it->second;
  }
  found.requests->Increment();
  found.durations->Observe(seconds(duration));
}

void Metrics::observe_command(std::string_view command, CommandResult result) {
  families_->commands
      .Add({{"command", std::string(command)}, {"outcome", std::string(outcome_label(result))}})
      .Increment();
}

void Metrics::observe_batch(const eventstore::BatchWritten& batch) {
  if (!batch.ok) {
    families_->failed_writes.Increment();
    return;
  }
  families_->batch_size.Observe(static_cast<double>(batch.requests));
  families_->fsync.Observe(seconds(batch.write_duration));
  families_->events_appended.Increment(static_cast<double>(batch.events));
}

void Metrics::set_scrape(ScrapeSources sources) { sources_ = std::move(sources); }

std::vector<MetricFamily> Metrics::scrape() const {
  std::vector<MetricFamily> families;
  if (sources_.open_connections) {
    auto family = gauge_family("orgd_http_open_connections", "Open HTTP connections");
    add_gauge(family, static_cast<double>(sources_.open_connections()));
    families.push_back(std::move(family));
  }
  std::uint64_t head = 0;
  if (sources_.head_position) {
    head = sources_.head_position();
    auto family = gauge_family("orgd_eventstore_head_position",
                               "Position of the last event committed to the log");
    add_gauge(family, static_cast<double>(head));
    families.push_back(std::move(family));
  }
  if (sources_.log_writable) {
    auto family = gauge_family("orgd_eventstore_writable",
                               "1 while the log is written, 0 from a round of appends that "
                               "failed or was refused until one is written again");
    add_gauge(family, sources_.log_writable() ? 1.0 : 0.0);
    families.push_back(std::move(family));
  }
  if (sources_.projections) {
    auto checkpoints = gauge_family("orgd_projection_checkpoint_position",
                                    "Last log position a projection applied");
    auto lags = gauge_family("orgd_projection_lag_events",
                             "Events committed to the log that a projection has not applied yet");
    auto stopped = gauge_family("orgd_projection_stopped",
                                "1 when a projection stopped on an event it could not apply");
    for (const auto& projection : sources_.projections()) {
      const std::vector<ClientMetric::Label> labels = {{"projection", projection.name}};
      add_gauge(checkpoints, static_cast<double>(projection.checkpoint), labels);
      const std::uint64_t lag = head > projection.checkpoint ? head - projection.checkpoint : 0;
      add_gauge(lags, static_cast<double>(lag), labels);
      add_gauge(stopped, projection.stopped ? 1.0 : 0.0, labels);
    }
    families.push_back(std::move(checkpoints));
    families.push_back(std::move(lags));
    families.push_back(std::move(stopped));
  }
  if (sources_.rocksdb_property) {
    for (const auto& gauge : rocksdb_gauges()) {
      const auto value = sources_.rocksdb_property(gauge.property, gauge.summed);
      if (!value) continue;
      auto family = gauge_family(std::string(gauge.metric), std::string(gauge.help));
      add_gauge(family, static_cast<double>(*value));
      families.push_back(std::move(family));
    }
  }
  return families;
}

std::string Metrics::serialize() const {
  auto families = registry_->Collect();
  auto scraped = scrape();
  families.insert(families.end(), std::make_move_iterator(scraped.begin()),
                  std::make_move_iterator(scraped.end()));
  return prometheus::TextSerializer().Serialize(families);
}

std::string_view method_label(std::string_view method) {
  static constexpr std::array<std::string_view, 7> kKnown = {"GET",   "HEAD",   "POST",   "PUT",
                                                             "PATCH", "DELETE", "OPTIONS"};
  for (const auto known : kKnown) {
    if (method == known) return known;
  }
  return "other";
}

const std::vector<RocksDbGauge>& rocksdb_gauges() {
  static const std::vector<RocksDbGauge> kGauges = {
      {"rocksdb.live-sst-files-size", "orgd_rocksdb_live_sst_files_size_bytes",
       "Size of the SST files the current version of the database uses (all column families)"},
      {"rocksdb.estimate-pending-compaction-bytes",
       "orgd_rocksdb_estimate_pending_compaction_bytes",
       "Bytes RocksDB estimates compaction must rewrite to settle the levels"},
      {"rocksdb.cur-size-all-mem-tables", "orgd_rocksdb_cur_size_all_mem_tables_bytes",
       "Size of the active and unflushed immutable memtables (all column families)"},
      {"rocksdb.estimate-table-readers-mem", "orgd_rocksdb_estimate_table_readers_mem_bytes",
       "Memory of the open SST files' readers: index and filter blocks (all column families)"},
      {"rocksdb.block-cache-capacity", "orgd_rocksdb_block_cache_capacity_bytes",
       "Capacity of the block cache shared by all column families (--block-cache)", false},
      {"rocksdb.block-cache-usage", "orgd_rocksdb_block_cache_usage_bytes",
       "Bytes in the block cache: blocks read, and the memtables' memory charged to it", false},
  };
  return kGauges;
}

}  // namespace orgd::api
