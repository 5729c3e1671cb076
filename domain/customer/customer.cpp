#include "domain/customer/customer.hpp"

#include <optional>

namespace orgd::domain {

std::string customer_stream(std::string_view customer_id) {
  return "customer-" + std::string(customer_id);
}

std::string sessions_stream(std::string_view customer_id) {
  return "sessions-" + std::string(customer_id);
}

std::string_view to_string(OrganizationRole role) {
  switch (role) {
    case OrganizationRole::owner: return "owner";
    case OrganizationRole::admin: return "admin";
    case OrganizationRole::member: return "member";
  }
  return "member";
}

std::string_view to_string(PlatformRole role) {
  switch (role) {
    case PlatformRole::superadmin: return "superadmin";
    case PlatformRole::auditor: return "auditor";
    case PlatformRole::none: return "";
  }
  return "";
}

std::optional<OrganizationRole> organization_role_from(std::string_view text) {
  if (text == "owner") return OrganizationRole::owner;
  if (text == "admin") return OrganizationRole::admin;
  if (text == "member") return OrganizationRole::member;
  return std::nullopt;
}

std::optional<PlatformRole> platform_role_from(std::string_view text) {
  if (text.empty()) return PlatformRole::none;
  if (text == "superadmin") return PlatformRole::superadmin;
  if (text == "auditor") return PlatformRole::auditor;
  return std::nullopt;
}

namespace {

void apply_event(Customer& c, const CustomerRegistered& e) {
  c.id = e.id;
  c.email = e.email;
  c.first_name = e.first_name;
  c.last_name = e.last_name;
  c.description = e.description;
  c.organization_id = e.organization_id;
  c.role = organization_role_from(e.role).value_or(OrganizationRole::member);
  c.platform_role = platform_role_from(e.platform_role).value_or(PlatformRole::none);
  c.password_hash = e.password_hash;
  c.locale = e.locale;
  c.country = e.country;
}
void apply_event(Customer& c, const CustomerMoved& e) {
  c.organization_id = e.organization_id;
  c.role = organization_role_from(e.role).value_or(OrganizationRole::member);
}
void apply_event(Customer& c, const CustomerRoleChanged& e) {
  c.role = organization_role_from(e.role).value_or(OrganizationRole::member);
}
void apply_event(Customer& c, const CustomerProfileUpdated& e) {
  c.email = e.email;
  c.first_name = e.first_name;
  c.last_name = e.last_name;
  c.description = e.description;
  c.locale = e.locale;
  c.country = e.country;
}
void apply_event(Customer& c, const CustomerPasswordChanged& e) { c.password_hash = e.password_hash; }
void apply_event(Customer& c, const CustomerDeleted&) { c.deleted = true; }
template <class Other>
void apply_event(Customer&, const Other&) {}

}  // namespace

Customer apply(Customer state, const Event& event, const EventMeta& meta) {
  std::visit([&](const auto& e) { apply_event(state, e); }, event);
  if (std::holds_alternative<CustomerRegistered>(event) ||
      std::holds_alternative<CustomerMoved>(event)) {
    state.joined_position = meta.position;
  }
  if (state.version == 0) {
    state.created_ms = meta.time_ms;
    state.created_by = meta.actor;
  }
  state.version = meta.version;
  state.updated_ms = meta.time_ms;
  state.updated_by = meta.actor;
  return state;
}

}  // namespace orgd::domain
