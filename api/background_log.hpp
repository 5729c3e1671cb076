#pragma once
// What orgd logs of the work its background threads do: the event log's synced writes (the
// writer thread), the projections' batches (the projection thread) and online rebuilds (the
// rebuild thread). The event store and the projections do not log; they report to these.
// Lines hold positions, counts, sizes, times, projection names and storage errors: never an
// event's content, an id of a customer or anything a client sent.
//
// Thread-safety: WriteRoundLog on the writer thread alone; the others from any thread.

#include "eventstore/store_options.hpp"
#include "projections/online_rebuild.hpp"
#include "projections/projection_runner.hpp"

namespace orgd::api {

// For StoreOptions::on_batch_written. A failing disk is logged once when writes start failing
// (error) and once when they succeed again (warn), however many rounds fail in between; each
// round that wrote is a debug line (requests, events, bytes, the synced write's time).
class WriteRoundLog {
 public:
  void operator()(const eventstore::BatchWritten& batch);

 private:
  bool failing_{false};
};

// For ProjectionRunnerOptions::on_applied: each batch the projections applied, at debug.
void log_applied_batch(const projections::AppliedBatch& batch);

// For OnlineRebuilds: each projection's rebuild starting and finishing at info (which
// projection, up to which position; events replayed and time taken), failing at error.
[[nodiscard]] projections::RebuildObserver rebuild_log();

}  // namespace orgd::api
