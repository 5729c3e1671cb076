#pragma once
// Every domain event, as one closed set. Append new types at the end.

#include <variant>

#include "domain/billing/billing_events.hpp"
#include "domain/contract/contract_events.hpp"
#include "domain/customer/customer_events.hpp"
#include "domain/group/group_events.hpp"
#include "domain/membership/membership_events.hpp"
#include "domain/organization/organization_events.hpp"
#include "domain/resource/resource_events.hpp"

namespace orgd::domain {

using Event = std::variant<OrganizationCreated, OrganizationUpdated, OrganizationDeleted,
                           ChildOrganizationAdded, ChildOrganizationRemoved, CustomerRegistered,
                           SessionStarted, SessionEnded, CustomerMoved, CustomerRoleChanged,
                           CustomerProfileUpdated, CustomerPasswordChanged, CustomerDeleted,
                           MemberJoined, MemberLeft, MemberRoleChanged, GroupCreated,
                           GroupMemberAdded, GroupMemberRemoved, GroupDeleted, ContractPublished,
                           ContractRevised, ContractAssigned, ContractUnassigned, ContractAccepted,
                           BillingPlanChanged, InvoiceIssued, InvoicePaid, InvoiceVoided,
                           ResourceCreated, ResourceUpdated, ResourceApiKeyRotated,
                           ResourceDeleted, ResourceOwnershipTransferred, ResourceAccessGranted,
                           ResourceAccessRevoked>;

}  // namespace orgd::domain
