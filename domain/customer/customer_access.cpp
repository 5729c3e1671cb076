#include "domain/customer/customer_access.hpp"

#include <algorithm>

#include "domain/organization/organization.hpp"
#include "domain/organization/organization_access.hpp"

namespace orgd::domain {

bool can_view(const Caller& caller, const Customer& customer) {
  if (caller.platform_role != PlatformRole::none) return true;
  if (caller.customer_id == customer.id) return true;
  if (customer.is_platform_account()) return false;
  return can_list_members(caller, customer.organization_id);
}

bool can_pick(const Caller& caller, const Customer& customer) {
  if (can_view(caller, customer)) return true;
  return customer.organization_id == kDefaultOrganizationId && !customer.is_platform_account() &&
         caller.manages_own_organization() && caller.organization_id != kDefaultOrganizationId;
}

bool can_manage(const Caller& caller, const Customer& customer) {
  if (caller.is_superadmin()) return true;
  if (caller.platform_role != PlatformRole::none) return false;
  if (customer.is_platform_account()) return false;
  if (caller.organization_id != customer.organization_id || !caller.manages_own_organization()) {
    return false;
  }
  return caller.role == OrganizationRole::owner || customer.role != OrganizationRole::owner;
}

bool can_set_password(const Caller& caller, std::string_view customer_id) {
  return caller.customer_id == customer_id || caller.is_superadmin();
}

bool can_list_members(const Caller& caller, std::string_view organization_id) {
  if (caller.platform_role != PlatformRole::none) return true;
  return caller.organization_id == organization_id && organization_id != kDefaultOrganizationId;
}

bool can_count_members(const Caller& caller, std::string_view organization_id) {
  return caller.platform_role != PlatformRole::none || organization_id != kDefaultOrganizationId;
}

// The one organization whose count is hidden is Default, which only its own customers (and
// the platform) see: a caller who may count its own organization's members counts them all.
bool can_count_all_it_sees(const Caller& caller) {
  return can_count_members(caller, caller.organization_id);
}

bool can_follow_members(const Caller& caller, std::string_view organization_id,
                        const AncestorChain& ancestors) {
  return can_list_members(caller, organization_id) ||
         can_manage(caller, organization_id, ancestors);
}

std::uint64_t history_starts_at(const Caller& caller, const Customer& customer) {
  if (caller.platform_role != PlatformRole::none) return 1;
  return std::max<std::uint64_t>(customer.joined_position, 1);
}

}  // namespace orgd::domain
