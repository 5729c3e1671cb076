#pragma once
// Signup: an unknown person creates an organization and its first customer in one atomic
// command -- the organization, its two global groups (customers, things), the customer as its
// owner and a member of the customers group, and a first session.

#include <cstdint>
#include <expected>
#include <string>

#include "domain/customer/customer.hpp"
#include "domain/decision.hpp"
#include "domain/domain_error.hpp"
#include "domain/field_rules.hpp"
#include "domain/organization/organization.hpp"

namespace orgd::domain {

struct Signup {
  // Chosen by the caller of decide.
  std::string organization_id;
  std::string customer_id;
  std::string customers_group_id;
  std::string things_group_id;
  std::string session_id;
  std::string token_hash;
  std::int64_t expires_at_ms{0};
  // From the request.
  std::string organization_name;
  std::string organization_description;
  std::string first_name;
  std::string last_name;
  std::string user_description;
  std::string email;
  std::string password_hash;
  std::int64_t agree_to_terms_and_policies{0};  // must be 1
};

// What is wrong with the fields a client sent, all but the password (whose hash decide
// checks): the route checks them before spending ~0.1 s of a worker on hashing it.
[[nodiscard]] FieldProblems signup_field_problems(const Signup& command);

// `existing_organization` / `existing_customer` are what the chosen ids' streams hold.
[[nodiscard]] std::expected<Decision, DomainError> decide(const Organization& existing_organization,
                                                          const Customer& existing_customer,
                                                          const Signup& command);

// The global groups' events for a new organization, as GroupCreated writes.
void add_global_groups(Decision& decision, const std::string& organization_id,
                       const std::string& customers_group_id, const std::string& things_group_id,
                       const std::string& first_member_id);

}  // namespace orgd::domain
