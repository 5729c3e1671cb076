#pragma once
// Customer and session rules.

#include <expected>
#include <optional>
#include <span>

#include "domain/caller.hpp"
#include "domain/customer/customer.hpp"
#include "domain/customer/customer_commands.hpp"
#include "domain/decision.hpp"
#include "domain/domain_error.hpp"
#include "domain/group/group_decisions.hpp"
#include "domain/membership/membership.hpp"
#include "domain/organization/organization.hpp"

namespace orgd::domain {

// Registers a customer in `organization` (which must exist): a SuperAdmin anywhere, an
// owner/admin in its own organization; only owners (and SuperAdmins) create owners, only
// SuperAdmins grant platform roles. The bootstrap runs as the system caller.
[[nodiscard]] std::expected<Decision, DomainError> decide(const Customer& existing,
                                                          const RegisterCustomer& command,
                                                          const Caller& caller,
                                                          const Organization& organization);

// What decide(RegisterCustomer) checks before it needs the organization or the password's hash:
// the fields, the caller's rights and that a caller other than the platform's names its own
// organization. The route checks it before spending ~0.1 s of a worker on hashing.
[[nodiscard]] std::optional<DomainError> check_registration(const RegisterCustomer& command,
                                                            const Caller& caller);

// Login. Unknown customer and wrong password are the same error, so callers cannot probe
// which emails exist.
[[nodiscard]] std::expected<Decision, DomainError> decide(const Customer& customer,
                                                          const StartSession& command);

[[nodiscard]] std::expected<Decision, DomainError> decide(const Customer& customer,
                                                          const EndSession& command);

// The customer itself, a SuperAdmin, or who can_manage it.
[[nodiscard]] std::expected<Decision, DomainError> decide(const Customer& customer,
                                                          const UpdateCustomerProfile& command,
                                                          const Caller& caller);

// The customer itself with its current password, or a SuperAdmin.
[[nodiscard]] std::expected<Decision, DomainError> decide(const Customer& customer,
                                                          const ChangePassword& command,
                                                          const Caller& caller);

// The customer itself or who can_manage it; never the last owner of an organization or a
// platform account. `membership` is the customer's organization's; `groups` that
// organization's groups that hold the customer, which it leaves (leave_groups).
[[nodiscard]] std::expected<Decision, DomainError> decide(const Customer& customer,
                                                          const DeleteCustomer& command,
                                                          const Caller& caller,
                                                          const Membership& membership,
                                                          std::span<const Group> groups);

// Email shape: one '@', non-empty local part and a dotted domain, at most 254 bytes.
void check_email(std::vector<FieldProblem>& out, std::string_view field, std::string_view email);

}  // namespace orgd::domain
