#pragma once
// GET /metrics: the Prometheus text format, unauthenticated (like /healthz; bind orgd to an
// address only operators reach, or put a proxy in front).

#include "api/http/router.hpp"
#include "api/metrics.hpp"

namespace orgd::eventstore {
class Store;
}
namespace orgd::projections {
class ProjectionRunner;
}

namespace orgd::api {

// `metrics` must outlive the router.
void add_metrics_routes(Router& router, const Metrics& metrics);

// Scrape-time sources reading the store (head, RocksDB properties), the projections
// (checkpoints, stops) and `open_connections`. The store and runner must outlive the result.
[[nodiscard]] ScrapeSources scrape_sources(const eventstore::Store& store,
                                           const projections::ProjectionRunner& projections,
                                           std::function<std::size_t()> open_connections);

}  // namespace orgd::api
