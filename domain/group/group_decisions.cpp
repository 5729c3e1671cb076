#include "domain/group/group_decisions.hpp"

#include "domain/field_rules.hpp"
#include "domain/organization/organization_access.hpp"

namespace orgd::domain {
namespace {

DomainError group_not_found(std::string_view id) {
  return refused(DomainErrorCode::not_found, "not-found",
                 "group " + std::string(id) + " does not exist");
}

// Owners and admins of the group's own organization, or a SuperAdmin.
bool manages_group(const Caller& caller, std::string_view organization_id) {
  if (caller.is_superadmin()) return true;
  return caller.platform_role == PlatformRole::none && caller.organization_id == organization_id &&
         caller.manages_own_organization();
}

// `expected_version`: the If-Match a caller sent (0: none), checked after visibility, so a
// stale precondition tells nothing about a group one cannot see.
std::optional<DomainError> check_editable(const Group& group, std::string_view id,
                                          const Caller& caller, std::uint64_t expected_version) {
  if (!group.exists() || !can_view_group(caller, group.organization_id)) {
    return group_not_found(id);
  }
  if (!manages_group(caller, group.organization_id)) {
    return refused(DomainErrorCode::forbidden, "forbidden",
                   "only the organization's owners and admins manage its groups");
  }
  if (group.global) {
    return refused(DomainErrorCode::rule_violated, "global-group",
                   "a global group follows its organization and cannot be edited or deleted");
  }
  return stale_if_match(expected_version, group.version, "group");
}

// Adds `member_id` (nothing when it is a member already), guarded by the version of the stream
// that says the member may join.
Decision member_added(const Group& group, const std::string& member_id, std::string guard_stream,
                      std::uint64_t guard_version) {
  Decision d;
  if (group.members.contains(member_id)) return d;
  d.writes.push_back({group_stream(group.id), group.version, {GroupMemberAdded{member_id}}});
  d.writes.push_back({std::move(guard_stream), guard_version, {}});
  return d;
}

}  // namespace

Group apply(Group state, const Event& event, const EventMeta& meta) {
  if (const auto* c = std::get_if<GroupCreated>(&event)) {
    state.id = c->id;
    state.organization_id = c->organization_id;
    state.name = c->name;
    state.kind = c->kind;
    state.global = c->global;
  } else if (const auto* a = std::get_if<GroupMemberAdded>(&event)) {
    state.members[a->member_id] = meta.position;
  } else if (const auto* r = std::get_if<GroupMemberRemoved>(&event)) {
    state.members.erase(r->member_id);
  } else if (std::holds_alternative<GroupDeleted>(event)) {
    state.deleted = true;
  }
  state.version = meta.version;
  return state;
}

namespace {

// Where `group` says `member_id` last joined, when it is an ordinary group of `organization_id`
// that holds the member: the groups a departure from that organization leaves.
std::optional<std::uint64_t> ordinary_membership(const Group& group,
                                                 std::string_view organization_id,
                                                 std::string_view member_id) {
  if (!group.exists() || group.global || group.organization_id != organization_id) {
    return std::nullopt;
  }
  const auto member = group.members.find(member_id);
  if (member == group.members.end()) return std::nullopt;
  return member->second;
}

void remove_member(Decision& decision, const Group& group, std::string_view member_id) {
  decision.writes.push_back(
      {group_stream(group.id), group.version, {GroupMemberRemoved{std::string(member_id)}}});
}

}  // namespace

void leave_groups(Decision& decision, std::span<const Group> groups,
                  std::string_view organization_id, std::string_view member_id) {
  decision.departures.push_back({std::string(member_id), std::string(organization_id)});
  for (const auto& group : groups) {
    if (ordinary_membership(group, organization_id, member_id)) {
      remove_member(decision, group, member_id);
    }
  }
}

Decision leave_groups_joined_before(std::span<const Group> groups, std::string_view organization_id,
                                    std::string_view member_id, std::uint64_t departed_at) {
  Decision decision;  // no departure of its own: it is the one looked at again
  for (const auto& group : groups) {
    const auto joined = ordinary_membership(group, organization_id, member_id);
    if (joined && *joined < departed_at) remove_member(decision, group, member_id);
  }
  return decision;
}

MembershipLapse membership_lapse(std::string_view group_organization, std::uint64_t joined_at,
                                 bool member_exists, std::string_view member_organization,
                                 std::uint64_t member_arrived_at) {
  if (!member_exists) return MembershipLapse::member_gone;
  if (member_organization != group_organization) return MembershipLapse::elsewhere;
  if (member_arrived_at > joined_at) return MembershipLapse::left_and_back;
  return MembershipLapse::none;
}

bool can_view_group(const Caller& caller, std::string_view organization_id) {
  if (caller.platform_role != PlatformRole::none) return true;
  // Default's global customers group lists the customers waiting there, who do not see each
  // other (customer_access.hpp).
  return caller.organization_id == organization_id && organization_id != kDefaultOrganizationId;
}

std::optional<DomainError> check_group_listing(const Caller& caller,
                                               std::string_view organization_id,
                                               const AncestorChain& ancestors) {
  return check_reach(caller, organization_id, ancestors, can_view_group(caller, organization_id),
                     "an organization's groups are seen by its own customers and the platform "
                     "roles");
}

std::expected<Decision, DomainError> decide(const Group& existing, const CreateGroup& c,
                                            const Caller& caller, const Organization& organization,
                                            const AncestorChain& ancestors) {
  if (!organization.exists() || !can_view(caller, organization.id, ancestors)) {
    return std::unexpected(refused(DomainErrorCode::not_found, "not-found",
                                   "organization " + c.organization_id + " does not exist"));
  }
  if (!manages_group(caller, organization.id)) {
    return std::unexpected(refused(DomainErrorCode::forbidden, "forbidden",
                                   "only the organization's owners and admins create groups"));
  }
  // Default's customers are strangers waiting to join an organization (customer_access.hpp):
  // a group would gather them and show each of them the others.
  if (organization.is_default()) {
    return std::unexpected(refused(DomainErrorCode::rule_violated, "default-organization",
                                   "Default has no groups but its two global ones: its "
                                   "customers wait there for an organization"));
  }
  FieldProblems problems;
  check_name(problems, "name", c.name, 100);
  if (c.kind != kCustomersGroupKind && c.kind != kThingsGroupKind) {
    problems.push_back({"kind", "must be customers or things"});
  }
  if (!problems.empty()) return std::unexpected(invalid(std::move(problems)));
  if (existing.version != 0) {
    return std::unexpected(refused(DomainErrorCode::already_exists, "group-id-taken",
                                   "group " + c.id + " exists"));
  }
  Decision d;
  d.writes.push_back({group_stream(c.id), 0,
                      {GroupCreated{c.id, organization.id, c.name, c.kind, false}}});
  d.writes.push_back({organization_stream(organization.id), organization.version, {}});
  return d;
}

std::expected<Decision, DomainError> decide(const Group& group, const AddGroupMember& c,
                                            const Caller& caller, const Customer& customer) {
  if (auto refusal = check_editable(group, c.group_id, caller, c.expected_version))
    return std::unexpected(*refusal);
  if (group.kind != kCustomersGroupKind || !customer.exists() ||
      customer.organization_id != group.organization_id) {
    return std::unexpected(invalid({{"memberId", "no such customer in the group's organization"}}));
  }
  // Platform accounts join no organization (customer_access.hpp), nor a group of Default where
  // its customers would see them listed.
  if (customer.is_platform_account()) {
    return std::unexpected(refused(DomainErrorCode::rule_violated, "platform-account",
                                   "platform accounts (SuperAdmin, auditor) join no group"));
  }
  // The customer must still be in the organization when this commits.
  return member_added(group, c.member_id, customer_stream(customer.id), customer.version);
}

std::expected<Decision, DomainError> decide(const Group& group, const AddGroupMember& c,
                                            const Caller& caller, const Resource& thing) {
  if (auto refusal = check_editable(group, c.group_id, caller, c.expected_version))
    return std::unexpected(*refusal);
  if (group.kind != kThingsGroupKind || !thing.exists() ||
      thing.organization_id != group.organization_id) {
    return std::unexpected(invalid({{"memberId", "no such resource in the group's organization"}}));
  }
  // The resource must still be there, and in the organization, when this commits.
  return member_added(group, c.member_id, resource_stream(thing.id), thing.version);
}

std::expected<Decision, DomainError> decide(const Group& group, const RemoveGroupMember& c,
                                            const Caller& caller) {
  if (auto refusal = check_editable(group, c.group_id, caller, c.expected_version))
    return std::unexpected(*refusal);
  if (!group.members.contains(c.member_id)) {
    return std::unexpected(refused(DomainErrorCode::not_found, "not-found",
                                   "no member " + c.member_id + " in the group"));
  }
  Decision d;
  d.writes.push_back({group_stream(group.id), group.version, {GroupMemberRemoved{c.member_id}}});
  return d;
}

std::expected<Decision, DomainError> decide(const Group& group, const DeleteGroup& c,
                                            const Caller& caller) {
  if (auto refusal = check_editable(group, c.group_id, caller, c.expected_version))
    return std::unexpected(*refusal);
  Decision d;
  d.writes.push_back({group_stream(group.id), group.version,
                      {GroupDeleted{group.organization_id}}});
  return d;
}

}  // namespace orgd::domain
