#pragma once
// Walking the whole log in chunks, for exports, statistics, rebuilds and benchmarks.
// Thread-safety: any thread; sees the events acknowledged when the walk starts.

#include <cstdint>
#include <expected>
#include <functional>
#include <ostream>

#include "eventstore/store.hpp"

namespace orgd::replay {

// Calls visit(envelope) for every position from `from` to the head as of the call, in order,
// until visit returns false. Returns the number of envelopes visited. Errors: io_error,
// corruption (the first envelope that does not decode stops the walk).
[[nodiscard]] std::expected<std::uint64_t, eventstore::StoreError> scan_log(
    const eventstore::Store& store, std::uint64_t from,
    const std::function<bool(const eventstore::Envelope&)>& visit);

// Writes the log from `from` as JSON lines, one history entry (history_entry.hpp) per line,
// secrets redacted. Returns the number of lines. Errors as scan_log, plus io_error when the
// stream fails.
[[nodiscard]] std::expected<std::uint64_t, eventstore::StoreError> export_log(
    const eventstore::Store& store, std::uint64_t from, std::ostream& out);

}  // namespace orgd::replay
