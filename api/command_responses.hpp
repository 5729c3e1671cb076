#pragma once
// Small adapters between decisions, command outcomes and HTTP responses, shared by routes.

#include <cstdint>
#include <expected>
#include <functional>
#include <memory>

#include "api/command_runner.hpp"
#include "api/error_responses.hpp"
#include "api/route_support.hpp"

namespace orgd::api {

// A decision, or the problem response for its refusal.
[[nodiscard]] inline std::expected<domain::Decision, HttpResponse> decided(
    const HttpRequest& request, std::expected<domain::Decision, domain::DomainError> decision) {
  if (!decision) return std::unexpected(domain_error_response(request, decision.error()));
  return std::move(*decision);
}

// Answers a command with `render(position)` once it is applied, or with its problem.
[[nodiscard]] inline CommandDone answer_with(
    std::shared_ptr<Responder> respond, std::function<HttpResponse(std::uint64_t position)> render) {
  return [respond, render = std::move(render)](std::expected<std::uint64_t, HttpResponse> outcome) {
    if (!outcome) return (*respond)(std::move(outcome.error()));
    (*respond)(render(*outcome));
  };
}

[[nodiscard]] inline CommandDone answer_with(
    Responder respond, std::function<HttpResponse(std::uint64_t position)> render) {
  return answer_with(std::make_shared<Responder>(std::move(respond)), std::move(render));
}

[[nodiscard]] inline HttpResponse no_content(std::uint64_t position) {
  HttpResponse response;
  response.status = 204;
  response.content_type.clear();
  set_event_position(response, position);
  return response;
}

}  // namespace orgd::api
