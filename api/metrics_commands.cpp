// Names of the commands behind command routes, for orgd_commands_total{command}. A route
// missing here is still counted, under "<METHOD> <template>"; add it when adding the route.

#include <string>
#include <string_view>
#include <utility>

#include "api/metrics.hpp"

namespace orgd::api {
namespace {

struct CommandRoute {
  std::string_view method;
  std::string_view route;
  std::string_view name;
};

constexpr CommandRoute kCommandRoutes[] = {
    {"POST", "/api/v1/signup", "Signup"},
    {"POST", "/api/v1/sessions", "StartSession"},
    {"DELETE", "/api/v1/sessions/current", "EndSession"},
    {"POST", "/api/v1/organizations", "CreateOrganization"},
    {"PUT", "/api/v1/organizations/{id}", "UpdateOrganization"},
    {"DELETE", "/api/v1/organizations/{id}", "DeleteOrganization"},
    {"POST", "/api/v1/organizations/{id}/members", "MoveCustomer"},
    {"DELETE", "/api/v1/organizations/{id}/members/{customerId}", "RemoveMember"},
    {"PUT", "/api/v1/organizations/{id}/members/{customerId}/role", "ChangeMemberRole"},
    {"POST", "/api/v1/customers", "CreateCustomer"},
    {"PATCH", "/api/v1/customers/{id}", "UpdateCustomer"},
    {"DELETE", "/api/v1/customers/{id}", "DeleteCustomer"},
    {"POST", "/api/v1/contracts", "PublishContract"},
    {"POST", "/api/v1/contracts/{id}/versions", "ReviseContract"},
    {"POST", "/api/v1/organizations/{id}/contracts", "AssignContract"},
    {"DELETE", "/api/v1/organizations/{id}/contracts/{contractId}", "UnassignContract"},
    {"POST", "/api/v1/contracts/{id}/accept", "AcceptContract"},
    {"POST", "/api/v1/resources", "CreateResource"},
    {"PUT", "/api/v1/resources/{id}", "UpdateResource"},
    {"DELETE", "/api/v1/resources/{id}", "DeleteResource"},
    {"POST", "/api/v1/resources/{id}/grants", "GrantAccess"},
    {"DELETE", "/api/v1/resources/{id}/grants/{grantId}", "RevokeGrant"},
    {"POST", "/api/v1/resources/{id}/owner", "TransferOwnership"},
    {"POST", "/api/v1/organizations/{id}/groups", "CreateGroup"},
    {"DELETE", "/api/v1/groups/{id}", "DeleteGroup"},
    {"POST", "/api/v1/groups/{id}/members", "AddGroupMember"},
    {"DELETE", "/api/v1/groups/{id}/members/{memberId}", "RemoveGroupMember"},
    {"PUT", "/api/v1/organizations/{id}/billing-plan", "ChangeBillingPlan"},
    {"POST", "/api/v1/organizations/{id}/invoices", "IssueInvoice"},
    {"POST", "/api/v1/invoices/{id}/pay", "PayInvoice"},
    {"POST", "/api/v1/invoices/{id}/void", "VoidInvoice"},
};

}  // namespace

std::string command_name(std::string_view method, std::string_view route) {
  for (const auto& known : kCommandRoutes) {
    if (known.method == method && known.route == route) return std::string(known.name);
  }
  std::string fallback(method_label(method));
  fallback += ' ';
  fallback += route.empty() ? std::string_view("unmatched") : route;
  return fallback;
}

}  // namespace orgd::api
