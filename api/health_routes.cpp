#include "api/health_routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/ids.hpp"
#include "api/representations.hpp"
#include "api/route_support.hpp"

namespace orgd::api {

void add_health_routes(Router& router, ApiContext& context, std::uint64_t ready_at) {
  router.add(HttpMethod::get, "/healthz", [](HttpRequest, PathParams, Responder respond) {
    respond(json_response(200, R"({"status":"ok"})"));
  });
  router.add(HttpMethod::get, "/readyz",
             [&context, ready_at](HttpRequest, PathParams, Responder respond) {
               boost::json::object body;
               boost::json::array projections;
               bool ready = true;
               for (const auto& p : context.projections.status()) {
                 boost::json::object entry;
                 entry["name"] = p.name;
                 entry["checkpoint"] = p.checkpoint;
                 if (!p.error.empty()) entry["error"] = p.error;
                 if (!p.stalled.empty()) entry["stalled"] = p.stalled;
                 ready = ready && p.error.empty() && p.stalled.empty() && p.checkpoint >= ready_at;
                 projections.push_back(std::move(entry));
               }
               body["status"] = ready ? "ready" : "not-ready";
               body["projections"] = std::move(projections);
               // Reads are still served while the log cannot be written, so the answer stays
               // 200: a balancer would otherwise take away the reads too (README, Observability).
               boost::json::object log{{"writable", true}};
               if (auto failure = context.store.write_failure()) {
                 log["writable"] = false;
                 log["since"] = format_iso8601(failure->since_ms);
                 log["error"] = failure->reason;
               }
               body["eventLog"] = std::move(log);
               respond(json_response(ready ? 200 : 503, to_body(body)));
             });
}

}  // namespace orgd::api
