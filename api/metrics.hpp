#pragma once
// orgd's Prometheus metrics: prometheus-cpp's registry for what is counted as it happens
// (requests, commands, appends), plus figures read at scrape time (open connections,
// projection checkpoints and lag, RocksDB properties), serialized in the text format by
// GET /metrics (metrics_routes.hpp).
//
// Label sets stay bounded: routes are router templates ("/api/v1/organizations/{id}", or
// "unmatched"), methods one of the seven HTTP methods orgd knows (else "other"), commands a
// fixed name per command route.
//
// Thread-safety: every member may be called from any thread once constructed; set_scrape()
// before the first serialize().

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/command_observer.hpp"
#include "eventstore/store_options.hpp"

namespace prometheus {
class Registry;
struct MetricFamily;
}  // namespace prometheus

namespace orgd::api {

// A projection's position at scrape time.
struct ProjectionGauge {
  std::string name;
  std::uint64_t checkpoint{0};
  bool stopped{false};  // stopped on an error (it never skips an event)
};

// What is read when /metrics is scraped. Every function may be empty (then its metrics are
// left out); they run on the scraping I/O thread and must be cheap.
struct ScrapeSources {
  std::function<std::size_t()> open_connections;
  std::function<std::uint64_t()> head_position;
  std::function<bool()> log_writable;
  std::function<std::vector<ProjectionGauge>()> projections;
  // A RocksDB integer property summed over column families ("rocksdb.live-sst-files-size"),
  // or nullopt when the database does not know it.
  // `summed`: the property's values of every column family added up; else the store's one
  // value (of a part they share, such as the block cache).
  std::function<std::optional<std::uint64_t>(std::string_view property, bool summed)>
      rocksdb_property;
};

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One HTTP response: orgd_http_requests_total{route,method,status} and
  // orgd_http_request_duration_seconds{route,method}. `route` empty = "unmatched".
  void observe_request(std::string_view method, std::string_view route, int status,
                       std::chrono::nanoseconds duration);
  // One command request's end: orgd_commands_total{command,outcome}.
  void observe_command(std::string_view command, CommandResult result);
  // One group-commit round: orgd_eventstore_append_batch_size,
  // orgd_eventstore_fsync_duration_seconds, orgd_eventstore_events_appended_total,
  // orgd_eventstore_write_failures_total.
  void observe_batch(const eventstore::BatchWritten& batch);

  void set_scrape(ScrapeSources sources);

  // Everything, in the Prometheus text exposition format (version 0.0.4).
  [[nodiscard]] std::string serialize() const;

  struct Families;

 private:
  [[nodiscard]] std::vector<prometheus::MetricFamily> scrape() const;

  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Families> families_;
  ScrapeSources sources_;
};

// The metric label for a request method: "GET", "HEAD", ... for the methods orgd knows,
// "other" for anything else (so a client cannot grow the label set).
[[nodiscard]] std::string_view method_label(std::string_view method);

// The command name of a command route: "CreateOrganization" for POST /api/v1/organizations,
// and "<METHOD> <template>" for a route without a name yet.
[[nodiscard]] std::string command_name(std::string_view method, std::string_view route);

// The RocksDB properties exported at scrape time, with their metric names.
struct RocksDbGauge {
  std::string_view property;  // e.g. "rocksdb.live-sst-files-size"
  std::string_view metric;    // e.g. "orgd_rocksdb_live_sst_files_size_bytes"
  std::string_view help;
  bool summed{true};  // per column family, added up (ScrapeSources::rocksdb_property)
};
[[nodiscard]] const std::vector<RocksDbGauge>& rocksdb_gauges();

}  // namespace orgd::api
