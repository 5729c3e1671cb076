#pragma once
// /api/v1/organizations: create, list, read, update, delete, children, ancestors.

#include "api/api_context.hpp"
#include "api/http/router.hpp"

namespace orgd::api {

void add_organization_routes(Router& router, ApiContext& context);

}  // namespace orgd::api
