#pragma once
// Membership rules: a customer is in exactly one organization at every position of the log.
// Only customers in Default can be added to an organization; removal sends them back to
// Default; the last owner of an organization can be neither removed nor demoted.

#include <expected>
#include <span>

#include "domain/caller.hpp"
#include "domain/customer/customer.hpp"
#include "domain/customer/customer_commands.hpp"
#include "domain/decision.hpp"
#include "domain/domain_error.hpp"
#include "domain/group/group_decisions.hpp"
#include "domain/membership/membership.hpp"
#include "domain/organization/organization_commands.hpp"

namespace orgd::domain {

// `target` with its `target_ancestors`: the organization to join. `groups`: the groups of
// Default that hold the customer, which it leaves (leave_groups).
[[nodiscard]] std::expected<Decision, DomainError> decide(const Customer& customer,
                                                          const MoveCustomer& command,
                                                          const Caller& caller,
                                                          const Organization& target,
                                                          const AncestorChain& target_ancestors,
                                                          std::span<const Group> groups);

// `membership` is the organization's (command.organization_id); `groups` its groups that hold
// the customer, which it leaves (leave_groups).
[[nodiscard]] std::expected<Decision, DomainError> decide(const Customer& customer,
                                                          const RemoveMember& command,
                                                          const Caller& caller,
                                                          const Membership& membership,
                                                          std::span<const Group> groups);

[[nodiscard]] std::expected<Decision, DomainError> decide(const Customer& customer,
                                                          const ChangeMemberRole& command,
                                                          const Caller& caller,
                                                          const Membership& membership);

}  // namespace orgd::domain
