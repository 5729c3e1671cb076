#include "api/session_routes.hpp"

#include <boost/json/object.hpp>
#include <memory>
#include <optional>

#include "api/command_responses.hpp"
#include "api/credentials.hpp"
#include "api/error_responses.hpp"
#include "api/http/json_body.hpp"
#include "api/ids.hpp"
#include "api/representations.hpp"
#include "api/route_support.hpp"
#include "domain/customer/customer_decisions.hpp"
#include "domain/field_rules.hpp"

namespace orgd::api {
namespace {

struct LoginRequest {
  std::string email;
  std::string password;
};

// The customer an email names, from the write side: the email's claim and the customer's
// stream. The read model may trail a password change by a moment, and its old hash must not
// let the old password in. A customer that does not exist comes back empty.
std::expected<domain::Customer, std::string> customer_by_email(ApiContext& context,
                                                               std::string_view email) {
  auto owner = context.store.claim_owner(domain::kCustomerEmailScope, domain::fold_case(email));
  if (!owner) return std::unexpected(owner.error().message);
  static const std::string kPrefix = domain::customer_stream("");
  if (!*owner || !(*owner)->starts_with(kPrefix)) return domain::Customer{};
  return context.loader.customer(std::string_view(**owner).substr(kPrefix.size()));
}

// Runs on the worker pool: argon2id verification is deliberately slow.
void login(ApiContext& context, HttpRequest request, LoginRequest login,
           std::shared_ptr<Responder> respond) {
  auto found = customer_by_email(context, login.email);
  if (!found) return (*respond)(unavailable_response(request, found.error()));
  const domain::Customer& customer = *found;
  // A customer is counted by its id, where its familiar addresses are: a token holder may
  // rename the email (no password needed), and a new email would bring fresh guesses and no
  // familiar address. An unknown email is counted by itself, refused as often as a real one.
  const std::string account =
      customer.exists() ? throttled_customer(customer.id) : throttled_unknown_email(login.email);
  if (auto wait = context.login_throttle.claim_failure(account, request.remote_address,
                                                       LoginThrottle::Clock::now())) {
    return (*respond)(too_many_logins_response(request, *wait));
  }
  bool verified = false;
  if (customer.exists()) {
    verified = verify_password(customer.password_hash, login.password);
  } else {
    verify_against_dummy(login.password);
  }
  if (verified) {
    context.login_throttle.refund_failure(account, request.remote_address,
                                          LoginThrottle::Clock::now());
  }
  const CommandMeta meta =
      anonymous_command_meta(request, customer.exists() ? customer.id : "anonymous");
  const std::int64_t expires_at = meta.now_ms + context.options.token_ttl_seconds * 1000;
  IssuedToken token = issue_token(customer.id);
  const domain::StartSession command{customer.id, random_hex(16), token.token_hash,
                                     expires_at,  verified,       customer.password_hash};
  run_command(
      context, request, meta,
      // First decided on the customer the password was checked against (the decision guards its
      // version, so a change during argon2id makes the append conflict); a retry after a
      // conflict reads the customer again and sees what changed.
      [&context, request, command,
       checked = std::make_shared<std::optional<domain::Customer>>(
           customer)]() -> std::expected<domain::Decision, HttpResponse> {
        domain::Customer current;
        if (*checked) {
          current = std::move(**checked);
          checked->reset();
        } else if (!command.customer_id.empty()) {
          auto loaded = context.loader.customer(command.customer_id);
          if (!loaded) return std::unexpected(unavailable_response(request, loaded.error()));
          current = std::move(*loaded);
        }
        auto decision = domain::decide(current, command);
        if (!decision) return std::unexpected(domain_error_response(request, decision.error()));
        return std::move(*decision);
      },
      [&context, respond, id = customer.id, address = request.remote_address,
       secret = std::move(token.token),
       expires_at](std::expected<std::uint64_t, HttpResponse> outcome) {
        if (!outcome) return (*respond)(std::move(outcome.error()));
        // Familiar once a session started: a right password refused (an inactive customer)
        // makes nothing familiar.
        context.login_throttle.record_success(throttled_customer(id), address,
                                              LoginThrottle::Clock::now());
        boost::json::object body;
        body["id"] = id;
        body["securityToken"] = secret;
        body["expiresAt"] = format_iso8601(expires_at);
        auto response = json_response(201, to_body(body));
        response.headers.emplace_back("Cache-Control", "no-store");
        set_event_position(response, *outcome);
        (*respond)(std::move(response));
      });
}

void logout(ApiContext& context, const HttpRequest& request, Responder respond) {
  auto who = authenticate_ungated(context, request);  // logging out is never held up
  if (!who) return respond(std::move(who.error()));
  auto shared = std::make_shared<Responder>(std::move(respond));
  const domain::EndSession command{who->caller.customer_id, who->session_id, who->token_hash};
  run_command(
      context, request, command_meta(request, who->caller),
      [&context, request, command]() -> std::expected<domain::Decision, HttpResponse> {
        auto customer = context.loader.customer(command.customer_id);
        if (!customer) return std::unexpected(unavailable_response(request, customer.error()));
        auto decision = domain::decide(*customer, command);
        if (!decision) return std::unexpected(domain_error_response(request, decision.error()));
        return std::move(*decision);
      },
      answer_with(shared, no_content));
}

}  // namespace

void add_session_routes(Router& router, ApiContext& context) {
  router.add(HttpMethod::post, "/api/v1/sessions",
             [&context](HttpRequest request, PathParams, Responder respond) {
               LoginRequest body;
               JsonObjectReader reader;
               reader.string("email", body.email, {.required = true, .max_len = 254})
                   .string("password", body.password,
                           {.required = true, .min_len = 1, .max_len = kMaxPasswordLength});
               if (auto ok = reader.finish(request); !ok) {
                 return respond(json_body_problem(request, ok.error()));
               }
               // The account is known on the worker, where its count is checked before argon2id.
               if (auto wait = context.login_throttle.admit_address(request.remote_address,
                                                                    LoginThrottle::Clock::now())) {
                 return respond(too_many_logins_response(request, *wait));
               }
               if (context.workers.queued() >= kMaxQueuedPasswordWork) {
                 return respond(busy_response(request));
               }
               auto shared = std::make_shared<Responder>(std::move(respond));
               context.workers.post([&context, request = std::move(request), body = std::move(body),
                                     shared]() mutable {
                 login(context, std::move(request), std::move(body), shared);
               });
             });
  router.add(HttpMethod::del, "/api/v1/sessions/current",
             [&context](HttpRequest request, PathParams, Responder respond) {
               logout(context, request, std::move(respond));
             });
}

}  // namespace orgd::api
