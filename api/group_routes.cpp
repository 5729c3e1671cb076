#include "api/group_routes.hpp"

#include <boost/json/array.hpp>

#include "api/command_responses.hpp"
#include "api/http/json_body.hpp"
#include "api/ids.hpp"
#include "api/organization_listing.hpp"
#include "api/representations.hpp"
#include "domain/group/group.hpp"
#include "domain/group/group_decisions.hpp"

namespace orgd::api {
namespace {

// An organization's global customers group is every customer it has, as its membership says
// (the group's own events name only who was added by hand, as the signup owner was): that
// many members, of which the first ApiOptions::most_members_listed by name are listed.

bool follows_organization(const projections::GroupRow& row) {
  return row.global && row.kind == domain::kCustomersGroupKind;
}

std::expected<projections::CustomerPage, HttpResponse> organization_members(
    const ApiContext& context, const HttpRequest& request, const std::string& organization_id,
    std::uint64_t listed) {
  auto page = context.customers.members({organization_id, false, false, 1, listed, {}});
  if (!page) return std::unexpected(unavailable_response(request, page.error()));
  return std::move(*page);
}

HttpResponse group_response(const ApiContext& context, const HttpRequest& request,
                            const std::string& id, int status, std::uint64_t position) {
  auto row = context.directory.group(id);
  if (!row) return unavailable_response(request, row.error());
  if (!*row) return not_found_response(request);
  boost::json::array ids;
  auto body = group_json(**row);
  if (follows_organization(**row)) {
    auto members = organization_members(context, request, (*row)->organization_id,
                                        context.options.most_members_listed);
    if (!members) return std::move(members.error());
    for (const auto& m : members->rows) ids.emplace_back(m.id);
    body["memberCount"] = members->total;
  } else {
    auto members = context.directory.group_members(id);
    if (!members) return unavailable_response(request, members.error());
    for (const auto& m : *members) ids.emplace_back(m);
  }
  body["members"] = std::move(ids);
  auto response = json_response(status, to_body(body));
  response.headers.emplace_back("ETag", etag_of((*row)->version));
  if (status == 201) response.headers.emplace_back("Location", "/api/v1/groups/" + id);
  if (position != 0) set_event_position(response, position);
  return response;
}

void list(ApiContext& context, const HttpRequest& request, const Authenticated& who,
          const std::string& organization_id, Responder respond) {
  auto paging = listing_params(request);
  if (!paging) return respond(std::move(paging.error()));
  auto organization = context.organizations.get(organization_id);
  if (!organization) return respond(unavailable_response(request, organization.error().message));
  if (!*organization) return respond(not_found_response(request));
  if (auto refusal = domain::check_group_listing(who.caller, organization_id,
                                                 ancestor_chain((*organization)->ancestors))) {
    return respond(domain_error_response(request, *refusal));
  }
  auto page = context.directory.groups(organization_id, {paging->page, paging->page_size, paging->cursor});
  if (!page) {
    return respond(page.error() == "invalid cursor" ? foreign_cursor_response(request)
                                                    : unavailable_response(request, page.error()));
  }
  boost::json::array items;
  for (const auto& row : page->rows) {
    auto item = group_json(row);
    if (follows_organization(row)) {
      auto members = organization_members(context, request, organization_id, 1);
      if (!members) return respond(std::move(members.error()));
      item["memberCount"] = members->total;
    }
    items.push_back(std::move(item));
  }
  respond(json_response(200, page_body("groups", std::move(items),
                                       {page->page, paging->page_size, page->total,
                                        page->next_cursor})));
}

void create(ApiContext& context, const HttpRequest& request, const Authenticated& who,
            const std::string& organization_id, Responder respond) {
  domain::CreateGroup command;
  JsonObjectReader reader;
  reader.string("name", command.name, {.required = true})
      .string("kind", command.kind, {.required = true, .max_len = 32});
  if (auto ok = reader.finish(request); !ok) return respond(json_body_problem(request, ok.error()));
  const CommandMeta meta = command_meta(request, who.caller);
  command.id = new_uuid_v7(meta.now_ms);
  command.organization_id = organization_id;
  run_command(
      context, request, meta,
      [&context, request, command, caller = who.caller]() -> std::expected<domain::Decision, HttpResponse> {
        auto organization = context.loader.organization(command.organization_id);
        if (!organization) return std::unexpected(unavailable_response(request, organization.error()));
        domain::AncestorChain ancestors;
        if (!organization->parent_id.empty()) {
          auto chain = context.loader.chain_from(organization->parent_id);
          if (!chain) return std::unexpected(unavailable_response(request, chain.error()));
          ancestors = std::move(*chain);
        }
        auto existing = context.loader.group(command.id);
        if (!existing) return std::unexpected(unavailable_response(request, existing.error()));
        return decided(request, domain::decide(*existing, command, caller, *organization, ancestors));
      },
      answer_with(std::move(respond), [&context, request, id = command.id](std::uint64_t at) {
        return group_response(context, request, id, 201, at);
      }));
}

// Loads the group for a decision; `decide_with(group)` makes it.
template <class Decide>
void group_command(ApiContext& context, const HttpRequest& request, const Authenticated& who,
                   const std::string& group_id, Decide decide_with, bool no_body_answer,
                   Responder respond) {
  run_command(
      context, request, command_meta(request, who.caller),
      [&context, request, group_id,
       decide_with]() -> std::expected<domain::Decision, HttpResponse> {
        auto group = context.loader.group(group_id);
        if (!group) return std::unexpected(unavailable_response(request, group.error()));
        return decided(request, decide_with(*group));
      },
      answer_with(std::move(respond), [&context, request, group_id,
                                       no_body_answer](std::uint64_t at) {
        return no_body_answer ? no_content(at) : group_response(context, request, group_id, 200, at);
      }));
}

void add_member(ApiContext& context, const HttpRequest& request, const Authenticated& who,
                const std::string& group_id, Responder respond) {
  std::string member_id;
  JsonObjectReader reader;
  reader.string("memberId", member_id, {.required = true, .max_len = 64});
  if (auto ok = reader.finish(request); !ok) return respond(json_body_problem(request, ok.error()));
  canonicalize_id(member_id);
  if (!is_uuid(member_id)) return respond(bad_request_response(request, "memberId", "not an id"));
  auto version = optional_if_match(request);
  if (!version) return respond(std::move(version.error()));
  const domain::AddGroupMember command{group_id, member_id, *version};
  const domain::Caller caller = who.caller;
  group_command(
      context, request, who, group_id,
      [&context, caller, command, member_id](
          const domain::Group& group) -> std::expected<domain::Decision, domain::DomainError> {
        if (group.kind == domain::kThingsGroupKind) {
          auto thing = context.loader.resource(member_id);
          if (!thing) {
            return std::unexpected(
                domain::refused(domain::DomainErrorCode::not_found, "not-found", thing.error()));
          }
          return domain::decide(group, command, caller, *thing);
        }
        auto customer = context.loader.customer(member_id);
        if (!customer) {
          return std::unexpected(
              domain::refused(domain::DomainErrorCode::not_found, "not-found", customer.error()));
        }
        return domain::decide(group, command, caller, *customer);
      },
      false, std::move(respond));
}

template <class Handler>
RouteHandler with_ids(ApiContext& context, Handler handler) {
  return [&context, handler](HttpRequest request, PathParams params, Responder respond) {
    auto who = authenticate(context, request);
    if (!who) return respond(std::move(who.error()));
    for (const auto& [name, value] : params) {
      if (!is_uuid(value)) return respond(not_found_response(request));
    }
    handler(context, request, *who, params, std::move(respond));
  };
}

}  // namespace

void add_group_routes(Router& router, ApiContext& context) {
  using P = const PathParams&;
  using W = const Authenticated&;
  router.add(
      HttpMethod::get, "/api/v1/organizations/{id}/groups",
      with_ids(context, [](ApiContext& c, const HttpRequest& r, W w, P p,
                           Responder out) { list(c, r, w, std::string(p["id"]), std::move(out)); }),
      paging_query());
  router.add(HttpMethod::post, "/api/v1/organizations/{id}/groups",
             with_ids(context, [](ApiContext& c, const HttpRequest& r, W w, P p, Responder out) {
               create(c, r, w, std::string(p["id"]), std::move(out));
             }));
  router.add(HttpMethod::get, "/api/v1/groups/{id}",
             with_ids(context, [](ApiContext& c, const HttpRequest& r, W w, P p, Responder out) {
               auto row = c.directory.group(p["id"]);
               if (!row) return out(unavailable_response(r, row.error()));
               if (!*row || !domain::can_view_group(w.caller, (*row)->organization_id)) {
                 return out(not_found_response(r));
               }
               out(group_response(c, r, std::string(p["id"]), 200, 0));
             }));
  router.add(HttpMethod::post, "/api/v1/groups/{id}/members",
             with_ids(context, [](ApiContext& c, const HttpRequest& r, W w, P p, Responder out) {
               add_member(c, r, w, std::string(p["id"]), std::move(out));
             }));
  router.add(HttpMethod::del, "/api/v1/groups/{id}/members/{memberId}",
             with_ids(context, [](ApiContext& c, const HttpRequest& r, W w, P p, Responder out) {
               auto version = optional_if_match(r);
               if (!version) return out(std::move(version.error()));
               const domain::RemoveGroupMember command{std::string(p["id"]),
                                                       std::string(p["memberId"]), *version};
               group_command(c, r, w, command.group_id,
                             [command, caller = w.caller](const domain::Group& g) {
                               return domain::decide(g, command, caller);
                             },
                             true, std::move(out));
             }));
  router.add(HttpMethod::del, "/api/v1/groups/{id}",
             with_ids(context, [](ApiContext& c, const HttpRequest& r, W w, P p, Responder out) {
               auto version = optional_if_match(r);
               if (!version) return out(std::move(version.error()));
               const domain::DeleteGroup command{std::string(p["id"]), *version};
               group_command(c, r, w, command.group_id,
                             [command, caller = w.caller](const domain::Group& g) {
                               return domain::decide(g, command, caller);
                             },
                             true, std::move(out));
             }));
}

}  // namespace orgd::api
