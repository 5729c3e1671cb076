// Metrics: label values stay bounded, counters and histograms move as observed, scrape-time
// sources appear, and the text output is what Prometheus (and promtool) expect.

#include "api/metrics.hpp"

#include <gtest/gtest.h>

#include "tests/support/metrics_text.hpp"

namespace orgd::api {
namespace {

using test::Labels;
using test::parse_metrics;
using test::series;

TEST(Metrics, RequestsAreCountedByRouteMethodAndStatus) {
  Metrics metrics;
  metrics.observe_request("GET", "/api/v1/organizations/{id}", 200, std::chrono::milliseconds(3));
  metrics.observe_request("GET", "/api/v1/organizations/{id}", 200, std::chrono::milliseconds(30));
  metrics.observe_request("GET", "/api/v1/organizations/{id}", 404, std::chrono::microseconds(90));
  metrics.observe_request("BREW", "", 404, std::chrono::milliseconds(1));
  const auto samples = parse_metrics(metrics.serialize());
  EXPECT_EQ(samples.at(series("orgd_http_requests_total", {{"route", "/api/v1/organizations/{id}"},
                                                           {"method", "GET"},
                                                           {"status", "200"}})),
            2);
  EXPECT_EQ(samples.at(series("orgd_http_requests_total", {{"route", "/api/v1/organizations/{id}"},
                                                           {"method", "GET"},
                                                           {"status", "404"}})),
            1);
  EXPECT_EQ(samples.at(series("orgd_http_requests_total",
                              {{"route", "unmatched"}, {"method", "other"}, {"status", "404"}})),
            1);
  const Labels route{{"route", "/api/v1/organizations/{id}"}, {"method", "GET"}};
  EXPECT_EQ(samples.at(series("orgd_http_request_duration_seconds_count", route)), 3);
  EXPECT_NEAR(samples.at(series("orgd_http_request_duration_seconds_sum", route)), 0.03309, 1e-9);
  auto bucket = route;
  bucket["le"] = "0.005";
  EXPECT_EQ(samples.at(series("orgd_http_request_duration_seconds_bucket", bucket)), 2);
}

TEST(Metrics, CommandsAreCountedByNameAndOutcome) {
  Metrics metrics;
  metrics.observe_command(command_name("POST", "/api/v1/organizations"), CommandResult::ok);
  metrics.observe_command(command_name("PUT", "/api/v1/organizations/{id}"),
                          CommandResult::conflict);
  metrics.observe_command(command_name("PUT", "/api/v1/organizations/{id}"),
                          CommandResult::rejected);
  metrics.observe_command(command_name("POST", "/api/v1/things/{id}/frob"), CommandResult::failed);
  const auto samples = parse_metrics(metrics.serialize());
  const auto count = [&](std::string command, std::string outcome) {
    return samples.at(series("orgd_commands_total", {{"command", command}, {"outcome", outcome}}));
  };
  EXPECT_EQ(count("CreateOrganization", "ok"), 1);
  EXPECT_EQ(count("UpdateOrganization", "conflict"), 1);
  EXPECT_EQ(count("UpdateOrganization", "rejected"), 1);
  EXPECT_EQ(count("POST /api/v1/things/{id}/frob", "failed"), 1);
}

TEST(Metrics, BatchesFeedSizeFsyncAndEventCounts) {
  Metrics metrics;
  metrics.observe_batch({.requests = 3, .events = 7, .write_duration = std::chrono::microseconds(800)});
  metrics.observe_batch({.requests = 1, .events = 1, .write_duration = std::chrono::milliseconds(2)});
  metrics.observe_batch({.requests = 2, .events = 0, .write_duration = {}, .ok = false});
  const auto samples = parse_metrics(metrics.serialize());
  EXPECT_EQ(samples.at("orgd_eventstore_events_appended_total"), 8);
  EXPECT_EQ(samples.at("orgd_eventstore_append_batch_size_count"), 2);
  EXPECT_EQ(samples.at("orgd_eventstore_append_batch_size_sum"), 4);
  EXPECT_EQ(samples.at(series("orgd_eventstore_append_batch_size_bucket", {{"le", "2"}})), 1);
  EXPECT_EQ(samples.at("orgd_eventstore_fsync_duration_seconds_count"), 2);
  EXPECT_NEAR(samples.at("orgd_eventstore_fsync_duration_seconds_sum"), 0.0028, 1e-12);
  EXPECT_EQ(samples.at("orgd_eventstore_write_failures_total"), 1);
}

TEST(Metrics, ScrapeTimeSourcesAreReadAtEachScrape) {
  Metrics metrics;
  std::size_t connections = 2;
  ScrapeSources sources;
  sources.open_connections = [&connections] { return connections; };
  sources.head_position = [] { return std::uint64_t{40}; };
  sources.projections = [] {
    return std::vector<ProjectionGauge>{{"organizations", 40, false}, {"customers", 37, true}};
  };
  sources.rocksdb_property = [](std::string_view property,
                                bool summed) -> std::optional<std::uint64_t> {
    if (property == "rocksdb.estimate-pending-compaction-bytes") return std::nullopt;
    return property.size() + (summed ? 0 : 1000);
  };
  metrics.set_scrape(std::move(sources));
  auto samples = parse_metrics(metrics.serialize());
  EXPECT_EQ(samples.at("orgd_http_open_connections"), 2);
  EXPECT_EQ(samples.at("orgd_eventstore_head_position"), 40);
  EXPECT_EQ(samples.at(series("orgd_projection_checkpoint_position", {{"projection", "customers"}})), 37);
  EXPECT_EQ(samples.at(series("orgd_projection_lag_events", {{"projection", "customers"}})), 3);
  EXPECT_EQ(samples.at(series("orgd_projection_lag_events", {{"projection", "organizations"}})), 0);
  EXPECT_EQ(samples.at(series("orgd_projection_stopped", {{"projection", "customers"}})), 1);
  EXPECT_EQ(samples.at("orgd_rocksdb_live_sst_files_size_bytes"),
            std::string_view("rocksdb.live-sst-files-size").size());
  EXPECT_FALSE(samples.contains("orgd_rocksdb_estimate_pending_compaction_bytes"));
  EXPECT_EQ(samples.at("orgd_rocksdb_estimate_table_readers_mem_bytes"),
            std::string_view("rocksdb.estimate-table-readers-mem").size());
  // The block cache is the store's, shared: read once, not added up per column family.
  EXPECT_EQ(samples.at("orgd_rocksdb_block_cache_capacity_bytes"),
            std::string_view("rocksdb.block-cache-capacity").size() + 1000);
  EXPECT_EQ(samples.at("orgd_rocksdb_block_cache_usage_bytes"),
            std::string_view("rocksdb.block-cache-usage").size() + 1000);
  connections = 5;
  samples = parse_metrics(metrics.serialize());
  EXPECT_EQ(samples.at("orgd_http_open_connections"), 5);
}

TEST(Metrics, EveryFamilyHasHelpAndType) {
  Metrics metrics;
  metrics.observe_request("GET", "/healthz", 200, std::chrono::milliseconds(1));
  metrics.observe_command("Signup", CommandResult::ok);
  const std::string text = metrics.serialize();
  for (const auto* family : {"orgd_http_requests_total", "orgd_http_request_duration_seconds",
                             "orgd_commands_total", "orgd_eventstore_append_batch_size",
                             "orgd_eventstore_fsync_duration_seconds",
                             "orgd_eventstore_events_appended_total",
                             "orgd_eventstore_write_failures_total"}) {
    EXPECT_NE(text.find(std::string("# HELP ") + family + " "), std::string::npos) << family;
    EXPECT_NE(text.find(std::string("# TYPE ") + family + " "), std::string::npos) << family;
  }
}

TEST(Metrics, MethodLabelsAreBounded) {
  EXPECT_EQ(method_label("GET"), "GET");
  EXPECT_EQ(method_label("DELETE"), "DELETE");
  EXPECT_EQ(method_label("get"), "other");
  EXPECT_EQ(method_label("PROPFIND"), "other");
  EXPECT_EQ(method_label(""), "other");
}

TEST(Metrics, CommandNamesComeFromTheRouteTable) {
  EXPECT_EQ(command_name("POST", "/api/v1/signup"), "Signup");
  EXPECT_EQ(command_name("DELETE", "/api/v1/sessions/current"), "EndSession");
  EXPECT_EQ(command_name("PUT", "/api/v1/organizations/{id}/members/{customerId}/role"),
            "ChangeMemberRole");
  EXPECT_EQ(command_name("PATCH", "/api/v1/nothing"), "PATCH /api/v1/nothing");
  EXPECT_EQ(command_name("FROB", ""), "other unmatched");
}

}  // namespace
}  // namespace orgd::api
