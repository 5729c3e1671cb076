#include "domain/customer/customer_decisions.hpp"

#include <algorithm>
#include <cctype>

#include "domain/customer/customer_access.hpp"
#include "domain/field_rules.hpp"

namespace orgd::domain {
namespace {

constexpr std::size_t kMaxPersonNamePoints = 100;
constexpr std::size_t kMaxDescriptionPoints = 1000;

DomainError bad_credentials() {
  return refused(DomainErrorCode::unauthenticated, "invalid-credentials",
                 "email or password is wrong");
}

DomainError customer_not_found(std::string_view id) {
  return refused(DomainErrorCode::not_found, "not-found",
                 "customer " + std::string(id) + " does not exist");
}

DomainError forbidden(std::string message) {
  return refused(DomainErrorCode::forbidden, "forbidden", std::move(message));
}

struct Profile {
  std::string_view email, first_name, last_name, description, locale, country;
};

void check_profile(FieldProblems& out, const Profile& p) {
  check_email(out, "email", p.email);
  check_name(out, "firstName", p.first_name, kMaxPersonNamePoints);
  check_name(out, "lastName", p.last_name, kMaxPersonNamePoints);
  check_text(out, "description", p.description, 0, kMaxDescriptionPoints);
  check_locale(out, "locale", p.locale);
  check_country(out, "country", p.country);
}

// Where a registration may go and with which role.
std::optional<DomainError> check_registration_rights(const RegisterCustomer& c,
                                                     const Caller& caller) {
  if (caller.is_superadmin()) return std::nullopt;
  if (!c.platform_role.empty()) return forbidden("only a SuperAdmin may grant platform roles");
  if (caller.platform_role != PlatformRole::none || !caller.manages_own_organization() ||
      caller.organization_id != c.organization_id) {
    return forbidden("only a SuperAdmin, or an owner or admin for their own organization, may "
                     "create customers");
  }
  if (c.role == "owner" && caller.role != OrganizationRole::owner) {
    return forbidden("only owners may create owners");
  }
  return std::nullopt;
}

// MemberLeft for the customer's organization: versioned when the membership's rules are at
// stake (anything but Default, which has no roles), unversioned otherwise.
StreamWrite leave(const Customer& customer, const Membership& membership) {
  const bool in_default = customer.organization_id == kDefaultOrganizationId;
  return {members_stream(customer.organization_id), in_default ? kAnyVersion : membership.version,
          {MemberLeft{customer.id}}};
}

// A label of a domain name: 1 to 63 bytes of letters, digits and hyphens, no hyphen at either
// end (RFC 1035), or holding UTF-8 beyond ASCII (an internationalized name as written).
bool is_domain_label(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
    return false;
  }
  return std::all_of(label.begin(), label.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x80 || std::isalnum(byte) != 0 || c == '-';
  });
}

// At least two labels (a dotted domain). Until 2026-12-05 only a dot after the '@' was asked
// for: "x@example..com", "x@.example.com" and "x@exa_mple.com" passed.
bool is_mail_domain(std::string_view domain) {
  std::size_t labels = 0;
  while (true) {
    const std::size_t dot = domain.find('.');
    if (!is_domain_label(domain.substr(0, dot))) return false;
    ++labels;
    if (dot == std::string_view::npos) return labels >= 2;
    domain.remove_prefix(dot + 1);
  }
}

}  // namespace

