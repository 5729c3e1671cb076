#pragma once
// The one place where typed errors become HTTP problems (RFC 9457).

#include <chrono>
#include <string_view>
#include <vector>

#include "api/http/http_types.hpp"
#include "api/http/json_body.hpp"
#include "domain/domain_error.hpp"
#include "eventstore/append_request.hpp"

namespace orgd::api {

[[nodiscard]] HttpResponse domain_error_response(const HttpRequest& request,
                                                 const domain::DomainError& error);
[[nodiscard]] HttpResponse append_error_response(const HttpRequest& request,
                                                 const eventstore::AppendError& error);
// A body whose members failed the JSON reader's rules (`error`), answered together with the
// domain's field problems of the members it read (`more`; those of a member already named are
// left out), so that a client learns every field to fix at once. Any other `error` as
// json_body_problem answers it.
[[nodiscard]] HttpResponse body_problem_with(const HttpRequest& request, JsonBodyError error,
                                             const std::vector<domain::FieldProblem>& more);
[[nodiscard]] HttpResponse not_found_response(const HttpRequest& request);
[[nodiscard]] HttpResponse unavailable_response(const HttpRequest& request, std::string_view what);
// 503 `server-busy` with Retry-After: too much password work is already waiting.
[[nodiscard]] HttpResponse busy_response(const HttpRequest& request);
// 429 with Retry-After (login rate limiting).
[[nodiscard]] HttpResponse too_many_logins_response(const HttpRequest& request,
                                                    std::chrono::seconds wait);
[[nodiscard]] HttpResponse bad_request_response(const HttpRequest& request, std::string_view field,
                                                std::string_view message);
// 400 for a cursor another listing (or another order or filter of this one) gave out.
[[nodiscard]] HttpResponse foreign_cursor_response(const HttpRequest& request);

}  // namespace orgd::api
