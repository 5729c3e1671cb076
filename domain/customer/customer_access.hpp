#pragma once
// Who may see and manage which customer.
//
// A customer sees itself and the customers of its own organization. SuperAdmin and auditor
// see everyone.
//
// Nobody else sees the customers waiting in Default: Default is nobody's tenant but a waiting
// room, where the people removed from every organization and those a SuperAdmin created wait
// side by side, strangers to each other (they had seen each other's names and emails until
// 2026-12-04). Default has no owner or admin (its customers have no role). Seed 000 lists them
// to every organization's owners and admins, to pick new members from; with public signup
// anyone can become an owner, and so read every waiting customer's name and email (until
// 2026-12-05). SPEC's isolation rule wins: an owner or admin adds a waiting customer by its id,
// which the customer can give it (`/me`). An id is no secret (a former member's is in its
// organization's history), and the seed asks no consent of the customer added.
//
// Platform accounts (the SuperAdmin, auditors) answer to the platform alone: no organization's
// customers see them and no owner or admin changes them, wherever they sit. Seen from Default,
// an owner could otherwise pull the SuperAdmin into its own organization and change its email.

#include <cstdint>
#include <string_view>

#include "domain/caller.hpp"
#include "domain/customer/customer.hpp"
#include "domain/organization/organization_commands.hpp"

namespace orgd::domain {

[[nodiscard]] bool can_view(const Caller& caller, const Customer& customer);
// Change another customer's profile, role or membership, or delete it: a SuperAdmin, or an
// owner/admin of the customer's organization -- but only owners touch owners, and only a
// SuperAdmin touches a platform account.
[[nodiscard]] bool can_manage(const Caller& caller, const Customer& customer);

// Set a customer's password: the customer itself (with its current password) or a SuperAdmin.
[[nodiscard]] bool can_set_password(const Caller& caller, std::string_view customer_id);

// Add `customer` to the caller's organization by its id (MoveCustomer): whoever sees it, and
// an organization's owners and admins for a customer waiting in Default (see above). Who may
// add to which organization is the organization's rule (organization_access.hpp), checked
// first: otherwise its refusal would tell which ids wait in Default.
[[nodiscard]] bool can_pick(const Caller& caller, const Customer& customer);

// List an organization's members: its own customers (but Default's own, see above) and the
// platform roles any.
[[nodiscard]] bool can_list_members(const Caller& caller, std::string_view organization_id);

// See how many members an organization has (its `memberCount`): whoever sees the organization,
// but Default's count only the platform's accounts. To the customers waiting there it would
// tell how many strangers wait beside them, and when one comes or goes.
[[nodiscard]] bool can_count_members(const Caller& caller, std::string_view organization_id);
// can_count_members for every organization the caller may see: all but the customers waiting
// in Default, the only ones who see Default but not its count (a listing skips the per-row
// check for the others).
[[nodiscard]] bool can_count_all_it_sees(const Caller& caller);

// Follow which of an organization's members still have to accept its contracts: whoever may
// list its members, and the owners and admins of it or above it, who assign it contracts.
// Plain members above it see the organization, not its customers.
[[nodiscard]] bool can_follow_members(const Caller& caller, std::string_view organization_id,
                                      const AncestorChain& ancestors);

// The log position a caller allowed to read `customer`'s history reads it from: the platform's
// accounts from the start (1), an owner from where the customer came to the owner's
// organization (Customer::joined_position). What it did in organizations before is theirs
// (SPEC: nobody sees another organization's history).
[[nodiscard]] std::uint64_t history_starts_at(const Caller& caller, const Customer& customer);

}  // namespace orgd::domain
