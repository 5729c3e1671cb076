#pragma once
// GET /openapi.json: the OpenAPI document (openapi_document.hpp), public.

#include "api/http/router.hpp"

namespace orgd::api {

void add_openapi_routes(Router& router);

}  // namespace orgd::api
