#include "api/membership_routes.hpp"

#include <boost/json/array.hpp>
#include <type_traits>

#include "api/command_responses.hpp"
#include "api/customer_routes.hpp"
#include "api/error_responses.hpp"
#include "api/groups_holding.hpp"
#include "api/http/json_body.hpp"
#include "api/ids.hpp"
#include "api/representations.hpp"
#include "api/route_support.hpp"
#include "domain/customer/customer_access.hpp"
#include "domain/membership/membership_decisions.hpp"

namespace orgd::api {
namespace {

const std::string kDefault{domain::kDefaultOrganizationId};

HttpResponse list_members(const ApiContext& context, const HttpRequest& request,
                          const domain::Caller& caller, const std::string& organization_id) {
  auto query = query_of(request);
  if (!query) return query.error();
  auto paging = page_params(request, *query);
  if (!paging) return paging.error();
  projections::MemberListQuery q{organization_id, false, false, paging->page, paging->page_size,
                                 paging->cursor};
  if (auto sort = query->get("sort")) {
    std::string_view s = *sort;
    q.descending = s.starts_with('-');
    if (q.descending) s.remove_prefix(1);
    if (s != "name" && s != "createdTime") {
      return bad_request_response(request, "sort", "must be name, -name, createdTime or -createdTime");
    }
    q.by_creation = s == "createdTime";
  }
  auto organization = context.organizations.get(organization_id);
  if (!organization) return unavailable_response(request, organization.error().message);
  if (!*organization || !domain::can_list_members(caller, organization_id)) {
    return not_found_response(request);
  }
  auto page = context.customers.members(q);
  if (!page) {
    if (page.error() == "invalid cursor") {
      return foreign_cursor_response(request);
    }
    return unavailable_response(request, page.error());
  }
  boost::json::array items;
  for (const auto& row : page->rows) items.push_back(customer_json(row));
  return json_response(200, page_body("members", std::move(items),
                                      {page->page, q.page_size, page->total, page->next_cursor}));
}

void add_member(ApiContext& context, HttpRequest request, const Authenticated& who,
                const std::string& organization_id, Responder respond) {
  std::string customer_id;
  JsonObjectReader reader;
  reader.string("customerId", customer_id, {.required = true, .max_len = 64});
  if (auto ok = reader.finish(request); !ok) return respond(json_body_problem(request, ok.error()));
  canonicalize_id(customer_id);
  if (!is_uuid(customer_id)) return respond(not_found_response(request));
  auto shared = std::make_shared<Responder>(std::move(respond));
  const domain::MoveCustomer command{customer_id, organization_id};
  run_command(
      context, request, command_meta(request, who.caller),
      [&context, request, command,
       caller = who.caller]() -> std::expected<domain::Decision, HttpResponse> {
        auto customer = context.loader.customer(command.customer_id);
        if (!customer) return std::unexpected(unavailable_response(request, customer.error()));
        auto target = context.loader.organization(command.organization_id);
        if (!target) return std::unexpected(unavailable_response(request, target.error()));
        domain::AncestorChain ancestors;
        if (!target->parent_id.empty()) {
          auto chain = context.loader.chain_from(target->parent_id);
          if (!chain) return std::unexpected(unavailable_response(request, chain.error()));
          ancestors = std::move(*chain);
        }
        auto groups = groups_holding(context, command.customer_id, domain::kDefaultOrganizationId);
        if (!groups) return std::unexpected(unavailable_response(request, groups.error()));
        return decided(request,
                       domain::decide(*customer, command, caller, *target, ancestors, *groups));
      },
      [&context, request, customer_id, shared](std::expected<std::uint64_t, HttpResponse> r) {
        if (!r) return (*shared)(std::move(r.error()));
        (*shared)(customer_response(context, request, customer_id, 201, *r));
      });
}

// RemoveMember and ChangeMemberRole share their shape: load the customer and the
// organization's membership, decide, answer.
template <class Command>
void membership_command(ApiContext& context, const HttpRequest& request, const Authenticated& who,
                        Command command, int status, Responder respond) {
  auto shared = std::make_shared<Responder>(std::move(respond));
  run_command(
      context, request, command_meta(request, who.caller),
      [&context, request, command,
       caller = who.caller]() -> std::expected<domain::Decision, HttpResponse> {
        auto customer = context.loader.customer(command.customer_id);
        if (!customer) return std::unexpected(unavailable_response(request, customer.error()));
        auto members = context.loader.membership(command.organization_id);
        if (!members) return std::unexpected(unavailable_response(request, members.error()));
        if constexpr (std::is_same_v<Command, domain::RemoveMember>) {
          auto groups = groups_holding(context, command.customer_id, command.organization_id);
          if (!groups) return std::unexpected(unavailable_response(request, groups.error()));
          return decided(request, domain::decide(*customer, command, caller, *members, *groups));
        } else {
          return decided(request, domain::decide(*customer, command, caller, *members));
        }
      },
      [&context, request, id = command.customer_id, status,
       shared](std::expected<std::uint64_t, HttpResponse> r) {
        if (!r) return (*shared)(std::move(r.error()));
        if (status != 204) return (*shared)(customer_response(context, request, id, status, *r));
        HttpResponse response;
        response.status = 204;
        response.content_type.clear();
        set_event_position(response, *r);
        (*shared)(std::move(response));
      });
}

// Authenticates and checks the path's ids; `handler(context, request, who, params)`.
template <class Handler>
RouteHandler with_ids(ApiContext& context, Handler handler) {
  return [&context, handler](HttpRequest request, PathParams params, Responder respond) {
    auto who = authenticate(context, request);
    if (!who) return respond(std::move(who.error()));
    if (!is_uuid(params["id"]) || (params.contains("customerId") && !is_uuid(params["customerId"]))) {
      return respond(not_found_response(request));
    }
    handler(context, std::move(request), *who, params, std::move(respond));
  };
}

}  // namespace

void add_membership_routes(Router& router, ApiContext& context) {
  router.add(HttpMethod::get, "/api/v1/organizations/{id}/members",
             with_ids(context,
                      [](ApiContext& ctx, HttpRequest request, const Authenticated& who,
                         const PathParams& params, Responder respond) {
                        respond(list_members(ctx, request, who.caller, std::string(params["id"])));
                      }),
             {"page", "pageSize", "cursor", "sort"});
  router.add(HttpMethod::post, "/api/v1/organizations/{id}/members",
             with_ids(context, [](ApiContext& ctx, HttpRequest request, const Authenticated& who,
                                  const PathParams& params, Responder respond) {
               add_member(ctx, std::move(request), who, std::string(params["id"]),
                          std::move(respond));
             }));
  router.add(HttpMethod::del, "/api/v1/organizations/{id}/members/{customerId}",
             with_ids(context, [](ApiContext& ctx, HttpRequest request, const Authenticated& who,
                                  const PathParams& params, Responder respond) {
               membership_command(ctx, request, who,
                                  domain::RemoveMember{std::string(params["id"]),
                                                       std::string(params["customerId"])},
                                  204, std::move(respond));
             }));
  router.add(HttpMethod::put, "/api/v1/organizations/{id}/members/{customerId}/role",
             with_ids(context, [](ApiContext& ctx, HttpRequest request, const Authenticated& who,
                                  const PathParams& params, Responder respond) {
               std::string role;
               JsonObjectReader reader;
               reader.string("role", role, {.required = true, .max_len = 16});
               if (auto ok = reader.finish(request); !ok) {
                 return respond(json_body_problem(request, ok.error()));
               }
               membership_command(ctx, request, who,
                                  domain::ChangeMemberRole{std::string(params["id"]),
                                                           std::string(params["customerId"]), role},
                                  200, std::move(respond));
             }));
}

}  // namespace orgd::api
