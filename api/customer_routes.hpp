#pragma once
// /api/v1/customers and /api/v1/me.

#include "api/api_context.hpp"
#include "api/http/router.hpp"

namespace orgd::api {

void add_customer_routes(Router& router, ApiContext& context);

// Answers with the customer's representation (status 200/201), ETag and X-Event-Position.
[[nodiscard]] HttpResponse customer_response(const ApiContext& context, const HttpRequest& request,
                                             const std::string& id, int status,
                                             std::uint64_t position);

// Passwords: 8 to 1024 characters (code points, so at most 4 KiB; libsodium's argon2id accepts
// far longer, the bound keeps the work small).
inline constexpr std::size_t kMinPasswordLength = 8;

}  // namespace orgd::api
