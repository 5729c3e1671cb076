#pragma once
// The organization rules: decide(state, command, caller) -> events or the reason for refusal.
// Pure: ids and time come in with the command; facts from other streams come in as arguments.

#include <expected>

#include "domain/caller.hpp"
#include "domain/decision.hpp"
#include "domain/domain_error.hpp"
#include "domain/membership/membership.hpp"
#include "domain/organization/organization_commands.hpp"

namespace orgd::domain {

// `existing` is whatever the new id's stream holds (normally nothing); `parent_chain` is empty
// for a top-level organization.
[[nodiscard]] std::expected<Decision, DomainError> decide(const Organization& existing,
                                                          const CreateOrganization& command,
                                                          const Caller& caller,
                                                          const AncestorChain& parent_chain);

// `ancestors` is the organization's current chain; `move` is required when the patch changes
// parentId (decide answers invalid if it is missing then).
[[nodiscard]] std::expected<Decision, DomainError> decide(const Organization& current,
                                                          const UpdateOrganization& command,
                                                          const Caller& caller,
                                                          const AncestorChain& ancestors,
                                                          const MoveContext* move);

// `members` is the organization's membership: every remaining customer moves to Default (at
// most kMaxMembersMovedOnDelete; more must be removed first).
[[nodiscard]] std::expected<Decision, DomainError> decide(const Organization& current,
                                                          const DeleteOrganization& command,
                                                          const Caller& caller,
                                                          const AncestorChain& ancestors,
                                                          const Membership& members);

inline constexpr std::size_t kMaxMembersMovedOnDelete = 1000;

// True when the patch would change the organization's parent (the caller must then load a
// MoveContext).
[[nodiscard]] bool moves_parent(const Organization& current, const OrganizationPatch& patch);

}  // namespace orgd::domain
