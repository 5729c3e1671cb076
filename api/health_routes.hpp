#pragma once
// /healthz (the process answers) and /readyz (read models have caught up, none stopped).

#include <cstdint>

#include "api/api_context.hpp"
#include "api/http/router.hpp"

namespace orgd::api {

// `ready_at` is the log head when the server started: ready once every projection passed it.
void add_health_routes(Router& router, ApiContext& context, std::uint64_t ready_at);

}  // namespace orgd::api
