#include "api/metrics_routes.hpp"

#include <rocksdb/db.h>

#include "eventstore/store.hpp"
#include "projections/projection_runner.hpp"

namespace orgd::api {

void add_metrics_routes(Router& router, const Metrics& metrics) {
  router.add(HttpMethod::get, "/metrics", [&metrics](HttpRequest, PathParams, Responder respond) {
    HttpResponse response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = metrics.serialize();
    response.headers.emplace_back("Cache-Control", "no-store");
    respond(std::move(response));
  });
}

ScrapeSources scrape_sources(const eventstore::Store& store,
                             const projections::ProjectionRunner& projections,
                             std::function<std::size_t()> open_connections) {
  ScrapeSources sources;
  sources.open_connections = std::move(open_connections);
  sources.head_position = [&store] { return store.head_position(); };
  sources.log_writable = [&store] { return !store.write_failure(); };
  sources.projections = [&projections] {
    std::vector<ProjectionGauge> gauges;
    for (const auto& status : projections.status()) {
      gauges.push_back({status.name, status.checkpoint, !status.error.empty()});
    }
    return gauges;
  };
  sources.rocksdb_property = [&store](std::string_view property,
                                      bool summed) -> std::optional<std::uint64_t> {
    rocksdb::DB* db = store.db();
    const rocksdb::Slice name(property.data(), property.size());
    std::uint64_t value = 0;
    if (db == nullptr) return std::nullopt;
    const bool read =
        summed ? db->GetAggregatedIntProperty(name, &value) : db->GetIntProperty(name, &value);
    if (!read) return std::nullopt;
    return value;
  };
  return sources;
}

}  // namespace orgd::api
