#pragma once
// The input and outcomes of one atomic append.

#include <cstdint>
#include <string>
#include <vector>

#include "eventstore/envelope.hpp"
#include "eventstore/expected_version.hpp"

namespace orgd::eventstore {

// Events for one stream. With no events the entry is a guard: it only checks the version.
struct StreamAppend {
  std::string stream_id;
  ExpectedVersion expected;
  std::vector<EventData> events;
};

// Reserves `value` within `scope` (e.g. scope "organization-name", value "acme") for `owner`.
// Fails the append if another owner holds it. Claiming a value one already owns succeeds.
struct UniqueClaim {
  std::string scope;
  std::string value;
  std::string owner;
};

// Frees a claimed value. Releasing a value that is not claimed is not an error.
struct UniqueRelease {
  std::string scope;
  std::string value;
};

struct AppendRequest {
  std::vector<StreamAppend> streams;
  std::vector<UniqueClaim> claims;
  std::vector<UniqueRelease> releases;
  std::string actor;           // recorded on every envelope
  std::string correlation_id;  // recorded on every envelope
  std::string idempotency_key;  // recorded on every envelope; may be empty
  // Command time. The store records max(this, previous envelope's time) so time never runs
  // backwards along the log; 0 means "now" by the store's clock.
  std::int64_t timestamp_ms{0};
};

struct AppendResult {
  std::uint64_t first_position{0};  // 0 when the request held only guards
  std::uint64_t last_position{0};   // the log's head after this append
  std::int64_t timestamp_ms{0};     // as recorded
  std::vector<std::uint64_t> stream_versions;  // per request entry, the version after the append
};

enum class AppendErrorCode : std::uint8_t {
  version_conflict,     // `stream_id` was at `actual_version`, not what was expected
  claim_taken,          // `claim_scope`/`claim_value` is owned by someone else
  invalid_request,      // empty stream id, duplicate stream entries, nothing to do, ...
  storage_unavailable,  // the write or its fsync failed; nothing was acknowledged
  closed,               // the store is shutting down
};

struct AppendError {
  AppendErrorCode code{AppendErrorCode::invalid_request};
  std::string stream_id;
  std::uint64_t actual_version{0};
  std::string claim_scope;
  std::string claim_value;
  std::string message;  // human readable, names the stream or claim
};

}  // namespace orgd::eventstore
