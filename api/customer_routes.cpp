#include "api/customer_routes.hpp"

#include <boost/json/array.hpp>

#include "api/command_responses.hpp"
#include "api/credentials.hpp"
#include "api/error_responses.hpp"
#include "api/groups_holding.hpp"
#include "api/http/json_body.hpp"
#include "api/ids.hpp"
#include "api/representations.hpp"
#include "api/route_support.hpp"
#include "api/signup_routes.hpp"
#include "domain/customer/customer_access.hpp"
#include "domain/customer/customer_decisions.hpp"

namespace orgd::api {
namespace {

constexpr StringRule kText{};
constexpr StringRule kPassword{.min_len = kMinPasswordLength, .max_len = kMaxPasswordLength};
constexpr std::string_view kReadOnlyFields[] = {"id",          "organizationId", "role",
                                                "status",      "createdTime",    "lastUpdatedTime",
                                                "createdBy",   "lastUpdatedBy"};

std::string value_or_empty(const Nullable<std::string>& n) {
  return n.present() ? n.value : std::string();
}

CommandDone answer_with_customer(ApiContext& context, const HttpRequest& request, std::string id,
                                 int status, std::shared_ptr<Responder> respond) {
  return [&context, request, id = std::move(id), status,
          respond](std::expected<std::uint64_t, HttpResponse> outcome) {
    if (!outcome) return (*respond)(std::move(outcome.error()));
    (*respond)(customer_response(context, request, id, status, *outcome));
  };
}

void create(ApiContext& context, HttpRequest request, const Authenticated& who, Responder respond) {
  domain::RegisterCustomer command;
  std::string password;
  Nullable<std::string> description, locale, country, platform_role;
  std::optional<std::string> organization_id, role;
  JsonObjectReader reader;
  reader.string("email", command.email, {.required = true, .max_len = 254})
      .string("password", password,
              {.required = true, .min_len = kMinPasswordLength, .max_len = kMaxPasswordLength})
      .string("firstName", command.first_name, {.required = true})
      .string("lastName", command.last_name, {.required = true})
      .optional_string("description", description, kText)
      .string("organizationId", organization_id, kText)
      .string("role", role, kText)
      .optional_string("locale", locale, kText)
      .optional_string("country", country, kText)
      .optional_string("platformRole", platform_role, kText);
  const auto body = reader.finish(request);
  const domain::Caller caller = who.caller;
  command.organization_id = organization_id.value_or(
      caller.is_superadmin() ? std::string(domain::kDefaultOrganizationId) : caller.organization_id);
  canonicalize_id(command.organization_id);
  command.role = role.value_or("member");
  command.description = value_or_empty(description);
  command.locale = value_or_empty(locale);
  command.country = value_or_empty(country);
  command.platform_role = value_or_empty(platform_role);
  auto refusal = domain::check_registration(command, caller);
  if (!body) {
    // A short password among other mistakes: all of them, not that one alone.
    const bool fields = refusal && refusal->code == domain::DomainErrorCode::invalid;
    return respond(body_problem_with(
        request, body.error(), fields ? refusal->fields : std::vector<domain::FieldProblem>{}));
  }
  if (!is_uuid(command.organization_id)) {
    return respond(bad_request_response(request, "organizationId", "no such organization"));
  }
  if (refusal) return respond(domain_error_response(request, *refusal));
  if (context.workers.queued() >= kMaxQueuedNewPasswords) return respond(busy_response(request));
  auto shared = std::make_shared<Responder>(std::move(respond));
  // argon2id takes ~0.1 s: never on an I/O thread.
  context.workers.post([&context, request = std::move(request), command, password, caller,
                        shared]() mutable {
    auto hash = hash_password(password);
    if (!hash) return (*shared)(unavailable_response(request, hash.error()));
    command.password_hash = std::move(*hash);
    const CommandMeta meta = command_meta(request, caller);
    command.id = new_uuid_v7(meta.now_ms);
    run_command(
        context, request, meta,
        [&context, request, command, caller]() -> std::expected<domain::Decision, HttpResponse> {
          auto organization = context.loader.organization(command.organization_id);
          if (!organization) return std::unexpected(unavailable_response(request, organization.error()));
          auto existing = context.loader.customer(command.id);
          if (!existing) return std::unexpected(unavailable_response(request, existing.error()));
          return decided(request, domain::decide(*existing, command, caller, *organization));
        },
        answer_with_customer(context, request, command.id, 201, shared));
  });
}

// Loads the customer and answers 404 unless the caller may see it.
std::expected<projections::CustomerRow, HttpResponse> visible_customer(const ApiContext& context,
                                                                      const HttpRequest& request,
                                                                      const domain::Caller& caller,
                                                                      const std::string& id) {
  auto row = context.customers.get(id);
  if (!row) return std::unexpected(unavailable_response(request, row.error()));
  if (!*row) return std::unexpected(not_found_response(request));
  domain::Customer seen;
  seen.id = (*row)->id;
  seen.organization_id = (*row)->organization_id;
  seen.platform_role =
      domain::platform_role_from((*row)->platform_role).value_or(domain::PlatformRole::none);
  if (!domain::can_view(caller, seen)) return std::unexpected(not_found_response(request));
  return std::move(**row);
}

void read_one(ApiContext& context, const HttpRequest& request, const Authenticated& who,
              const std::string& id, Responder respond) {
  auto row = visible_customer(context, request, who.caller, id);
  if (!row) return respond(std::move(row.error()));
  respond(customer_response(context, request, id, 200, 0));
}

struct ProfileBody {
  domain::UpdateCustomerProfile profile;
  std::optional<std::string> password;
  std::optional<std::string> current_password;
  std::optional<std::int64_t> version;
};

std::expected<ProfileBody, HttpResponse> read_profile_body(const HttpRequest& request,
                                                           const std::string& id) {
  ProfileBody body;
  body.profile.id = id;
  auto& p = body.profile.patch;
  Nullable<std::string> description, locale, country;
  JsonObjectReader reader;
  reader.string("email", p.email, {.max_len = 254})
      .string("firstName", p.first_name, kText)
      .string("lastName", p.last_name, kText)
      .optional_string("description", description, kText)
      .optional_string("locale", locale, kText)
      .optional_string("country", country, kText)
      .string("password", body.password, kPassword)
      .string("currentPassword", body.current_password, {.max_len = kMaxPasswordLength})
      .integer("updateVersion", body.version, {.min = 1});
  for (auto field : kReadOnlyFields) reader.ignore(field);
  if (auto ok = reader.finish(request); !ok) {
    return std::unexpected(json_body_problem(request, ok.error()));
  }
  if (!description.absent()) p.description = value_or_empty(description);
  if (!locale.absent()) p.locale = value_or_empty(locale);
  if (!country.absent()) p.country = value_or_empty(country);
  const bool profile_fields = p.email || p.first_name || p.last_name || p.description ||
                              p.locale || p.country;
  if (body.password && profile_fields) {
    return std::unexpected(bad_request_response(
        request, "password", "change the password in a request of its own"));
  }
  return body;
}

void run_password_change(ApiContext& context, const HttpRequest& request,
                         const domain::Caller& caller, domain::ChangePassword command,
                         std::shared_ptr<Responder> respond) {
  run_command(
      context, request, command_meta(request, caller),
      [&context, request, command, caller]() -> std::expected<domain::Decision, HttpResponse> {
        auto customer = context.loader.customer(command.id);
        if (!customer) return std::unexpected(unavailable_response(request, customer.error()));
        return decided(request, domain::decide(*customer, command, caller));
      },
      [&context, id = command.id,
       answer = answer_with_customer(context, request, command.id, 200, std::move(respond))](
          std::expected<std::uint64_t, HttpResponse> outcome) {
        // Whoever held the old password loses the addresses it logged in from, and a
        // SuperAdmin's reset lifts the customer's lockout.
        if (outcome) context.login_throttle.forget(throttled_customer(id));
        answer(std::move(outcome));
      });
}

// Whether `sent` is the customer's own password, for a change the customer makes itself. A
// wrong one counts as a failed attempt under the login limits, keyed by the customer's id (its
// email it may change without a password) and by the address: a stolen token must not be an
// unthrottled way to guess the password. Refused with 429 before verifying once over them.
std::expected<bool, HttpResponse> check_current_password(ApiContext& context,
                                                         const HttpRequest& request,
                                                         const domain::Customer& customer,
                                                         const std::optional<std::string>& sent) {
  if (!customer.exists() || !sent) return false;
  const std::string account = throttled_customer(customer.id);
  const auto now = LoginThrottle::Clock::now();
  auto wait = context.login_throttle.admit_address(request.remote_address, now);
  if (!wait) wait = context.login_throttle.claim_failure(account, request.remote_address, now);
  if (wait) return std::unexpected(too_many_logins_response(request, *wait));
  const bool verified = verify_password(customer.password_hash, *sent);
  if (verified) {
    context.login_throttle.refund_failure(account, request.remote_address,
                                          LoginThrottle::Clock::now());
  }
  return verified;
}

void change_password(ApiContext& context, HttpRequest request, const domain::Caller& caller,
                     ProfileBody body, std::uint64_t version, std::shared_ptr<Responder> respond) {
  // Whoever may not set this password is refused by decide before the hash matters: no worker
  // time is spent verifying or hashing for them.
  if (!domain::can_set_password(caller, body.profile.id)) {
    return run_password_change(
        context, request, caller,
        {body.profile.id, version, "", false, "", body.current_password.has_value()},
        std::move(respond));
  }
  if (context.workers.queued() >= kMaxQueuedNewPasswords) return (*respond)(busy_response(request));
  context.workers.post(
      [&context, request = std::move(request), caller, body = std::move(body), version, respond]() {
        // The stored hash from the customer's stream: the read model may still hold the one a
        // password change just replaced.
        auto current = context.loader.customer(body.profile.id);
        if (!current) return (*respond)(unavailable_response(request, current.error()));
        domain::ChangePassword command{body.profile.id,
                                       version,
                                       "",
                                       false,
                                       current->password_hash,
                                       body.current_password.has_value()};
        // Only the customer's own change proves the current password, and only one at the
        // current version (decide answers a stale one 409 first: no argon2id is spent on it,
        // nor a failure counted); one that fails is refused by decide without hashing the new
        // password. A SuperAdmin's reset needs none, and once committed lifts the customer's
        // lockout (run_password_change): it is how a locked-out customer gets back in.
        const bool self = caller.customer_id == body.profile.id;
        if (self && version == current->version) {
          auto verified = check_current_password(context, request, *current, body.current_password);
          if (!verified) return (*respond)(std::move(verified.error()));
          command.current_password_verified = *verified;
        }
        if (command.current_password_verified || !self) {
          auto hash = hash_password(*body.password);
          if (!hash) return (*respond)(unavailable_response(request, hash.error()));
          command.password_hash = std::move(*hash);
        }
        run_password_change(context, request, caller, std::move(command), respond);
      });
}

void update(ApiContext& context, HttpRequest request, const Authenticated& who,
            const std::string& id, Responder respond) {
  auto body = read_profile_body(request, id);
  if (!body) return respond(std::move(body.error()));
  auto version = required_version(request, body->version);
  if (!version) return respond(std::move(version.error()));
  auto shared = std::make_shared<Responder>(std::move(respond));
  if (body->password) {
    return change_password(context, std::move(request), who.caller, std::move(*body), *version,
                           shared);
  }
  body->profile.expected_version = *version;
  run_command(
      context, request, command_meta(request, who.caller),
      [&context, request, command = body->profile,
       caller = who.caller]() -> std::expected<domain::Decision, HttpResponse> {
        auto customer = context.loader.customer(command.id);
        if (!customer) return std::unexpected(unavailable_response(request, customer.error()));
        return decided(request, domain::decide(*customer, command, caller));
      },
      answer_with_customer(context, request, id, 200, shared));
}

void remove(ApiContext& context, const HttpRequest& request, const Authenticated& who,
            const std::string& id, Responder respond) {
  auto version = optional_if_match(request);
  if (!version) return respond(std::move(version.error()));
  const domain::DeleteCustomer command{id, *version};
  auto shared = std::make_shared<Responder>(std::move(respond));
  run_command(
      context, request, command_meta(request, who.caller),
      [&context, request, command,
       caller = who.caller]() -> std::expected<domain::Decision, HttpResponse> {
        auto customer = context.loader.customer(command.id);
        if (!customer) return std::unexpected(unavailable_response(request, customer.error()));
        auto members = context.loader.membership(customer->organization_id);
        if (!members) return std::unexpected(unavailable_response(request, members.error()));
        auto groups = groups_holding(context, command.id, customer->organization_id);
        if (!groups) return std::unexpected(unavailable_response(request, groups.error()));
        return decided(request, domain::decide(*customer, command, caller, *members, *groups));
      },
      answer_with(shared, no_content));
}

void me(ApiContext& context, const HttpRequest& request, const Authenticated& who,
        Responder respond) {
  auto row = context.customers.get(who.caller.customer_id);
  if (!row) return respond(unavailable_response(request, row.error()));
  if (!*row) return respond(not_found_response(request));
  auto organization = context.organizations.get((*row)->organization_id);
  if (!organization) return respond(unavailable_response(request, organization.error().message));
  boost::json::object body = customer_json(**row);
  const std::string org_locale = *organization ? (*organization)->locale : std::string();
  const std::string org_country = *organization ? (*organization)->country : std::string();
  const std::string& locale = (*row)->locale.empty() ? org_locale : (*row)->locale;
  const std::string& country = (*row)->country.empty() ? org_country : (*row)->country;
  body["effectiveLocale"] = locale.empty() ? boost::json::value(nullptr) : boost::json::value(locale);
  body["effectiveCountry"] =
      country.empty() ? boost::json::value(nullptr) : boost::json::value(country);
  body["platformRole"] = (*row)->platform_role.empty() ? boost::json::value(nullptr)
                                                       : boost::json::value((*row)->platform_role);
  auto pending = context.directory.pending_for((*row)->id, (*row)->organization_id);
  if (!pending) return respond(unavailable_response(request, pending.error()));
  boost::json::array pending_ids;
  for (const auto& contract : *pending) pending_ids.emplace_back(contract.id);
  body["pendingContracts"] = std::move(pending_ids);
  auto response = json_response(200, to_body(body));
  response.headers.emplace_back("ETag", etag_of((*row)->version));
  respond(std::move(response));
}

template <class Handler>
RouteHandler with_customer_id(ApiContext& context, Handler handler) {
  return [&context, handler](HttpRequest request, PathParams params, Responder respond) {
    auto who = authenticate(context, request);
    if (!who) return respond(std::move(who.error()));
    const std::string id(params["id"]);
    if (!is_uuid(id)) return respond(not_found_response(request));
    handler(context, std::move(request), *who, id, std::move(respond));
  };
}

}  // namespace

HttpResponse customer_response(const ApiContext& context, const HttpRequest& request,
                               const std::string& id, int status, std::uint64_t position) {
  auto row = context.customers.get(id);
  if (!row) return unavailable_response(request, row.error());
  if (!*row) return not_found_response(request);
  auto response = json_response(status, to_body(customer_json(**row)));
  response.headers.emplace_back("ETag", etag_of((*row)->version));
  if (status == 201) response.headers.emplace_back("Location", "/api/v1/customers/" + id);
  if (position != 0) set_event_position(response, position);
  return response;
}

void add_customer_routes(Router& router, ApiContext& context) {
  router.add(HttpMethod::post, "/api/v1/customers",
             [&context](HttpRequest request, PathParams, Responder respond) {
               // Without a token, creating a customer is signing up (SPEC: "without any token
               // this is signup"): the body is the signup body.
               if (request.authorization.empty() && context.options.signup_enabled) {
                 return handle_signup(context, std::move(request), std::move(respond));
               }
               auto who = authenticate(context, request);
               if (!who) return respond(std::move(who.error()));
               create(context, std::move(request), *who, std::move(respond));
             });
  router.add(HttpMethod::get, "/api/v1/customers/{id}", with_customer_id(context, read_one));
  router.add(HttpMethod::patch, "/api/v1/customers/{id}", with_customer_id(context, update));
  router.add(HttpMethod::del, "/api/v1/customers/{id}", with_customer_id(context, remove));
  router.add(HttpMethod::get, "/api/v1/me",
             [&context](HttpRequest request, PathParams, Responder respond) {
               // Ungated: a customer held up by contracts must learn which ones.
               auto who = authenticate_ungated(context, request);
               if (!who) return respond(std::move(who.error()));
               me(context, request, *who, std::move(respond));
             });
}

}  // namespace orgd::api
