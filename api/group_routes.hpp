#pragma once
// Groups: /api/v1/organizations/{id}/groups (list, create) and /api/v1/groups/{id} (read,
// members, delete).

#include "api/api_context.hpp"
#include "api/http/router.hpp"

namespace orgd::api {

void add_group_routes(Router& router, ApiContext& context);

}  // namespace orgd::api
