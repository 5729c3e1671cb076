#pragma once
// Customer and session rules.

#include <expected>

#include "domain/caller.hpp"
#include "domain/customer/customer.hpp"
#include "domain/customer/customer_commands.hpp"
#include "domain/decision.hpp"
#include "domain/domain_error.hpp"
#include "domain/organization/organization.hpp"

namespace orgd::domain {

// Registers a customer in `organization` (which must exist). Platform roles can only be given
// by a SuperAdmin (the bootstrap runs as the system caller).
[[nodiscard]] std::expected<Decision, DomainError> decide(const Customer& existing,
                                                          const RegisterCustomer& command,
                                                          const Caller& caller,
                                                          const Organization& organization);

// Login. Unknown customer and wrong password are the same error, so callers cannot probe
// which emails exist.
[[nodiscard]] std::expected<Decision, DomainError> decide(const Customer& customer,
                                                          const StartSession& command);

[[nodiscard]] std::expected<Decision, DomainError> decide(const Customer& customer,
                                                          const EndSession& command);

// Email shape: one '@', non-empty local part and a dotted domain, at most 254 bytes.
void check_email(std::vector<FieldProblem>& out, std::string_view field, std::string_view email);

}  // namespace orgd::domain
