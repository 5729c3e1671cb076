#pragma once
// What orgd logs of the work its background threads do: the event log's synced writes (the
// writer thread), the projections' batches (the projection thread) and online rebuilds (the
// rebuild thread). The event store and the projections do not log; they report to these.
// Lines hold positions, counts, sizes, times, projection names and storage errors: never an
// event's content, an id of a customer or anything a client sent.
//
// Thread-safety: any thread.

#include <optional>

#include "eventstore/store_options.hpp"
#include "projections/online_rebuild.hpp"
#include "projections/projection_runner.hpp"

namespace orgd::api {

// For StoreOptions::on_batch_written: each round that wrote is a debug line (requests,
// events, bytes, the synced write's time).
void log_write_round(const eventstore::BatchWritten& batch);

// For StoreOptions::on_writable_changed, and at a start on a log that cannot be written: the
// log stops being written (error, with the reason) or is written again (warn), once each
// however many rounds fail in between.
void log_writable_changed(const std::optional<eventstore::WriteFailure>& failure);

// For ProjectionRunnerOptions::on_applied: each batch the projections applied, at debug.
void log_applied_batch(const projections::AppliedBatch& batch);

// For OnlineRebuilds: each projection's rebuild starting and finishing at info (which
// projection, up to which position; events replayed and time taken), failing at error.
[[nodiscard]] projections::RebuildObserver rebuild_log();

}  // namespace orgd::api
