#include "api/projection_routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/error_responses.hpp"
#include "api/http/json_body.hpp"
#include "api/http/problem.hpp"
#include "api/ids.hpp"
#include "api/representations.hpp"
#include "api/route_support.hpp"

namespace orgd::api {
namespace {

boost::json::value time_or_null(std::int64_t ms) {
  if (ms == 0) return nullptr;
  return boost::json::value(format_iso8601(ms));
}

boost::json::value rebuild_json(const std::optional<projections::RebuildStatus>& r) {
  if (!r) return nullptr;
  return boost::json::object{{"state", projections::to_string(r->state)},
                             {"done", r->done},
                             {"total", r->total},
                             {"startedAt", time_or_null(r->started_ms)},
                             {"finishedAt", time_or_null(r->finished_ms)},
                             {"error", r->error.empty() ? boost::json::value(nullptr)
                                                        : boost::json::value(r->error)}};
}

std::string column_family_of(const ApiContext& context, std::string_view name) {
  for (const auto& p : projections::make_projections()) {
    if (p->name() == name) return context.projections.read_models().physical_name(p->column_family());
  }
  return {};
}

boost::json::object status_json(const ApiContext& context,
                                const projections::OnlineRebuilds& rebuilds,
                                const projections::ProjectionStatus& s) {
  const std::uint64_t head = context.store.head_position();
  return {{"name", s.name},
          {"checkpoint", s.checkpoint},
          {"head", head},
          {"lag", head > s.checkpoint ? head - s.checkpoint : 0},
          {"error", s.error.empty() ? boost::json::value(nullptr) : boost::json::value(s.error)},
          {"columnFamily", column_family_of(context, s.name)},
          {"rebuild", rebuild_json(rebuilds.status(s.name))}};
}

// The status of `name`, or of every projection for an empty name.
boost::json::array statuses(const ApiContext& context, const projections::OnlineRebuilds& rebuilds,
                            std::string_view name) {
  boost::json::array all;
  for (const auto& s : context.projections.status()) {
    if (name.empty() || name == "all" || s.name == name) {
      all.push_back(status_json(context, rebuilds, s));
    }
  }
  return all;
}

std::optional<HttpResponse> refuse(const HttpRequest& request, const domain::Caller& caller,
                                   bool write) {
  const bool allowed = write ? caller.is_superadmin()
                             : caller.platform_role != domain::PlatformRole::none;
  if (allowed) return std::nullopt;
  return problem_response(request, 403, "forbidden", "forbidden",
                          write ? "only SuperAdmins rebuild projections"
                                : "only SuperAdmins and auditors read projection status");
}

HttpResponse rebuild(const ApiContext& context, projections::OnlineRebuilds& rebuilds,
                     const HttpRequest& request, const std::string& name) {
  auto started = rebuilds.start(name);
  if (!started) {
    if (started.error() == projections::RebuildStartError::unknown_projection) {
      return not_found_response(request);
    }
    return problem_response(request, 409, "rebuild-in-progress", "rebuild in progress",
                            "a projection rebuild is already running; poll GET /api/v1/projections");
  }
  auto list = statuses(context, rebuilds, name);
  auto response = json_response(202, name == "all" || list.empty()
                                         ? to_body(boost::json::object{{"projections", list}})
                                         : to_body(list.front().as_object()));
  response.headers.emplace_back("Location", "/api/v1/projections" +
                                                (name == "all" ? "" : "/" + name));
  return response;
}

}  // namespace

void add_projection_routes(Router& router, ApiContext& context,
                           projections::OnlineRebuilds& rebuilds) {
  router.add(HttpMethod::get, "/api/v1/projections",
             [&context, &rebuilds](HttpRequest request, PathParams, Responder respond) {
               auto who = authenticate(context, request);
               if (!who) return respond(std::move(who.error()));
               if (auto no = refuse(request, who->caller, false)) return respond(std::move(*no));
               respond(json_response(200, to_body(boost::json::object{
                                              {"projections", statuses(context, rebuilds, "")}})));
             });
  router.add(HttpMethod::get, "/api/v1/projections/{name}",
             [&context, &rebuilds](HttpRequest request, PathParams params, Responder respond) {
               auto who = authenticate(context, request);
               if (!who) return respond(std::move(who.error()));
               if (auto no = refuse(request, who->caller, false)) return respond(std::move(*no));
               auto list = statuses(context, rebuilds, params["name"]);
               if (list.empty() || params["name"] == "all") {
                 return respond(not_found_response(request));
               }
               respond(json_response(200, to_body(list.front().as_object())));
             });
  router.add(HttpMethod::post, "/api/v1/projections/{name}/rebuild",
             [&context, &rebuilds](HttpRequest request, PathParams params, Responder respond) {
               auto who = authenticate(context, request);
               if (!who) return respond(std::move(who.error()));
               if (auto no = refuse(request, who->caller, true)) return respond(std::move(*no));
               // The projection is named by the path: a body is empty or `{}`.
               if (auto body = JsonObjectReader().finish_optional(request); !body) {
                 return respond(json_body_problem(request, body.error()));
               }
               respond(rebuild(context, rebuilds, request, std::string(params["name"])));
             });
}

}  // namespace orgd::api
