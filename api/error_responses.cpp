#include "api/error_responses.hpp"

#include <algorithm>
#include <vector>

#include "api/command_executor.hpp"
#include "api/http/problem.hpp"
#include "domain/customer/customer.hpp"
#include "domain/organization/organization.hpp"
#include "projections/index_page.hpp"

namespace orgd::api {
namespace {

HttpResponse problem(const HttpRequest& request, int status, std::string_view slug,
                     std::string_view title, std::string_view detail,
                     std::span<const FieldError> errors = {}) {
  return problem_response(status, slug, title, detail, request.path, request.trace_id, errors);
}

}  // namespace

HttpResponse domain_error_response(const HttpRequest& request, const domain::DomainError& error) {
  using Code = domain::DomainErrorCode;
  switch (error.code) {
    case Code::invalid: {
      std::vector<FieldError> fields;
      for (const auto& f : error.fields) fields.push_back({f.field, f.message});
      return problem(request, 400, "validation-failed", "validation failed", error.message, fields);
    }
    case Code::not_found:
      return not_found_response(request);
    case Code::forbidden:
      return problem(request, 403, "forbidden", "forbidden", error.message);
    case Code::version_conflict:
      return problem(request, 409, "version-conflict", "version conflict", error.message);
    case Code::already_exists:
      return problem(request, 409, error.rule, "already exists", error.message);
    case Code::rule_violated:
      return problem(request, 409, error.rule, "the change breaks a rule", error.message);
    case Code::unauthenticated: {
      auto response = problem(request, 401, error.rule, "unauthorized", error.message);
      response.headers.emplace_back("WWW-Authenticate", "Bearer");
      return response;
    }
  }
  return problem(request, 500, "internal-error", "internal server error", "unmapped domain error");
}

HttpResponse append_error_response(const HttpRequest& request,
                                   const eventstore::AppendError& error) {
  using Code = eventstore::AppendErrorCode;
  switch (error.code) {
    case Code::version_conflict:
      return problem(request, 409, "concurrent-modification", "concurrent modification",
                     "another request changed " + error.stream_id + " at the same time; retry");
    case Code::claim_taken:
      if (error.claim_scope == domain::kOrganizationNameScope) {
        return problem(request, 409, "organization-already-exists", "organization already exists",
                       "an organization with this name already exists");
      }
      if (error.claim_scope == kIdempotencyKeyScope) {
        return problem(request, 409, "idempotency-key-in-use", "idempotency key in use",
                       "a request with this Idempotency-Key is in progress, or was applied but "
                       "its response was not recorded; it will not be applied again");
      }
      if (error.claim_scope == domain::kCustomerEmailScope) {
        return problem(request, 409, "email-already-registered", "email already registered",
                       "the email address " + error.claim_value + " is already registered");
      }
      return problem(request, 409, "already-exists", "already exists", error.message);
    case Code::storage_unavailable:
    case Code::closed:
      return unavailable_response(request, "the event store cannot accept writes right now");
    case Code::invalid_request:
      break;
  }
  return problem(request, 500, "internal-error", "internal server error",
                 "the command was malformed");
}

HttpResponse body_problem_with(const HttpRequest& request, JsonBodyError error,
                               const std::vector<domain::FieldProblem>& more) {
  if (error.kind == JsonBodyError::Kind::invalid_fields) {
    const auto named = [&error](const std::string& field) {
      return std::ranges::any_of(error.errors,
                                 [&field](const FieldError& e) { return e.field == field; });
    };
    for (const auto& problem : more) {
      if (error.errors.size() >= kMaxFieldErrors) break;
      if (!named(problem.field)) error.errors.push_back({problem.field, problem.message});
    }
  }
  return json_body_problem(request, error);
}

HttpResponse not_found_response(const HttpRequest& request) {
  return problem(request, 404, "not-found", "not found",
                 "no such resource, or it is not visible to you");
}

HttpResponse unavailable_response(const HttpRequest& request, std::string_view what) {
  auto response = problem(request, 503, "storage-unavailable", "service unavailable", what);
  response.headers.emplace_back("Retry-After", "1");
  return response;
}

HttpResponse busy_response(const HttpRequest& request) {
  auto response = problem(request, 503, "server-busy", "server busy",
                          "too many logins, signups and password changes are waiting; try again");
  response.headers.emplace_back("Retry-After", "1");
  return response;
}

HttpResponse too_many_logins_response(const HttpRequest& request, std::chrono::seconds wait) {
  auto response = problem(request, 429, "too-many-login-attempts", "too many login attempts",
                          "too many login attempts for this email or from this address; try "
                          "again in " +
                              std::to_string(wait.count()) + " s");
  response.headers.emplace_back("Retry-After", std::to_string(wait.count()));
  return response;
}

HttpResponse bad_request_response(const HttpRequest& request, std::string_view field,
                                  std::string_view message) {
  const FieldError error{std::string(field), std::string(message)};
  return problem(request, 400, "validation-failed", "validation failed", message,
                 std::span<const FieldError>(&error, 1));
}

HttpResponse foreign_cursor_response(const HttpRequest& request) {
  return bad_request_response(request, "cursor", projections::kForeignCursorMessage);
}

}  // namespace orgd::api
