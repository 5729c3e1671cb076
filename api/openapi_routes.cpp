#include "api/openapi_routes.hpp"

#include "api/openapi_document.hpp"

namespace orgd::api {

void add_openapi_routes(Router& router) {
  router.add(HttpMethod::get, "/openapi.json", [](HttpRequest, PathParams, Responder respond) {
    // One copy for every answer (see HttpResponse::shared_body).
    static const auto document = std::make_shared<const std::string>(openapi_document());
    HttpResponse response;
    response.shared_body = document;
    // Swagger UI and other tools in a browser on another origin may read it.
    response.headers.emplace_back("Access-Control-Allow-Origin", "*");
    response.headers.emplace_back("Cache-Control", "no-cache");
    respond(std::move(response));
  });
}

}  // namespace orgd::api
