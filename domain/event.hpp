#pragma once
// Every domain event, as one closed set.

#include <variant>

#include "domain/customer/customer_events.hpp"
#include "domain/organization/organization_events.hpp"

namespace orgd::domain {

using Event = std::variant<OrganizationCreated, OrganizationUpdated, OrganizationDeleted,
                           ChildOrganizationAdded, ChildOrganizationRemoved, CustomerRegistered,
                           SessionStarted, SessionEnded>;

}  // namespace orgd::domain
