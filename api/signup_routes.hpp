#pragma once
// POST /api/v1/signup (public; --signup=off answers 404).

#include "api/api_context.hpp"
#include "api/http/router.hpp"

namespace orgd::api {

void add_signup_routes(Router& router, ApiContext& context);
// The signup handler itself, also used by POST /customers without a token.
void handle_signup(ApiContext& context, HttpRequest request, Responder respond);

}  // namespace orgd::api
