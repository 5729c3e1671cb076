#pragma once
// Who may do what with a resource.
//
// Effective permission = the strongest of: owner (admin) ∪ grants to the customer ∪ to its
// groups ∪ to its organization ∪ the owners/admins of the resource's organization (admin) ∪
// SuperAdmin (admin). An auditor reads every resource and writes none, whatever it was granted.
// Permissions are ordered: write includes read, admin includes write and managing grants.
// Deleting and transferring ownership is for the resource's controllers only: its owner, the
// owners/admins of its organization, and a SuperAdmin -- never for a grantee.
//
// An owner's rights count while it is a customer of the resource's organization: a resource
// is something an organization owns (SPEC), and a customer removed from it (or whose
// organization was deleted) must not go on reading and sharing it, nor learn from it who is
// still there. Its organization's owners and admins keep the resource and may hand it to one of
// their customers; its owner gets its rights back if it returns. A resource in Default stays its
// owner's wherever the owner goes: it was made while waiting, for nobody else.

#include <optional>
#include <string_view>

#include "domain/caller.hpp"
#include "domain/resource/resource.hpp"
#include "domain/resource/resource_commands.hpp"

namespace orgd::domain {

// nullopt: the caller may not even see the resource (it must answer as if it did not exist).
[[nodiscard]] std::optional<Permission> effective_permission(const Resource& resource,
                                                             const Accessor& who);
[[nodiscard]] bool can_view(const Accessor& who, const Resource& resource);
[[nodiscard]] bool can_write(const Accessor& who, const Resource& resource);
// Grant and revoke access, rotate an app-backend's apiKey.
[[nodiscard]] bool can_administer(const Accessor& who, const Resource& resource);
// Delete, transfer ownership.
[[nodiscard]] bool can_control(const Caller& caller, const Resource& resource);
// Whether the resource's owner, now a customer of `owner_organization_id`, holds an owner's
// rights on it (see above).
[[nodiscard]] bool owner_rights_count(const Resource& resource,
                                      std::string_view owner_organization_id);

// For listings, the same rule by whole sets: the platform roles see every resource; owners and
// admins see every resource of their organization; everyone else what it owns there or in
// Default, and what it was granted.
[[nodiscard]] bool sees_every_resource(const Caller& caller);
[[nodiscard]] bool sees_organization_resources(const Caller& caller);

}  // namespace orgd::domain
