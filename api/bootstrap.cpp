#include "api/bootstrap.hpp"

#include <spdlog/spdlog.h>

#include <future>
#include <optional>
#include <string_view>

#include "api/command_executor.hpp"
#include "api/credentials.hpp"
#include "api/customer_routes.hpp"
#include "api/http/percent_decoding.hpp"
#include "api/ids.hpp"
#include "domain/customer/customer_decisions.hpp"
#include "domain/field_rules.hpp"
#include "domain/organization/organization_decisions.hpp"

namespace orgd::api {
namespace {

// Appended and durable, without waiting for the read models: a first start on a store
// seeded by orgctl (which holds no Default) waited for them to catch up with the whole log
// before listening, saying nothing (a black-box review: 5.4 s for 500,000 events). /readyz
// answers 503 until they have.
std::expected<void, std::string> append_now(ApiContext& context, const domain::Decision& decision) {
  // A correlation id of its own, as every command has (SPEC §2; as-of reads a run of one id
  // as one command). Until 2026-12-04 both bootstrap commands were "bootstrap".
  const std::int64_t now = now_ms();
  auto appended = context.store.append(
      to_append_request(decision, {"system", "bootstrap-" + new_uuid_v7(now), "", now}));
  if (!appended) return std::unexpected(appended.error().message);
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
  return append_now(context, *decision);
}

// Whether the log holds a SuperAdmin, whatever its id and email: among the platform accounts of
// the organizations' read model once it has caught up with the log (at once in a new store).
// Answers true when that cannot be told: rather no SuperAdmin created than a second one.
bool holds_a_superadmin(ApiContext& context, std::uint64_t head_at_start) {
  const std::uint64_t head = context.store.head_position();
  // Said only of a wait for events from before this start (a store `orgctl seed` wrote): a
  // new directory's read models apply the Default organization bootstrap appended at once.
  if (context.projections.applied_position() < head_at_start) {
    spdlog::info(
        "looking for a SuperAdmin among the platform accounts: waiting for the read "
        "models to catch up with the log ({} events) before listening",
        head);
  }
  std::promise<bool> caught_up;
  auto reached = caught_up.get_future();
  context.projections.when_applied(head,
                                   [&caught_up](bool applied) { caught_up.set_value(applied); });
  if (!reached.get()) return true;
  auto accounts = context.organizations.platform_accounts();
  if (!accounts) return true;
  for (const auto& id : *accounts) {
    auto account = context.loader.customer(id);
    if (!account || account->platform_role == domain::PlatformRole::superadmin) return true;
  }
  return false;
}

// The rule of every password orgd takes (signup, customers, logins: 8 to 1024 code points of
// UTF-8, which a login's JSON body can carry). Until 2026-12-05 bytes were counted here, so
// seven characters of two bytes passed, and a password of 1025 made a SuperAdmin no login could
// reach.
std::optional<std::string> password_problem(std::string_view password) {
  if (!is_safe_text(password)) return "ORGD_ADMIN_PASSWORD must be UTF-8 text";
  const std::size_t length = domain::code_points(password);
  if (length < kMinPasswordLength || length > kMaxPasswordLength) {
    return "ORGD_ADMIN_PASSWORD must have 8 to 1024 characters (Unicode code points), not " +
           std::to_string(length);
  }
  return std::nullopt;
}

std::expected<void, StartFailure> ensure_superadmin(ApiContext& context,
                                                    const BootstrapOptions& options,
                                                    std::uint64_t head_at_start) {
  if (options.admin_email.empty()) return {};
  // Created once per data directory: a SuperAdmin that changed its email (to retire the
  // configured one) is not given a second account under the old one at the next start, as
  // it was until 2026-12-05.
  auto bootstrapped = context.loader.customer(domain::kBootstrapSuperAdminId);
  if (!bootstrapped) return std::unexpected(failed_start(bootstrapped.error()));
  if (bootstrapped->version != 0) {
    spdlog::info(domain::fold_case(bootstrapped->email) != domain::fold_case(options.admin_email)
                     ? "ORGD_ADMIN_EMAIL is not the SuperAdmin's email any more: nothing created"
                     : "the SuperAdmin exists: nothing created (ORGD_ADMIN_PASSWORD is used "
                       "only to create it)");
    return {};
  }
  // Stores bootstrapped before then hold it under an id of its own: found by the email, or,
  // moved to another since, among the platform accounts.
  auto owner = context.store.claim_owner(domain::kCustomerEmailScope,
                                         domain::fold_case(options.admin_email));
  if (!owner) return std::unexpected(failed_start(owner.error().message));
  if (*owner) {
    spdlog::info(
        "ORGD_ADMIN_EMAIL names an account already (a SuperAdmin created by an earlier release, "
        "or a customer that took the email since): nothing created");
    return {};
  }
  if (holds_a_superadmin(context, head_at_start)) {
    spdlog::info("ORGD_ADMIN_EMAIL names no account, but a SuperAdmin exists: nothing created");
    return {};
  }
  if (auto problem = password_problem(options.admin_password)) {
    return std::unexpected(bad_configuration(std::move(*problem)));
  }
  auto hash = hash_password(options.admin_password);
  if (!hash) return std::unexpected(failed_start(hash.error()));
  auto organization = context.loader.organization(domain::kDefaultOrganizationId);
  if (!organization) return std::unexpected(failed_start(organization.error()));
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
    return std::unexpected(bad_configuration("cannot create the SuperAdmin: " + detail));
  }
  if (auto done = append_now(context, *decision); !done) {
    return std::unexpected(failed_start(done.error()));
  }
  spdlog::info("created the SuperAdmin from ORGD_ADMIN_EMAIL and ORGD_ADMIN_PASSWORD");
  return {};
}

}  // namespace

std::expected<void, StartFailure> bootstrap(ApiContext& context, const BootstrapOptions& options) {
  const std::uint64_t head_at_start = context.store.head_position();
  if (auto r = ensure_default_organization(context); !r) {
    return std::unexpected(failed_start(r.error()));
  }
  return ensure_superadmin(context, options, head_at_start);
}

}  // namespace orgd::api
