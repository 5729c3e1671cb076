#pragma once
// The OpenAPI 3.1 document describing every route orgd serves (api/openapi/openapi.json,
// embedded at build time by api/openapi/embed.cmake). tests/e2e/openapi_e2e_test.cpp checks
// it against the router's routes and the bodies the server sends.

#include <string_view>

namespace orgd::api {

// The document's bytes (UTF-8 JSON), valid for the program's lifetime.
[[nodiscard]] std::string_view openapi_document();

}  // namespace orgd::api
