#include "api/authenticator.hpp"

#include <memory>

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
  const std::optional<std::uint64_t> position = remembered_.position();  // before the reads
  if (auto known = remembered_.find(token->token_hash, position)) {
    return check(request, *token, *known, now_ms);
  }
  auto found = look_up(request, *token);
  if (!found) return std::unexpected(std::move(found.error()));
  auto answer = check(request, *token, *found, now_ms);
  if (answer) {
    remembered_.remember(token->token_hash, position,
                         std::make_shared<const Remembered>(std::move(*found)));
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
  domain::Caller caller{
      row.id, domain::platform_role_from(row.platform_role).value_or(domain::PlatformRole::none),
      row.organization_id,
      domain::organization_role_from(row.role).value_or(domain::OrganizationRole::member),
      row.version};
  return Remembered{(*session)->customer_id, (*session)->expires_at_ms,
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
