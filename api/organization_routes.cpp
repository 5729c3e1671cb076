#include "api/organization_routes.hpp"

#include <boost/json/array.hpp>

#include "api/command_responses.hpp"
#include "api/error_responses.hpp"
#include "api/history_routes.hpp"
#include "api/http/json_body.hpp"
#include "api/http/problem.hpp"
#include "api/ids.hpp"
#include "api/organization_listing.hpp"
#include "api/representations.hpp"
#include "api/route_support.hpp"
#include "domain/organization/organization_decisions.hpp"

namespace orgd::api {
namespace {

// Hard caps at the JSON edge; the domain's own limits (100, 1000, ...) give the precise errors.
constexpr StringRule kText{};
constexpr std::size_t kMaxMovedSubtree = 10'000;

// Read-only representation fields a client may echo back from a GET in a PUT.
constexpr std::string_view kReadOnlyFields[] = {"id",         "billingPlan",     "memberCount",
                                                "childCount", "createdTime",     "lastUpdatedTime",
                                                "createdBy",  "lastUpdatedBy"};

std::string value_or_empty(const Nullable<std::string>& n) {
  return n.present() ? n.value : std::string();
}

// Parent ids name streams: anything not shaped like an id is simply "no such organization".
// An id is brought to its canonical (lower) case.
std::expected<void, HttpResponse> check_parent_id(const HttpRequest& request,
                                                  Nullable<std::string>& parent) {
  if (parent.present()) canonicalize_id(parent.value);
  if (parent.present() && !is_uuid(parent.value)) {
    return std::unexpected(bad_request_response(request, "parentId", "no such organization"));
  }
  return {};
}

HttpResponse organization_response(const ApiContext& context, const HttpRequest& request,
                                   const std::string& id, int status, std::uint64_t position) {
  auto row = context.organizations.get(id);
  if (!row) return unavailable_response(request, row.error().message);
  if (!*row) return not_found_response(request);
  auto response = json_response(status, organization_body(**row));
  response.headers.emplace_back("ETag", etag_of((*row)->version));
  if (status == 201) response.headers.emplace_back("Location", "/api/v1/organizations/" + id);
  if (position != 0) set_event_position(response, position);
  return response;
}

// Adapts a CommandDone to answer with the organization's current representation.
CommandDone answer_with_organization(ApiContext& context, const HttpRequest& request,
                                     std::string id, int status, Responder respond) {
  auto shared = std::make_shared<Responder>(std::move(respond));
  return [&context, request, id = std::move(id), status,
          shared](std::expected<std::uint64_t, HttpResponse> outcome) {
    if (!outcome) {
      (*shared)(std::move(outcome.error()));
      return;
    }
    (*shared)(organization_response(context, request, id, status, *outcome));
  };
}

std::expected<domain::AncestorChain, HttpResponse> ancestors_of(const ApiContext& context,
                                                                const HttpRequest& request,
                                                                const std::string& parent_id) {
  if (parent_id.empty()) return domain::AncestorChain{};
  auto chain = context.loader.chain_from(parent_id);
  if (!chain) return std::unexpected(unavailable_response(request, chain.error()));
  return std::move(*chain);
}

// `root`'s version in the read model, then everything below it, breadth first, as the read
// model sees it; versions become guards (domain::MoveContext).
std::expected<domain::MoveContext, HttpResponse> subtree_of(const ApiContext& context,
                                                            const HttpRequest& request,
                                                            const std::string& root) {
  domain::MoveContext move;
  auto row = context.organizations.get(root);
  if (!row) return std::unexpected(unavailable_response(request, row.error().message));
  if (*row) move.listed_at = (*row)->version;
  std::vector<domain::Descendant>& found = move.descendants;
  std::vector<std::pair<std::string, std::size_t>> frontier{{root, 0}};
  for (std::size_t next = 0; next < frontier.size(); ++next) {
    projections::OrganizationListQuery q;
    q.parent_id = frontier[next].first;
    q.sort = projections::OrganizationSort::created;
    q.page_size = 100;
    do {
      auto page = context.organizations.list(q);
      if (!page) return std::unexpected(unavailable_response(request, page.error().message));
      for (const auto& row : page->rows) {
        found.push_back({row.id, row.version, frontier[next].second + 1});
        frontier.emplace_back(row.id, frontier[next].second + 1);
      }
      if (found.size() > kMaxMovedSubtree) {
        return std::unexpected(problem_response(
            409, "subtree-too-large", "subtree too large",
            "organizations with more than 10000 descendants cannot be moved", request.path,
            request.trace_id));
      }
      q.cursor = page->next_cursor;
    } while (!q.cursor.empty());
  }
  return move;
}

void create(ApiContext& context, HttpRequest request, const Authenticated& who, Responder respond) {
  domain::CreateOrganization command;
  Nullable<std::string> parent, locale, country, thumbnail, billing;
  std::optional<std::string> status;
  JsonObjectReader reader;
  reader.string("name", command.name, {.required = true})
      .string("description", command.description, kText)
      .optional_string("parentId", parent, kText)
      .string("status", status, kText)
      .optional_string("locale", locale, kText)
      .optional_string("country", country, kText)
      .optional_string("thumbnailUrl", thumbnail, kText)
      .optional_string("billingPlan", billing, kText);
  if (auto body = reader.finish(request); !body) {
    return respond(json_body_problem(request, body.error()));
  }
  if (auto ok = check_parent_id(request, parent); !ok) return respond(std::move(ok.error()));
  command.parent_id = value_or_empty(parent);
  command.status = status.value_or("active");
  command.locale = value_or_empty(locale);
  command.country = value_or_empty(country);
  command.thumbnail_url = value_or_empty(thumbnail);
  command.billing_plan =
      billing.present() ? billing.value : std::string(domain::kDefaultBillingPlan);
  const CommandMeta meta = command_meta(request, who.caller);
  command.id = new_uuid_v7(meta.now_ms);
  command.customers_group_id = new_uuid_v7(meta.now_ms);
  command.things_group_id = new_uuid_v7(meta.now_ms);
  const std::string id = command.id;
  run_command(
      context, request, meta,
      [&context, request, command, caller = who.caller]()
          -> std::expected<domain::Decision, HttpResponse> {
        auto chain = ancestors_of(context, request, command.parent_id);
        if (!chain) return std::unexpected(chain.error());
        auto existing = context.loader.organization(command.id);
        if (!existing) return std::unexpected(unavailable_response(request, existing.error()));
        return decided(request, domain::decide(*existing, command, caller, *chain));
      },
      answer_with_organization(context, request, id, 201, std::move(respond)));
}

void read_one(ApiContext& context, const HttpRequest& request, const Authenticated& who,
              const std::string& id, Responder respond) {
  if (auto query = query_of(request); !query) {
    return respond(std::move(query.error()));
  } else if (query->contains("asOf")) {
    return organization_as_of(context, request, who, id, *query, std::move(respond));
  }
  auto found = context.organization_reads.read(id);
  if (!found) return respond(unavailable_response(request, found.error().message));
  if (!*found || !visible_to(who.caller, id, (*found)->row.ancestors)) {
    return respond(not_found_response(request));
  }
  auto response = json_response(200, organization_body_for(who.caller, (*found)->body));
  response.headers.emplace_back("ETag", (*found)->etag);
  respond(std::move(response));
}

void update(ApiContext& context, HttpRequest request, const Authenticated& who,
            const std::string& id, Responder respond) {
  domain::UpdateOrganization command;
  command.id = id;
  auto& patch = command.patch;
  Nullable<std::string> parent, locale, country, thumbnail;
  std::optional<std::int64_t> version;
  JsonObjectReader reader;
  reader.string("name", patch.name, kText)
      .string("description", patch.description, kText)
      .optional_string("parentId", parent, kText)
      .string("status", patch.status, kText)
      .optional_string("locale", locale, kText)
      .optional_string("country", country, kText)
      .optional_string("thumbnailUrl", thumbnail, kText)
      .integer("updateVersion", version, {.min = 1});
  for (auto field : kReadOnlyFields) reader.ignore(field);
  if (auto body = reader.finish(request); !body) {
    return respond(json_body_problem(request, body.error()));
  }
  if (auto ok = check_parent_id(request, parent); !ok) return respond(std::move(ok.error()));
  auto expected_version = required_version(request, version);
  if (!expected_version) return respond(std::move(expected_version.error()));
  command.expected_version = *expected_version;
  if (!parent.absent()) patch.parent_id = value_or_empty(parent);
  if (!locale.absent()) patch.locale = value_or_empty(locale);
  if (!country.absent()) patch.country = value_or_empty(country);
  if (!thumbnail.absent()) patch.thumbnail_url = value_or_empty(thumbnail);
  run_command(
      context, request, command_meta(request, who.caller),
      [&context, request, command,
       caller = who.caller]() -> std::expected<domain::Decision, HttpResponse> {
        auto current = context.loader.organization(command.id);
        if (!current) return std::unexpected(unavailable_response(request, current.error()));
        auto ancestors = ancestors_of(context, request, current->parent_id);
        if (!ancestors) return std::unexpected(ancestors.error());
        domain::MoveContext move;
        const bool moving = current->exists() && domain::moves_parent(*current, command.patch);
        if (moving) {
          auto new_chain = ancestors_of(context, request, *command.patch.parent_id);
          if (!new_chain) return std::unexpected(new_chain.error());
          auto below = subtree_of(context, request, command.id);
          if (!below) return std::unexpected(below.error());
          move = std::move(*below);
          move.new_ancestors = std::move(*new_chain);
        }
        return decided(request, domain::decide(*current, command, caller, *ancestors,
                                               moving ? &move : nullptr));
      },
      answer_with_organization(context, request, id, 200, std::move(respond)));
}

void remove(ApiContext& context, HttpRequest request, const Authenticated& who,
            const std::string& id, Responder respond) {
  auto version = optional_if_match(request);
  if (!version) return respond(std::move(version.error()));
  const domain::DeleteOrganization command{id, *version};
  auto shared = std::make_shared<Responder>(std::move(respond));
  run_command(
      context, request, command_meta(request, who.caller),
      [&context, request, command,
       caller = who.caller]() -> std::expected<domain::Decision, HttpResponse> {
        auto current = context.loader.organization(command.id);
        if (!current) return std::unexpected(unavailable_response(request, current.error()));
        auto ancestors = ancestors_of(context, request, current->parent_id);
        if (!ancestors) return std::unexpected(ancestors.error());
        auto members = context.loader.membership(command.id);
        if (!members) return std::unexpected(unavailable_response(request, members.error()));
        return decided(request, domain::decide(*current, command, caller, *ancestors, *members));
      },
      answer_with(shared, no_content));
}

void ancestors(ApiContext& context, const HttpRequest& request, const Authenticated& who,
               const std::string& id, Responder respond) {
  auto row = context.organizations.get(id);
  if (!row) return respond(unavailable_response(request, row.error().message));
  if (!*row || !visible_to(who.caller, id, (*row)->ancestors)) {
    return respond(not_found_response(request));
  }
  auto chain = context.organizations.ancestors(id);
  if (!chain) return respond(unavailable_response(request, chain.error().message));
  boost::json::array items;
  for (const auto& ancestor : *chain) {
    // Above the caller's own organization lies what it may not see.
    if (visible_to(who.caller, ancestor.id, ancestor.ancestors)) {
      items.push_back(organization_json(ancestor));
    }
  }
  // One page holds every chain: its size is the most ancestors there can be (it was the count,
  // which made pageSize 1 of an empty list).
  const auto count = static_cast<std::uint64_t>(items.size());
  respond(json_response(200, page_body("organizations", std::move(items),
                                       {1, domain::kMaxHierarchyDepth - 1, count, {}})));
}

// Wraps a handler that needs the caller and a well-formed {id}.
template <class Handler>
RouteHandler with_id(ApiContext& context, Handler handler) {
  return [&context, handler](HttpRequest request, PathParams params, Responder respond) {
    auto who = authenticate(context, request);
    if (!who) return respond(std::move(who.error()));
    const std::string id(params["id"]);
    if (!is_uuid(id)) return respond(not_found_response(request));
    handler(context, std::move(request), *who, id, std::move(respond));
  };
}

}  // namespace

void add_organization_routes(Router& router, ApiContext& context) {
  router.add(HttpMethod::post, "/api/v1/organizations",
             [&context](HttpRequest request, PathParams, Responder respond) {
               auto who = authenticate(context, request);
               if (!who) return respond(std::move(who.error()));
               create(context, std::move(request), *who, std::move(respond));
             });
  router.add(HttpMethod::get, "/api/v1/organizations",
             [&context](HttpRequest request, PathParams, Responder respond) {
               auto who = authenticate(context, request);
               if (!who) return respond(std::move(who.error()));
               respond(list_organizations(context, request, who->caller, std::nullopt));
             },
             {"page", "pageSize", "cursor", "status", "q", "sort", "parentId"});
  router.add(HttpMethod::get, "/api/v1/organizations/{id}", with_id(context, read_one), {"asOf"});
  router.add(HttpMethod::put, "/api/v1/organizations/{id}", with_id(context, update));
  router.add(HttpMethod::del, "/api/v1/organizations/{id}", with_id(context, remove));
  router.add(HttpMethod::get, "/api/v1/organizations/{id}/ancestors", with_id(context, ancestors));
  router.add(HttpMethod::get, "/api/v1/organizations/{id}/children",
             with_id(context,
                     [](ApiContext& ctx, HttpRequest request, const Authenticated& who,
                        const std::string& id, Responder respond) {
                       auto row = ctx.organizations.get(id);
                       if (!row) return respond(unavailable_response(request, row.error().message));
                       if (!*row || !visible_to(who.caller, id, (*row)->ancestors)) {
                         return respond(not_found_response(request));
                       }
                       respond(list_organizations(ctx, request, who.caller, id));
                     }),
             {"page", "pageSize", "cursor", "status", "q", "sort"});
}

}  // namespace orgd::api
