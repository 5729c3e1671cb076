#include "domain/organization/organization_access.hpp"

#include <algorithm>

namespace orgd::domain {

bool within_reach(const Caller& caller, std::string_view organization_id,
                  const AncestorChain& ancestors) {
  if (caller.organization_id.empty()) return false;
  if (organization_id == caller.organization_id) return true;
  return std::any_of(ancestors.begin(), ancestors.end(), [&](const Organization& a) {
    return a.id == caller.organization_id;
  });
}

bool can_view(const Caller& caller, std::string_view organization_id,
              const AncestorChain& ancestors) {
  if (caller.platform_role != PlatformRole::none) return true;
  return within_reach(caller, organization_id, ancestors);
}

bool can_manage(const Caller& caller, std::string_view organization_id,
                const AncestorChain& ancestors) {
  if (caller.is_superadmin()) return true;
  if (caller.platform_role == PlatformRole::auditor) return false;
  return caller.manages_own_organization() && within_reach(caller, organization_id, ancestors);
}

bool can_create_under(const Caller& caller, std::string_view parent_id,
                      const AncestorChain& parent_ancestors) {
  if (caller.is_superadmin()) return true;
  if (caller.platform_role == PlatformRole::auditor || parent_id.empty()) return false;
  return caller.role == OrganizationRole::owner &&
         within_reach(caller, parent_id, parent_ancestors);
}

bool can_read_history(const Caller& caller, std::string_view organization_id) {
  return caller.platform_role != PlatformRole::none ||
         (caller.role == OrganizationRole::owner && caller.organization_id == organization_id);
}

bool can_delete(const Caller& caller, std::string_view organization_id) {
  if (caller.is_superadmin()) return true;
  return caller.platform_role == PlatformRole::none && caller.role == OrganizationRole::owner &&
         caller.organization_id == organization_id;
}

std::optional<DomainError> check_reach(const Caller& caller, std::string_view organization_id,
                                       const AncestorChain& ancestors, bool allowed,
                                       std::string_view why) {
  if (!can_view(caller, organization_id, ancestors)) {
    return refused(DomainErrorCode::not_found, "not-found",
                   "organization " + std::string(organization_id) + " does not exist");
  }
  if (!allowed) return refused(DomainErrorCode::forbidden, "forbidden", std::string(why));
  return std::nullopt;
}

}  // namespace orgd::domain
