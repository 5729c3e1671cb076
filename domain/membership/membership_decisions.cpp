#include "domain/membership/membership_decisions.hpp"

#include "domain/customer/customer_access.hpp"
#include "domain/organization/organization_access.hpp"

namespace orgd::domain {
namespace {

const std::string kDefault{kDefaultOrganizationId};

DomainError not_found(std::string_view what) {
  return refused(DomainErrorCode::not_found, "not-found", std::string(what) + " does not exist");
}

DomainError forbidden(std::string message) {
  return refused(DomainErrorCode::forbidden, "forbidden", std::move(message));
}

// The customer, seen from `organization_id`: must exist, be visible, and belong to it.
std::optional<DomainError> check_member(const Customer& customer, std::string_view organization_id,
                                        const Caller& caller) {
  if (!customer.exists() || !can_view(caller, customer) ||
      customer.organization_id != organization_id) {
    return not_found("customer " + customer.id + " in organization " +
                     std::string(organization_id));
  }
  return std::nullopt;
}

}  // namespace

std::expected<Decision, DomainError> decide(const Customer& customer, const MoveCustomer& c,
                                            const Caller& caller, const Organization& target,
                                            const AncestorChain& target_ancestors,
                                            std::span<const Group> groups) {
  if (!target.exists() || !can_view(caller, target.id, target_ancestors)) {
    return std::unexpected(not_found("organization " + c.organization_id));
  }
  // Its own owners and admins, not an ancestor's: a parent's managers manage the child
  // organization, not its customers. Checked before the customer: a parent's owner refused
  // here for a waiting customer, and answered 404 for an unknown one, would learn which ids
  // wait in Default without adding anyone.
  if (!can_manage(caller, target.id, {})) {
    return std::unexpected(
        forbidden("only the organization's owners and admins, or a SuperAdmin, may add members"));
  }
  if (!customer.exists() || !can_pick(caller, customer)) {
    return std::unexpected(not_found("customer " + c.customer_id));
  }
  if (target.is_default()) {
    return std::unexpected(refused(DomainErrorCode::rule_violated, "default-organization",
                                   "customers return to Default by being removed from their "
                                   "organization"));
  }
  if (customer.is_platform_account()) {
    return std::unexpected(refused(DomainErrorCode::rule_violated, "platform-account",
                                   "platform accounts (SuperAdmin, auditor) join no "
                                   "organization: they stay in Default"));
  }
  if (customer.organization_id != kDefault) {
    return std::unexpected(refused(DomainErrorCode::rule_violated, "customer-not-in-default",
                                   "only customers in the Default organization can be added; "
                                   "this one belongs to another organization"));
  }
  Decision d;
  d.writes.push_back({customer_stream(customer.id), customer.version,
                      {CustomerMoved{target.id, "member"}}});
  d.writes.push_back({members_stream(kDefault), kAnyVersion, {MemberLeft{customer.id}}});
  d.writes.push_back({members_stream(target.id), kAnyVersion, {MemberJoined{customer.id, "member"}}});
  d.writes.push_back({organization_stream(target.id), target.version, {}});
  leave_groups(d, groups, kDefault, customer.id);
  return d;
}

std::expected<Decision, DomainError> decide(const Customer& customer, const RemoveMember& c,
                                            const Caller& caller, const Membership& membership,
                                            std::span<const Group> groups) {
  if (auto missing = check_member(customer, c.organization_id, caller)) {
    return std::unexpected(*missing);
  }
  if (caller.customer_id != customer.id && !can_manage(caller, customer)) {
    return std::unexpected(forbidden("only the organization's owners and admins (owners for "
                                     "owners), or a SuperAdmin, may remove members"));
  }
  if (c.organization_id == kDefault) {
    return std::unexpected(refused(DomainErrorCode::rule_violated, "default-organization",
                                   "customers in Default have no organization to leave"));
  }
  if (membership.is_last_owner(customer.id)) {
    return std::unexpected(refused(DomainErrorCode::rule_violated, "last-owner",
                                   "the last owner of an organization cannot be removed"));
  }
  Decision d;
  d.writes.push_back({customer_stream(customer.id), customer.version,
                      {CustomerMoved{kDefault, "member"}}});
  d.writes.push_back({members_stream(c.organization_id), membership.version,
                      {MemberLeft{customer.id}}});
  d.writes.push_back({members_stream(kDefault), kAnyVersion, {MemberJoined{customer.id, "member"}}});
  leave_groups(d, groups, c.organization_id, customer.id);
  return d;
}

std::expected<Decision, DomainError> decide(const Customer& customer, const ChangeMemberRole& c,
                                            const Caller& caller, const Membership& membership) {
  if (auto missing = check_member(customer, c.organization_id, caller)) {
    return std::unexpected(*missing);
  }
  const auto role = organization_role_from(c.role);
  if (!role) return std::unexpected(invalid({{"role", "must be owner, admin or member"}}));
  if (!can_manage(caller, customer)) {
    return std::unexpected(forbidden("only the organization's owners and admins (owners for "
                                     "owners), or a SuperAdmin, may change roles"));
  }
  if (*role == OrganizationRole::owner && !caller.is_superadmin() &&
      caller.role != OrganizationRole::owner) {
    return std::unexpected(forbidden("only owners may make owners"));
  }
  if (c.organization_id == kDefault) {
    return std::unexpected(refused(DomainErrorCode::rule_violated, "default-organization",
                                   "customers in Default have no roles"));
  }
  if (*role != OrganizationRole::owner && membership.is_last_owner(customer.id)) {
    return std::unexpected(refused(DomainErrorCode::rule_violated, "last-owner",
                                   "the last owner of an organization cannot be demoted"));
  }
  Decision d;
  if (*role == customer.role) return d;
  d.writes.push_back({customer_stream(customer.id), customer.version,
                      {CustomerRoleChanged{c.role}}});
  d.writes.push_back({members_stream(c.organization_id), membership.version,
                      {MemberRoleChanged{customer.id, c.role}}});
  return d;
}

}  // namespace orgd::domain
