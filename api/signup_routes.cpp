#include "api/signup_routes.hpp"

#include <boost/json/object.hpp>

#include "api/command_runner.hpp"
#include "api/credentials.hpp"
#include "api/customer_routes.hpp"
#include "api/error_responses.hpp"
#include "api/http/json_body.hpp"
#include "api/ids.hpp"
#include "api/representations.hpp"
#include "api/route_support.hpp"
#include "domain/signup.hpp"

namespace orgd::api {
namespace {

constexpr StringRule kText{};

std::expected<std::pair<domain::Signup, std::string>, HttpResponse> read_body(
    const HttpRequest& request) {
  domain::Signup signup;
  std::string password;
  JsonObjectReader reader;
  reader.string("organizationName", signup.organization_name, {.required = true})
      .string("organizationDescription", signup.organization_description, kText)
      .string("firstName", signup.first_name, {.required = true})
      .string("lastName", signup.last_name, {.required = true})
      .string("userDescription", signup.user_description, kText)
      .string("userEmailAddress", signup.email, {.required = true, .max_len = 254})
      .string("userPassword", password,
              {.required = true, .min_len = kMinPasswordLength, .max_len = kMaxPasswordLength})
      .integer("agreeToTermsAndPolicies", signup.agree_to_terms_and_policies, {.required = true});
  if (auto ok = reader.finish(request); !ok) {
    // A short password among other mistakes: all of them, not that one alone.
    return std::unexpected(
        body_problem_with(request, ok.error(), domain::signup_field_problems(signup)));
  }
  if (auto problems = domain::signup_field_problems(signup); !problems.empty()) {
    return std::unexpected(domain_error_response(request, domain::invalid(std::move(problems))));
  }
  return std::pair{std::move(signup), std::move(password)};
}

// On the worker pool: hashes the password, then runs the one atomic command.
void sign_up(ApiContext& context, HttpRequest request, domain::Signup signup, std::string password,
             std::shared_ptr<Responder> respond) {
  auto hash = hash_password(password);
  if (!hash) return (*respond)(unavailable_response(request, hash.error()));
  signup.password_hash = std::move(*hash);
  signup.customer_id = new_uuid_v7(now_ms());
  // The new customer creates itself and its organization.
  const CommandMeta meta = anonymous_command_meta(request, signup.customer_id);
  signup.organization_id = new_uuid_v7(meta.now_ms);
  signup.customers_group_id = new_uuid_v7(meta.now_ms);
  signup.things_group_id = new_uuid_v7(meta.now_ms);
  signup.session_id = random_hex(16);
  IssuedToken token = issue_token(signup.customer_id);
  signup.token_hash = token.token_hash;
  signup.expires_at_ms = meta.now_ms + context.options.token_ttl_seconds * 1000;
  run_command(
      context, request, meta,
      [&context, request, signup]() -> std::expected<domain::Decision, HttpResponse> {
        auto organization = context.loader.organization(signup.organization_id);
        if (!organization)
          return std::unexpected(unavailable_response(request, organization.error()));
        auto customer = context.loader.customer(signup.customer_id);
        if (!customer) return std::unexpected(unavailable_response(request, customer.error()));
        auto decision = domain::decide(*organization, *customer, signup);
        if (!decision) return std::unexpected(domain_error_response(request, decision.error()));
        return std::move(*decision);
      },
      [&context, respond, signup, address = request.remote_address,
       secret = std::move(token.token)](std::expected<std::uint64_t, HttpResponse> outcome) {
        if (!outcome) return (*respond)(std::move(outcome.error()));
        // Its first session: the address it signed up from is familiar to it, as after a login.
        context.login_throttle.record_success(throttled_customer(signup.customer_id), address,
                                              LoginThrottle::Clock::now());
        boost::json::object body;
        body["id"] = signup.customer_id;
        body["organizationId"] = signup.organization_id;
        body["securityToken"] = secret;
        body["status"] = "success";
        body["message"] = "initialization succeeded";
        auto response = json_response(201, to_body(body));
        response.headers.emplace_back("Location", "/api/v1/customers/" + signup.customer_id);
        response.headers.emplace_back("Cache-Control", "no-store");
        set_event_position(response, *outcome);
        (*respond)(std::move(response));
      });
}

}  // namespace

void handle_signup(ApiContext& context, HttpRequest request, Responder respond) {
  if (!context.options.signup_enabled) return respond(not_found_response(request));
  auto body = read_body(request);
  if (!body) return respond(std::move(body.error()));
  if (context.workers.queued() >= kMaxQueuedNewPasswords) return respond(busy_response(request));
  auto shared = std::make_shared<Responder>(std::move(respond));
  context.workers.post([&context, request = std::move(request), body = std::move(*body),
                        shared]() mutable {
    sign_up(context, std::move(request), std::move(body.first), std::move(body.second), shared);
  });
}

void add_signup_routes(Router& router, ApiContext& context) {
  router.add(HttpMethod::post, "/api/v1/signup",
             [&context](HttpRequest request, PathParams, Responder respond) {
               handle_signup(context, std::move(request), std::move(respond));
             });
}

}  // namespace orgd::api
