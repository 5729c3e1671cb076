#pragma once
// The resource rules: decide(state, command, caller and facts) -> events or the reason for
// refusal. Pure: ids, the apiKey's hash and the caller's groups come in as arguments.
//
// Every command on an existing resource answers not_found when the caller may not see it
// (SPEC: "such reads answer 404, as if it did not exist") and forbidden when it may see it
// but not do this.

#include <cstddef>
#include <expected>
#include <span>

#include "domain/caller.hpp"
#include "domain/decision.hpp"
#include "domain/domain_error.hpp"
#include "domain/group/group_decisions.hpp"
#include "domain/resource/resource.hpp"
#include "domain/resource/resource_commands.hpp"

namespace orgd::domain {

inline constexpr std::size_t kMaxGrantsPerResource = 100;

// The caller becomes the owner; the resource belongs to the caller's organization.
// `existing` is whatever the new id's stream holds (normally nothing).
[[nodiscard]] std::expected<Decision, DomainError> decide(const Resource& existing,
                                                          const CreateResource& command,
                                                          const Caller& caller);

// Needs write permission; rotating the apiKey needs admin. A patch that changes nothing
// appends nothing.
[[nodiscard]] std::expected<Decision, DomainError> decide(const Resource& current,
                                                          const UpdateResource& command,
                                                          const Accessor& who);

// Controllers only (owner, owners/admins of its organization, SuperAdmin). `groups`: the things
// groups holding it, which it leaves (leave_groups).
[[nodiscard]] std::expected<Decision, DomainError> decide(const Resource& current,
                                                          const DeleteResource& command,
                                                          const Accessor& who,
                                                          std::span<const Group> groups);

// Needs admin permission. A grant to a principal that already has one with another
// permission replaces it (revoke + grant in one decision); the same permission again is
// already_exists ("grant-exists"). Organization grants only name the resource's own
// organization: sharing across organizations takes a customer or a group.
[[nodiscard]] std::expected<Decision, DomainError> decide(const Resource& current,
                                                          const GrantAccess& command,
                                                          const Accessor& who,
                                                          const PrincipalFacts& principal);

// Needs admin permission; an unknown grant id is not_found.
[[nodiscard]] std::expected<Decision, DomainError> decide(const Resource& current,
                                                          const RevokeAccess& command,
                                                          const Accessor& who);

// Controllers only. The new owner must be a customer of the resource's organization; a
// SuperAdmin may hand it to anyone, and the resource then moves to the new owner's
// organization (its organization grants, which named the old one, are revoked with it, and it
// leaves the old one's things groups among `groups`: leave_groups).
[[nodiscard]] std::expected<Decision, DomainError> decide(const Resource& current,
                                                          const TransferOwnership& command,
                                                          const Accessor& who,
                                                          const NewOwnerFacts& new_owner,
                                                          std::span<const Group> groups);

}  // namespace orgd::domain
