#include "domain/customer/customer_decisions.hpp"

#include <algorithm>

#include "domain/field_rules.hpp"

namespace orgd::domain {
namespace {

constexpr std::size_t kMaxPersonNamePoints = 100;
constexpr std::size_t kMaxDescriptionPoints = 1000;

DomainError bad_credentials() {
  return refused(DomainErrorCode::unauthenticated, "invalid-credentials",
                 "email or password is wrong");
}

}  // namespace

void check_email(std::vector<FieldProblem>& out, std::string_view field, std::string_view email) {
  const std::size_t at = email.find('@');
  const bool shaped = email.size() <= 254 && at != std::string_view::npos && at > 0 &&
                      email.find('@', at + 1) == std::string_view::npos &&
                      email.find('.', at + 2) != std::string_view::npos &&
                      email.back() != '.' &&
                      std::none_of(email.begin(), email.end(), [](char c) {
                        return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
                      });
  if (!shaped) out.push_back({std::string(field), "must be an email address"});
}

std::expected<Decision, DomainError> decide(const Customer& existing, const RegisterCustomer& c,
                                            const Caller& caller,
                                            const Organization& organization) {
  FieldProblems problems;
  check_email(problems, "email", c.email);
  check_name(problems, "firstName", c.first_name, kMaxPersonNamePoints);
  check_name(problems, "lastName", c.last_name, kMaxPersonNamePoints);
  check_text(problems, "description", c.description, 0, kMaxDescriptionPoints);
  check_locale(problems, "locale", c.locale);
  check_country(problems, "country", c.country);
  if (!organization_role_from(c.role)) problems.push_back({"role", "must be owner, admin or member"});
  if (!platform_role_from(c.platform_role)) {
    problems.push_back({"platformRole", "must be superadmin, auditor or empty"});
  }
  if (c.password_hash.empty()) problems.push_back({"password", "must be set"});
  if (!problems.empty()) return std::unexpected(invalid(std::move(problems)));
  if (!organization.exists()) {
    return std::unexpected(invalid({{"organizationId", "no such organization"}}));
  }
  if (!c.platform_role.empty() && !caller.is_superadmin()) {
    return std::unexpected(refused(DomainErrorCode::forbidden, "forbidden",
                                   "only a SuperAdmin may grant platform roles"));
  }
  if (existing.version != 0) {
    return std::unexpected(refused(DomainErrorCode::already_exists, "customer-id-taken",
                                   "a customer with id " + c.id + " already exists"));
  }
  Decision d;
  d.writes.push_back({customer_stream(c.id), 0,
                      {CustomerRegistered{c.id, c.email, c.first_name, c.last_name,
                                          c.description, c.organization_id, c.role,
                                          c.platform_role, c.password_hash, c.locale,
                                          c.country}}});
  d.claims.push_back({std::string(kCustomerEmailScope), fold_case(c.email)});
  return d;
}

std::expected<Decision, DomainError> decide(const Customer& customer, const StartSession& c) {
  if (!customer.exists() || !c.password_verified || customer.status != "active") {
    return std::unexpected(bad_credentials());
  }
  Decision d;
  d.writes.push_back({sessions_stream(customer.id), kAnyVersion,
                      {SessionStarted{c.session_id, c.token_hash, c.expires_at_ms}}});
  return d;
}

std::expected<Decision, DomainError> decide(const Customer& customer, const EndSession& c) {
  if (!customer.exists()) {
    return std::unexpected(refused(DomainErrorCode::unauthenticated, "invalid-token",
                                   "the session does not exist"));
  }
  Decision d;
  d.writes.push_back({sessions_stream(customer.id), kAnyVersion,
                      {SessionEnded{c.session_id, c.token_hash, "logout"}}});
  return d;
}

}  // namespace orgd::domain
