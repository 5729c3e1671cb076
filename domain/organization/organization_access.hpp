#pragma once
// Who may see and manage which organization. A customer's reach is its own organization and
// everything below it; the platform roles reach everywhere (auditors read-only).

#include <optional>
#include <string_view>

#include "domain/caller.hpp"
#include "domain/domain_error.hpp"
#include "domain/organization/organization_commands.hpp"

namespace orgd::domain {

// `organization_id` with its ancestors `ancestors` lies in the caller's subtree.
[[nodiscard]] bool within_reach(const Caller& caller, std::string_view organization_id,
                                const AncestorChain& ancestors);
[[nodiscard]] bool can_view(const Caller& caller, std::string_view organization_id,
                            const AncestorChain& ancestors);
// Edit an organization: SuperAdmin, or an owner/admin whose organization is it or above it.
[[nodiscard]] bool can_manage(const Caller& caller, std::string_view organization_id,
                              const AncestorChain& ancestors);
// Create a child under `parent_id`: SuperAdmin, or an owner of the parent or an ancestor.
[[nodiscard]] bool can_create_under(const Caller& caller, std::string_view parent_id,
                                    const AncestorChain& parent_ancestors);
// Read an organization's history (who did what): the platform roles, or an owner of that very
// organization (the seed's "Creator") -- not its admins or members.
[[nodiscard]] bool can_read_history(const Caller& caller, std::string_view organization_id);
// Delete: SuperAdmin, or an owner of that very organization.
[[nodiscard]] bool can_delete(const Caller& caller, std::string_view organization_id);
// For what belongs to an existing organization (its groups, invoices, billing plan): not-found
// when the organization is out of the caller's reach (as if unknown), forbidden with `why`
// when it is in reach but not `allowed`; nullopt when allowed.
[[nodiscard]] std::optional<DomainError> check_reach(const Caller& caller,
                                                     std::string_view organization_id,
                                                     const AncestorChain& ancestors, bool allowed,
                                                     std::string_view why);

}  // namespace orgd::domain
