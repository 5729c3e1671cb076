#pragma once
// /api/v1/organizations/{id}/members: list, add (MoveCustomer), remove, change role.

#include "api/api_context.hpp"
#include "api/http/router.hpp"

namespace orgd::api {

void add_membership_routes(Router& router, ApiContext& context);

}  // namespace orgd::api
