#pragma once
// Who may see and manage which customer.
//
// A customer sees itself and the customers of its own organization. Owners and admins also see
// the customers in Default, because adding a customer means picking one from there (seed 000:
// "only customers that are in the logged in organization or in the default organization get
// listed"). SuperAdmin and auditor see everyone.

#include <string_view>

#include "domain/caller.hpp"
#include "domain/customer/customer.hpp"

namespace orgd::domain {

[[nodiscard]] bool can_view(const Caller& caller, const Customer& customer);
// Change another customer's profile, role or membership, or delete it: a SuperAdmin, or an
// owner/admin of the customer's organization -- but only owners touch owners.
[[nodiscard]] bool can_manage(const Caller& caller, const Customer& customer);

// List an organization's members: its own customers, owners and admins also Default's, and
// the platform roles any.
[[nodiscard]] bool can_list_members(const Caller& caller, std::string_view organization_id);

}  // namespace orgd::domain
