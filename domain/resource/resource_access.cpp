#include "domain/resource/resource_access.hpp"

#include <algorithm>

#include "domain/organization/organization.hpp"

namespace orgd::domain {
namespace {

bool manages_resource_organization(const Caller& caller, const Resource& resource) {
  return sees_organization_resources(caller) && caller.organization_id == resource.organization_id;
}

bool owns_where_it_is(const Caller& caller, const Resource& resource) {
  return caller.customer_id == resource.owner_id &&
         owner_rights_count(resource, caller.organization_id);
}

bool names(const Grant& grant, const Accessor& who) {
  switch (grant.principal_kind) {
    case PrincipalKind::customer:
      return grant.principal_id == who.caller.customer_id;
    case PrincipalKind::organization:
      return !who.caller.organization_id.empty() &&
             grant.principal_id == who.caller.organization_id;
    case PrincipalKind::group:
      return std::find(who.group_ids.begin(), who.group_ids.end(), grant.principal_id) !=
             who.group_ids.end();
  }
  return false;
}

}  // namespace

bool sees_every_resource(const Caller& caller) {
  return caller.platform_role != PlatformRole::none;
}

bool sees_organization_resources(const Caller& caller) {
  return caller.platform_role == PlatformRole::none && !caller.organization_id.empty() &&
         caller.manages_own_organization();
}

std::optional<Permission> effective_permission(const Resource& resource, const Accessor& who) {
  const Caller& caller = who.caller;
  if (caller.is_superadmin()) return Permission::admin;
  if (caller.platform_role == PlatformRole::auditor) return Permission::read;
  if (can_control(caller, resource)) return Permission::admin;
  std::optional<Permission> best;
  for (const auto& grant : resource.grants) {
    if (names(grant, who) && (!best || grant.permission > *best)) best = grant.permission;
  }
  return best;
}

bool can_view(const Accessor& who, const Resource& resource) {
  return effective_permission(resource, who).has_value();
}

bool can_write(const Accessor& who, const Resource& resource) {
  if (who.caller.platform_role == PlatformRole::auditor) return false;
  const auto permission = effective_permission(resource, who);
  return permission && *permission >= Permission::write;
}

bool can_administer(const Accessor& who, const Resource& resource) {
  if (who.caller.platform_role == PlatformRole::auditor) return false;
  const auto permission = effective_permission(resource, who);
  return permission && *permission == Permission::admin;
}

bool owner_rights_count(const Resource& resource, std::string_view owner_organization_id) {
  return owner_organization_id == resource.organization_id ||
         resource.organization_id == kDefaultOrganizationId;
}

bool can_control(const Caller& caller, const Resource& resource) {
  if (caller.is_superadmin()) return true;
  if (caller.platform_role != PlatformRole::none) return false;
  return owns_where_it_is(caller, resource) || manages_resource_organization(caller, resource);
}

}  // namespace orgd::domain
