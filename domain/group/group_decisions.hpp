#pragma once
// Group rules. Owners and admins of an organization (or a SuperAdmin) create groups of
// customers or of things and manage their members; customers groups hold customers of the same
// organization. The two global groups stand for "everyone" and "everything" of the
// organization: their membership follows the organization, so it is not edited by hand, and
// they cannot be deleted.

#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <span>
#include <string>

#include "domain/caller.hpp"
#include "domain/customer/customer.hpp"
#include "domain/decision.hpp"
#include "domain/domain_error.hpp"
#include "domain/event.hpp"
#include "domain/event_meta.hpp"
#include "domain/group/group.hpp"
#include "domain/organization/organization_commands.hpp"
#include "domain/resource/resource.hpp"

namespace orgd::domain {

struct Group {
  std::string id;
  std::string organization_id;
  std::string name;
  std::string kind;
  bool global{false};
  bool deleted{false};
  // Each member, with where in the log its last GroupMemberAdded is (0: not known, as in a
  // group built outside a log): a departure's second look tells a membership from before the
  // departure from one taken since.
  std::map<std::string, std::uint64_t, std::less<>> members;
  std::uint64_t version{0};
  [[nodiscard]] bool exists() const { return version > 0 && !deleted; }
};

[[nodiscard]] Group apply(Group state, const Event& event, const EventMeta& meta);

struct CreateGroup {
  std::string id;
  std::string organization_id;
  std::string name;
  std::string kind;
};
// expected_version: the group's version the caller read (If-Match); 0 = none sent.
struct AddGroupMember {
  std::string group_id;
  std::string member_id;
  std::uint64_t expected_version{0};
};
struct RemoveGroupMember {
  std::string group_id;
  std::string member_id;
  std::uint64_t expected_version{0};
};
struct DeleteGroup {
  std::string group_id;
  std::uint64_t expected_version{0};
};

[[nodiscard]] std::expected<Decision, DomainError> decide(const Group& existing,
                                                          const CreateGroup& command,
                                                          const Caller& caller,
                                                          const Organization& organization,
                                                          const AncestorChain& ancestors);
// A customers group takes a customer of its organization...
[[nodiscard]] std::expected<Decision, DomainError> decide(const Group& group,
                                                          const AddGroupMember& command,
                                                          const Caller& caller,
                                                          const Customer& customer);
// ... and a things group a resource of its organization.
[[nodiscard]] std::expected<Decision, DomainError> decide(const Group& group,
                                                          const AddGroupMember& command,
                                                          const Caller& caller,
                                                          const Resource& thing);
[[nodiscard]] std::expected<Decision, DomainError> decide(const Group& group,
                                                          const RemoveGroupMember& command,
                                                          const Caller& caller);
[[nodiscard]] std::expected<Decision, DomainError> decide(const Group& group,
                                                          const DeleteGroup& command,
                                                          const Caller& caller);

// A member leaving `organization_id` leaves the ordinary groups there that hold it: a customer
// removed, deleted or moved out of Default (so that coming back gives it none of them), a
// resource deleted or handed to another organization. A GroupMemberRemoved on each of `groups`
// that is such a group, guarded by the group's version. Any groups may be passed; the others
// are skipped. The departure itself is recorded in `decision.departures`, for the second look
// at the groups once it is applied (leave_groups_joined_before).
void leave_groups(Decision& decision, std::span<const Group> groups,
                  std::string_view organization_id, std::string_view member_id);

// A departure's second look, once it is applied at log position `departed_at`: the ordinary
// groups of `organization_id` among `groups` that still hold the member by a GroupMemberAdded
// from before that position were joined while the departure was decided (its decision found
// the groups in a read model that did not show the addition yet), and the member leaves them
// as leave_groups has it. A membership taken since (the member came back and joined again)
// is kept.
[[nodiscard]] Decision leave_groups_joined_before(std::span<const Group> groups,
                                                  std::string_view organization_id,
                                                  std::string_view member_id,
                                                  std::uint64_t departed_at);

// Why a member no longer counts for an ordinary group of `group_organization` it joined at log
// position `joined_at` (leave_groups' rule: a departure ends its memberships there, and coming
// back brings none of them back); `none` while it does. The member as it stands: whether it
// exists, its organization, and where in the log it arrived there.
enum class MembershipLapse : std::uint8_t { none, member_gone, elsewhere, left_and_back };
[[nodiscard]] MembershipLapse membership_lapse(std::string_view group_organization,
                                               std::uint64_t joined_at, bool member_exists,
                                               std::string_view member_organization,
                                               std::uint64_t member_arrived_at);

// Who sees a group: the platform roles and the customers of its organization (but Default's:
// its customers do not see each other).
[[nodiscard]] bool can_view_group(const Caller& caller, std::string_view organization_id);
// Listing an existing organization's groups: not-found when it is out of the caller's reach
// (`ancestors`: its parent first), forbidden when it is in reach (an organization below the
// caller's) but not the caller's own; nullopt when the caller may.
[[nodiscard]] std::optional<DomainError> check_group_listing(const Caller& caller,
                                                             std::string_view organization_id,
                                                             const AncestorChain& ancestors);

}  // namespace orgd::domain
