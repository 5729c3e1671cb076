#include "api/background_log.hpp"

#include <spdlog/spdlog.h>

namespace orgd::api {
namespace {

double milliseconds(std::chrono::nanoseconds duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

double seconds(std::chrono::milliseconds duration) {
  return std::chrono::duration<double>(duration).count();
}

}  // namespace

void log_write_round(const eventstore::BatchWritten& batch) {
  // Every command passes here: at info nothing more than this test.
  if (batch.ok && spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("event log write: {} requests, {} events, {} bytes, synced in {:.3f} ms",
                  batch.requests, batch.events, batch.bytes, milliseconds(batch.write_duration));
  }
}

void log_writable_changed(const std::optional<eventstore::WriteFailure>& failure) {
  if (failure) {
    spdlog::error("the event log cannot be written; commands answer 503 storage-unavailable: {}",
                  failure->reason);
  } else {
    spdlog::warn("the event log is written again");
  }
}

void log_applied_batch(const projections::AppliedBatch& batch) {
  if (!spdlog::should_log(spdlog::level::debug)) return;
  spdlog::debug("projections applied positions {}..{} ({} events) in {:.3f} ms", batch.first,
                batch.last, batch.last - batch.first + 1, milliseconds(batch.duration));
}

projections::RebuildObserver rebuild_log() {
  return {
      .started =
          [](const projections::RebuildStatus& status) {
            spdlog::info("online rebuild of {} started: replaying the log up to position {}",
                         status.projection, status.total);
          },
      .finished =
          [](const projections::RebuildStatus& status, std::chrono::milliseconds took) {
            switch (status.state) {
              case projections::RebuildState::done:
                spdlog::info("online rebuild of {} done: {} events replayed in {:.3f} s",
                             status.projection, status.done, seconds(took));
                return;
              case projections::RebuildState::cancelled:
                spdlog::info("online rebuild of {} cancelled after {:.3f} s: {}", status.projection,
                             seconds(took), status.error);
                return;
              case projections::RebuildState::failed:
              case projections::RebuildState::running:
                break;
            }
            spdlog::error("online rebuild of {} failed after {:.3f} s: {}", status.projection,
                          seconds(took), status.error);
          },
  };
}

}  // namespace orgd::api
