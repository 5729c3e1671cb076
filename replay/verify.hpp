#pragma once
// Verification of a data directory, for auditors (orgctl verify) and tests:
//   log          every position from 1 to the head is present, decodes, sits under its own
//                key, continues its stream's versions, does not go back in time, and its hash
//                is H(previous hash ‖ canonical bytes) -- the chain an auditor can recompute;
//                the store's head (position and hash) is the last event's.
//   streams      the stream index maps every (stream, version) to the right position, has no
//                other entries, and every stream head is the stream's last version.
//   claims       the unique claims are exactly the names of non-deleted organizations and the
//                emails of non-deleted customers (folded through the domain's own apply),
//                each owned by its aggregate's stream; and the idempotency-key claims are
//                exactly the actor:key of the envelopes that carry a key (their owner, a
//                request id, is not in the log). Claims in any other scope are skipped.
//   groups       (advisory) every member of an ordinary group of a live organization still
//                counts for it: not deleted, in the group's organization, and there since
//                before it joined (what a departure's second look leaves undone when it does
//                not run).
//   projection:X each read model equals a fresh replay of the log up to its checkpoint, key
//                by key, in a scratch database.
// Each check reports its FIRST divergence: the log position it concerns, what was expected
// and what was found. When the log itself diverges the other checks are skipped: they
// would only echo it.
//
// Thread-safety: any thread; the store may be serving (a read-only open of a live
// directory verifies what was durable at open).

#include <boost/json/object.hpp>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "eventstore/store.hpp"
#include "projections/read_model_handles.hpp"

namespace orgd::replay {

struct Divergence {
  std::uint64_t position{0};  // the log position concerned; 0 when none applies
  std::string expected;
  std::string found;
};

struct CheckResult {
  std::string name;  // "log", "streams", "claims", "projection:<name>"
  std::uint64_t checked{0};                // events, index entries, claims or keys compared
  std::optional<Divergence> divergence;    // the first one
  std::string skipped;                     // why the check did not run; empty when it ran
  // A rule of the domain rather than the integrity of the log or a read model (groups): its
  // divergence is reported, but leaves the report ok (a store whose log is intact verifies,
  // and restores).
  bool advisory{false};
  [[nodiscard]] bool ok() const { return !divergence && skipped.empty(); }
};

struct VerifyReport {
  std::uint64_t head{0};
  std::vector<CheckResult> checks;
  [[nodiscard]] bool ok() const;  // every check but the advisory ones
};

struct VerifyOptions {
  // Where the scratch database for fresh replays is created (and removed). Default: the
  // system's temp directory.
  std::filesystem::path scratch_parent{std::filesystem::temp_directory_path()};
  // Compare the read models too (the slow part). Default: true.
  bool projections{true};
  // Where the live read models are. Default: null = resolve them from the data directory's
  // catalog, which misses column families a running server created since it opened (pass
  // ProjectionRunner::read_models() when verifying inside the server).
  const projections::ReadModelHandles* read_models{nullptr};
  // Called with each check's name as it starts. Default: none.
  std::function<void(const std::string& check)> on_check;
};

// Errors: only a failure to run at all (the scratch database cannot be created); every
// divergence, including unreadable data, is a failed check in the report.
[[nodiscard]] std::expected<VerifyReport, std::string> verify(eventstore::Store& store,
                                                              const VerifyOptions& options = {});

// {ok, head, checks: [{name, ok, checked, advisory?, skipped?, divergence?: {position, expected,
// found}}]}
[[nodiscard]] boost::json::object verify_report_json(const VerifyReport& report);

}  // namespace orgd::replay
