#pragma once
// /api/v1/resources: create, list what the caller may see, read, update, delete; grants
// (POST /resources/{id}/grants, DELETE /resources/{id}/grants/{grantId}) and ownership
// transfer (POST /resources/{id}/owner). A resource the caller may not see answers 404
// exactly like an unknown one; one it may see but not change answers 403.

#include "api/api_context.hpp"
#include "api/http/router.hpp"

namespace orgd::api {

void add_resource_routes(Router& router, ApiContext& context);

}  // namespace orgd::api
