#pragma once
// The individual checks behind verify() (verify.hpp), split so each stays small.
// Internal to replay/. Thread-safety: as verify().

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/customer/customer.hpp"
#include "domain/group/group_decisions.hpp"
#include "domain/organization/organization.hpp"
#include "domain/resource/resource.hpp"
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

// A member an ordinary group still lists though it left the group's organization after it
// joined (domain::leave_groups' rule): the departure's second look did not run (a crash or a
// stop between the two appends, or a release from before it).
struct StaleMembership {
  std::string group_id;
  std::string member_id;
  std::uint64_t joined_at{0};  // the member's last GroupMemberAdded
  std::string why;             // "it left <organization> at position <p>", "it is deleted"
};

// What the log implies about the indexes, gathered in one pass over it.
struct LogFacts {
  std::map<std::string, std::vector<std::uint64_t>> streams;  // stream -> positions by version
  std::map<std::string, ExpectedClaim> claims;  // claims CF key (scope \0 value) -> owner
  std::uint64_t memberships{0};                 // of the ordinary groups that count
  std::vector<StaleMembership> stale_memberships;
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

// Folds groups, and the customers and resources they hold, to find the memberships a
// departure should have ended: a member of an ordinary group of a live organization that is
// deleted, in another organization, or back in it after leaving since it joined.
class MembershipTracker {
 public:
  void observe(const eventstore::Envelope& envelope, const domain::Event& event);
  // Those memberships, in the order they were taken; `counted` gets how many were looked at.
  [[nodiscard]] std::vector<StaleMembership> stale(std::uint64_t& counted) const;

 private:
  // What the check needs of a customer, resource or organization, and no more (a log of
  // millions of customers): folded through the domain's apply all the same, on a state that
  // holds just these fields.
  struct Placed {
    std::string organization_id;  // customers and resources
    std::uint64_t version{0};
    bool deleted{false};
    std::uint64_t arrived_at{0};  // when organization_id last changed
    [[nodiscard]] bool exists() const { return version > 0 && !deleted; }
  };
  template <class State>
  static void fold(Placed& placed, const domain::Event& event, const domain::EventMeta& meta);
  [[nodiscard]] static std::optional<std::string> left(const std::map<std::string, Placed>& members,
                                                       const std::string& stream,
                                                       const std::string& group_org,
                                                       std::uint64_t joined_at);

  std::map<std::string, domain::Group> groups_;  // by stream
  std::map<std::string, Placed> organizations_;  // by stream
  std::map<std::string, Placed> customers_;      // by stream
  std::map<std::string, Placed> resources_;      // by stream
};

[[nodiscard]] CheckResult check_log(const eventstore::Store& store, LogFacts& facts);
// Every membership of an ordinary group still counts (facts.stale_memberships is empty).
[[nodiscard]] CheckResult check_groups(const LogFacts& facts);
[[nodiscard]] CheckResult check_streams(const eventstore::Store& store, const LogFacts& facts);
[[nodiscard]] CheckResult check_claims(const eventstore::Store& store, const LogFacts& facts);
[[nodiscard]] CheckResult check_projection(const eventstore::Store& store,
                                           projections::Projection& projection,
                                           const projections::ReadModelHandles& handles,
                                           const ScratchDb& scratch);

// Bytes as an auditor can read them (eventstore/printable_bytes.hpp).
using eventstore::printable_bytes;

}  // namespace orgd::replay
