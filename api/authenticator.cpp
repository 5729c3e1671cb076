#include "api/authenticator.hpp"

#include "api/credentials.hpp"
#include "api/error_responses.hpp"
#include "api/http/problem.hpp"
#include "domain/customer/customer.hpp"

namespace orgd::api {
namespace {

HttpResponse unauthorized(const HttpRequest& request, std::string_view detail) {
  auto response = problem_response(401, "unauthorized", "unauthorized", detail, request.path,
                                   request.trace_id);
  response.headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

}  // namespace

std::expected<Authenticated, HttpResponse> Authenticator::authenticate(
    const HttpRequest& request, std::int64_t now_ms) const {
  if (request.authorization.empty()) {
    return std::unexpected(unauthorized(request, "this endpoint needs a bearer token"));
  }
  auto token = parse_bearer(request.authorization);
  if (!token) return std::unexpected(unauthorized(request, token.error()));
  // Read before the read models: an answer is never stamped with a later position than the
  // state it was worked out from.
  const std::optional<std::uint64_t> position = position_();
  if (position) {
    std::lock_guard lock(mutex_);
    if (auto it = remembered_.find(token->token_hash);
        it != remembered_.end() && it->second.position == *position) {
      return check(request, *token, it->second, now_ms);
    }
  }
  auto found = look_up(request, *token);
  if (!found) return std::unexpected(std::move(found.error()));
  found->position = position.value_or(0);
  auto answer = check(request, *token, *found, now_ms);
  if (answer && position) {
    std::lock_guard lock(mutex_);
    if (remembered_.size() >= kRemembered) remembered_.clear();
    remembered_.insert_or_assign(token->token_hash, std::move(*found));
  }
  return answer;
}

// The session and the customer behind a token, as the read models hold them now.
std::expected<Authenticator::Remembered, HttpResponse> Authenticator::look_up(
    const HttpRequest& request, const PresentedToken& token) const {
  auto session = customers_.session(token.token_hash);
  if (!session) return std::unexpected(unavailable_response(request, "sessions unavailable"));
  if (!*session) return std::unexpected(unauthorized(request, "the token is not valid"));
  auto customer = customers_.get((*session)->customer_id);
  if (!customer) return std::unexpected(unavailable_response(request, "customers unavailable"));
  if (!*customer || (*customer)->status != "active") {
    return std::unexpected(unauthorized(request, "the token is not valid"));
  }
  const auto& row = **customer;
  domain::Caller caller{row.id,
                        domain::platform_role_from(row.platform_role)
                            .value_or(domain::PlatformRole::none),
                        row.organization_id,
                        domain::organization_role_from(row.role)
                            .value_or(domain::OrganizationRole::member)};
  return Remembered{0, (*session)->customer_id, (*session)->expires_at_ms,
                    Authenticated{std::move(caller), (*session)->session_id, token.token_hash}};
}

std::expected<Authenticated, HttpResponse> Authenticator::check(const HttpRequest& request,
                                                                const PresentedToken& token,
                                                                const Remembered& remembered,
                                                                std::int64_t now_ms) const {
  // The hash lookup already matched the secret; the customer part must match too, compared
  // in constant time like every secret-derived value.
  if (!equal_secrets(remembered.customer_id, token.customer_id)) {
    return std::unexpected(unauthorized(request, "the token is not valid"));
  }
  if (remembered.expires_at_ms <= now_ms) {
    return std::unexpected(unauthorized(request, "the token has expired"));
  }
  return remembered.authenticated;
}

}  // namespace orgd::api
