#pragma once
// The individual checks behind verify() (verify.hpp), split so each stays small.
// Internal to replay/. Thread-safety: as verify().

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "domain/customer/customer.hpp"
#include "domain/organization/organization.hpp"
#include "eventstore/printable_bytes.hpp"
#include "eventstore/store.hpp"
#include "projections/projection.hpp"
#include "projections/read_model_handles.hpp"
#include "replay/scratch_db.hpp"
#include "replay/verify.hpp"

namespace orgd::replay {

struct ExpectedClaim {
  std::string owner;          // the owning aggregate's stream; empty: any (the log has no owner)
  std::uint64_t position{0};  // the event that set the claimed value
};

// What the log implies about the indexes, gathered in one pass over it.
struct LogFacts {
  std::map<std::string, std::vector<std::uint64_t>> streams;  // stream -> positions by version
  std::map<std::string, ExpectedClaim> claims;  // claims CF key (scope \0 value) -> owner
};

// Folds organizations and customers through the domain's apply to learn which names and
// emails must be claimed now; and collects the Idempotency-Keys the commands carried, each of
// which its append claimed for good.
class ClaimTracker {
 public:
  void observe(const eventstore::Envelope& envelope, const domain::Event& event);
  [[nodiscard]] std::map<std::string, ExpectedClaim> expected() const;

 private:
  template <class State>
  struct Tracked {
    State state;
    std::uint64_t value_position{0};  // when the claimed value last changed
  };
  std::map<std::string, Tracked<domain::Organization>> organizations_;  // by stream
  std::map<std::string, Tracked<domain::Customer>> customers_;          // by stream
  std::map<std::string, std::uint64_t> idempotency_keys_;  // claim value -> first position
};

[[nodiscard]] CheckResult check_log(const eventstore::Store& store, LogFacts& facts);
[[nodiscard]] CheckResult check_streams(const eventstore::Store& store, const LogFacts& facts);
[[nodiscard]] CheckResult check_claims(const eventstore::Store& store, const LogFacts& facts);
[[nodiscard]] CheckResult check_projection(const eventstore::Store& store,
                                           projections::Projection& projection,
                                           const projections::ReadModelHandles& handles,
                                           const ScratchDb& scratch);

// Bytes as an auditor can read them (eventstore/printable_bytes.hpp).
using eventstore::printable_bytes;

}  // namespace orgd::replay