void check_email(std::vector<FieldProblem>& out, std::string_view field, std::string_view email) {
  const std::size_t at = email.find('@');
  const bool shaped =
      email.size() <= 254 && at != std::string_view::npos && at > 0 &&
      email.find('@', at + 1) == std::string_view::npos && is_mail_domain(email.substr(at + 1)) &&
      std::none_of(email.begin(), email.end(),
                   [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
  if (!shaped) out.push_back({std::string(field), "must be an email address"});
}

std::optional<DomainError> check_registration(const RegisterCustomer& c, const Caller& caller) {
  FieldProblems problems;
  check_profile(problems, {c.email, c.first_name, c.last_name, c.description, c.locale, c.country});
  if (!organization_role_from(c.role)) problems.push_back({"role", "must be owner, admin or member"});
  if (!platform_role_from(c.platform_role)) {
    problems.push_back({"platformRole", "must be superadmin, auditor or null"});
  }
  // Customers wait in Default without a role (nobody owns or runs it): another one asked for
  // is refused rather than dropped, so the answer never differs from the request unsaid.
  if (problems.empty() && c.organization_id == kDefaultOrganizationId && c.role != "member") {
    problems.push_back({"role", "customers in Default have no role: leave it out, or send member"});
  }
  if (!problems.empty()) return invalid(std::move(problems));
  // Before the organization's existence: another tenant's organization must answer as an
  // unknown one does.
  if (caller.platform_role == PlatformRole::none && c.organization_id != caller.organization_id) {
    return invalid(
        {{"organizationId", "must be your own organization: only a SuperAdmin names another"}});
  }
  return check_registration_rights(c, caller);
}

std::expected<Decision, DomainError> decide(const Customer& existing, const RegisterCustomer& c,
                                            const Caller& caller,
                                            const Organization& organization) {
  if (auto refusal = check_registration(c, caller)) return std::unexpected(*refusal);
  if (c.password_hash.empty()) return std::unexpected(invalid({{"password", "must be set"}}));
  if (!organization.exists()) {
    return std::unexpected(invalid({{"organizationId", "no such organization"}}));
  }
  if (!c.platform_role.empty() && !organization.is_default()) {
    return std::unexpected(invalid(
        {{"platformRole", "platform accounts belong to Default: leave organizationId out"}}));
  }
  if (existing.version != 0) {
    return std::unexpected(refused(DomainErrorCode::already_exists, "customer-id-taken",
                                   "a customer with id " + c.id + " already exists"));
  }
  const std::string& role = c.role;
  Decision d;
  d.writes.push_back({customer_stream(c.id), 0,
                      {CustomerRegistered{c.id, c.email, c.first_name, c.last_name,
                                          c.description, c.organization_id, role,
                                          c.platform_role, c.password_hash, c.locale,
                                          c.country}}});
  d.writes.push_back({members_stream(c.organization_id), kAnyVersion, {MemberJoined{c.id, role}}});
  // The organization must still exist when the registration commits.
  d.writes.push_back({organization_stream(organization.id), organization.version, {}});
  d.claims.push_back({std::string(kCustomerEmailScope), fold_case(c.email), customer_stream(c.id)});
  return d;
}

std::expected<Decision, DomainError> decide(const Customer& customer, const StartSession& c) {
  if (!customer.exists() || !c.password_verified || customer.password_hash != c.verified_hash ||
      customer.status != "active") {
    return std::unexpected(bad_credentials());
  }
  Decision d;
  d.writes.push_back({sessions_stream(customer.id), kAnyVersion,
                      {SessionStarted{c.session_id, c.token_hash, c.expires_at_ms}}});
  // A password change or deletion that commits first ends every session before it in the log;
  // this one must not start after it on the strength of the old password.
  d.writes.push_back({customer_stream(customer.id), customer.version, {}});
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

std::expected<Decision, DomainError> decide(const Customer& customer,
                                            const UpdateCustomerProfile& c, const Caller& caller) {
  if (!customer.exists() || !can_view(caller, customer)) {
    return std::unexpected(customer_not_found(c.id));
  }
  if (caller.customer_id != customer.id && !can_manage(caller, customer)) {
    return std::unexpected(forbidden("only the customer, its organization's owners and admins, "
                                     "or a SuperAdmin may change this profile"));
  }
  if (c.expected_version != customer.version) {
    return std::unexpected(refused(DomainErrorCode::version_conflict, "version-conflict",
                                   "updateVersion " + std::to_string(c.expected_version) +
                                       " is not the current version; the customer is at version " +
                                       std::to_string(customer.version)));
  }
  const auto& p = c.patch;
  const CustomerProfileUpdated next{p.email.value_or(customer.email),
                                    p.first_name.value_or(customer.first_name),
                                    p.last_name.value_or(customer.last_name),
                                    p.description.value_or(customer.description),
                                    p.locale.value_or(customer.locale),
                                    p.country.value_or(customer.country)};
  // An auditor changes nothing but its own sign-in: the email (and the password, apart).
  if (caller.platform_role == PlatformRole::auditor &&
      CustomerProfileUpdated{customer.email, next.first_name, next.last_name, next.description,
                             next.locale, next.country} !=
          CustomerProfileUpdated{customer.email, customer.first_name, customer.last_name,
                                 customer.description, customer.locale, customer.country}) {
    return std::unexpected(
        forbidden("an auditor changes nothing but its own sign-in (email and password)"));
  }
  FieldProblems problems;
  check_profile(problems, {next.email, next.first_name, next.last_name, next.description,
                           next.locale, next.country});
  if (!problems.empty()) return std::unexpected(invalid(std::move(problems)));
  Decision d;
  if (next == CustomerProfileUpdated{customer.email, customer.first_name, customer.last_name,
                                     customer.description, customer.locale, customer.country}) {
    return d;
  }
  d.writes.push_back({customer_stream(customer.id), customer.version, {next}});
  if (fold_case(next.email) != fold_case(customer.email)) {
    d.claims.push_back({std::string(kCustomerEmailScope), fold_case(next.email),
                        customer_stream(customer.id)});
    d.releases.push_back({std::string(kCustomerEmailScope), fold_case(customer.email)});
  }
  return d;
}

std::expected<Decision, DomainError> decide(const Customer& customer, const ChangePassword& c,
                                            const Caller& caller) {
  if (!customer.exists() || !can_view(caller, customer)) {
    return std::unexpected(customer_not_found(c.id));
  }
  const bool self = caller.customer_id == customer.id;
  if (!can_set_password(caller, customer.id)) {
    return std::unexpected(forbidden("only the customer itself or a SuperAdmin may set a password"));
  }
  // The version first: a change that lost to another one is a conflict, not a wrong password
  // (its current password was checked against the hash the other one replaced).
  if (c.expected_version != customer.version) {
    return std::unexpected(refused(DomainErrorCode::version_conflict, "version-conflict",
                                   "the customer is at version " +
                                       std::to_string(customer.version)));
  }
  if (self && !c.current_password_sent) {
    return std::unexpected(
        invalid({{"currentPassword", "is required to change your own password"}}));
  }
  if (self && (!c.current_password_verified || c.verified_hash != customer.password_hash)) {
    return std::unexpected(invalid({{"currentPassword", "is wrong"}}));
  }
  Decision d;
  d.writes.push_back({customer_stream(customer.id), customer.version,
                      {CustomerPasswordChanged{c.password_hash}}});
  return d;
}

std::expected<Decision, DomainError> decide(const Customer& customer, const DeleteCustomer& c,
                                            const Caller& caller, const Membership& membership,
                                            std::span<const Group> groups) {
  if (!customer.exists() || !can_view(caller, customer)) {
    return std::unexpected(customer_not_found(c.id));
  }
  if (caller.customer_id != customer.id && !can_manage(caller, customer)) {
    return std::unexpected(forbidden("only the customer, its organization's owners and admins, "
                                     "or a SuperAdmin may delete it"));
  }
  if (c.expected_version != 0 && c.expected_version != customer.version) {
    return std::unexpected(
        refused(DomainErrorCode::version_conflict, "version-conflict",
                "the customer is at version " + std::to_string(customer.version)));
  }
  if (customer.is_platform_account()) {
    return std::unexpected(refused(DomainErrorCode::rule_violated, "platform-account",
                                   "platform accounts (SuperAdmin, auditor) cannot be deleted "
                                   "over the API"));
  }
  if (membership.is_last_owner(customer.id)) {
    return std::unexpected(refused(DomainErrorCode::rule_violated, "last-owner",
                                   "the last owner of an organization cannot be deleted"));
  }
  Decision d;
  d.writes.push_back({customer_stream(customer.id), customer.version,
                      {CustomerDeleted{customer.email}}});
  d.writes.push_back(leave(customer, membership));
  leave_groups(d, groups, customer.organization_id, customer.id);
  d.releases.push_back({std::string(kCustomerEmailScope), fold_case(customer.email)});
  return d;
}

}  // namespace orgd::domain
