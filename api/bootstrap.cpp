#include "api/bootstrap.hpp"

#include <future>

#include "api/credentials.hpp"
#include "api/ids.hpp"
#include "domain/customer/customer_decisions.hpp"
#include "domain/field_rules.hpp"
#include "domain/organization/organization_decisions.hpp"

namespace orgd::api {
namespace {

std::expected<void, std::string> execute_blocking(ApiContext& context,
                                                  const domain::Decision& decision) {
  std::promise<CommandOutcome> promise;
  auto future = promise.get_future();
  // A correlation id of its own, as every command has (SPEC §2; as-of reads a run of one id
  // as one command). Until 2026-12-04 both bootstrap commands were "bootstrap".
  const std::int64_t now = now_ms();
  context.executor.execute(decision, {"system", "bootstrap-" + new_uuid_v7(now), "", now},
                           [&promise](CommandOutcome outcome) { promise.set_value(outcome); });
  const CommandOutcome outcome = future.get();
  if (!outcome.ok) return std::unexpected(outcome.error.message);
  return {};
}

std::expected<void, std::string> ensure_default_organization(ApiContext& context) {
  auto existing = context.loader.organization(domain::kDefaultOrganizationId);
  if (!existing) return std::unexpected(existing.error());
  if (existing->version != 0) return {};
  domain::CreateOrganization command;
  command.id = std::string(domain::kDefaultOrganizationId);
  command.name = std::string(domain::kDefaultOrganizationName);
  command.description = "Customers without an organization of their own";
  command.customers_group_id = new_uuid_v7(now_ms());
  command.things_group_id = new_uuid_v7(now_ms());
  auto decision = domain::decide(*existing, command, domain::system_caller(), {});
  if (!decision) return std::unexpected(decision.error().message);
  return execute_blocking(context, *decision);
}

std::expected<void, std::string> ensure_superadmin(ApiContext& context,
                                                   const BootstrapOptions& options) {
  if (options.admin_email.empty()) return {};
  // Created once per data directory: a SuperAdmin that changed its email (to retire the
  // configured one) is not given a second account under the old one at the next start, as
  // it was until 2026-12-05.
  auto bootstrapped = context.loader.customer(domain::kBootstrapSuperAdminId);
  if (!bootstrapped) return std::unexpected(bootstrapped.error());
  if (bootstrapped->version != 0) return {};
  // Stores bootstrapped before then hold it under an id of its own: found by the email.
  auto owner = context.store.claim_owner(domain::kCustomerEmailScope,
                                         domain::fold_case(options.admin_email));
  if (!owner) return std::unexpected(owner.error().message);
  if (*owner) return {};
  if (options.admin_password.size() < 8) {
    return std::unexpected("ORGD_ADMIN_PASSWORD must have at least 8 characters");
  }
  auto hash = hash_password(options.admin_password);
  if (!hash) return std::unexpected(hash.error());
  auto organization = context.loader.organization(domain::kDefaultOrganizationId);
  if (!organization) return std::unexpected(organization.error());
  const domain::RegisterCustomer command{std::string(domain::kBootstrapSuperAdminId),
                                         options.admin_email,
                                         "Super",
                                         "Admin",
                                         "Platform administrator",
                                         std::string(domain::kDefaultOrganizationId),
                                         "member",
                                         "superadmin",
                                         *hash,
                                         "",
                                         ""};
  auto decision = domain::decide(domain::Customer{}, command, domain::system_caller(),
                                 *organization);
  if (!decision) {
    std::string detail = decision.error().message;
    for (const auto& f : decision.error().fields) detail += "; " + f.field + " " + f.message;
    return std::unexpected("cannot create the SuperAdmin: " + detail);
  }
  return execute_blocking(context, *decision);
}

}  // namespace

std::expected<void, std::string> bootstrap(ApiContext& context, const BootstrapOptions& options) {
  if (auto r = ensure_default_organization(context); !r) return r;
  return ensure_superadmin(context, options);
}

}  // namespace orgd::api
