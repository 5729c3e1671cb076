#pragma once
// The one place where typed errors become HTTP problems (RFC 9457).

#include <chrono>
#include <string_view>

#include "api/http/http_types.hpp"
#include "domain/domain_error.hpp"
#include "eventstore/append_request.hpp"

namespace orgd::api {

[[nodiscard]] HttpResponse domain_error_response(const HttpRequest& request,
                                                 const domain::DomainError& error);
[[nodiscard]] HttpResponse append_error_response(const HttpRequest& request,
                                                 const eventstore::AppendError& error);
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
