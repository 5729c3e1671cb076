#pragma once
// /api/v1/sessions: login (POST) and logout (DELETE /sessions/current).

#include "api/api_context.hpp"
#include "api/http/router.hpp"

namespace orgd::api {

void add_session_routes(Router& router, ApiContext& context);

}  // namespace orgd::api
