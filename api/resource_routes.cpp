#include "api/resource_routes.hpp"

#include <sodium.h>

#include <boost/json/array.hpp>

#include "api/command_responses.hpp"
#include "api/command_runner.hpp"
#include "api/credentials.hpp"
#include "api/error_responses.hpp"
#include "api/groups_holding.hpp"
#include "api/http/json_body.hpp"
#include "api/ids.hpp"
#include "api/representations.hpp"
#include "api/route_support.hpp"
#include "domain/event_codec.hpp"
#include "domain/group/group.hpp"
#include "domain/resource/confirmed_groups.hpp"
#include "domain/resource/resource_access.hpp"
#include "domain/resource/resource_decisions.hpp"
#include "projections/resource_queries.hpp"

namespace orgd::api {
namespace {

// Hard caps at the JSON edge; the domain's own limits (100, 1000) give the precise errors.
constexpr StringRule kText{};
constexpr StringRule kId{.required = true, .max_len = 64};
// An apiKey is 32 random bytes in hex; only its BLAKE2b-256 hash is stored.
constexpr std::size_t kApiKeyBytes = 32;

// Read-only representation fields a client may echo back from a GET in a PUT.
constexpr std::string_view kReadOnlyFields[] = {
    "id",     "kind",        "ownerId",         "organizationId", "permission",
    "grants", "createdTime", "lastUpdatedTime", "createdBy",      "lastUpdatedBy"};

projections::ResourceQueries resources(const ApiContext& context) {
  return projections::ResourceQueries(context.store, &context.projections.read_models());
}

struct ApiKey {
  std::string key;   // shown to the client once
  std::string hash;  // stored
};

ApiKey new_api_key() {
  ApiKey k{random_hex(kApiKeyBytes), {}};
  unsigned char digest[crypto_generichash_BYTES];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(k.key.data()),
                     k.key.size(), nullptr, 0);
  char hex[crypto_generichash_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  k.hash = hex;
  return k;
}

std::expected<domain::Resource, HttpResponse> load_resource(const ApiContext& context,
                                                            const HttpRequest& request,
                                                            const std::string& id) {
  // From its stream (write side: never from the read model, which may lag).
  auto resource = context.loader.resource(id);
  if (!resource) return std::unexpected(unavailable_response(request, resource.error()));
  return std::move(*resource);
}

// The caller with the groups it belongs to, as resource access needs it.
std::expected<domain::Accessor, HttpResponse> accessor_of(const ApiContext& context,
                                                          const HttpRequest& request,
                                                          const domain::Caller& caller) {
  auto groups = resources(context).groups_of(caller.customer_id, caller.organization_id);
  if (!groups) return std::unexpected(unavailable_response(request, groups.error().message));
  return domain::Accessor{caller, std::move(*groups)};
}

// `who` with the groups that give it access to `resource` confirmed from their streams, and
// guards on them (domain/resource/confirmed_groups.hpp). On every attempt: one decided again
// after losing to a group's change reads that group again.
std::expected<domain::ConfirmedAccessor, HttpResponse> confirmed_accessor(
    const ApiContext& context, const HttpRequest& request, const domain::Resource& resource,
    const domain::Accessor& who) {
  const auto ids = domain::groups_to_confirm(resource, who);
  if (ids.empty()) return domain::ConfirmedAccessor{who, {}};
  std::vector<domain::Group> loaded;
  for (const auto& id : ids) {
    auto group = context.loader.group(id);
    if (!group) return std::unexpected(unavailable_response(request, group.error()));
    loaded.push_back(std::move(*group));
  }
  auto caller = context.loader.customer(who.caller.customer_id);
  if (!caller) return std::unexpected(unavailable_response(request, caller.error()));
  return domain::confirm_groups(who, loaded, *caller);
}

// Decides with `who` confirmed (above), and guards the groups it was confirmed by.
template <class Decide>
std::expected<domain::Decision, HttpResponse> decide_confirmed(const ApiContext& context,
                                                               const HttpRequest& request,
                                                               const domain::Resource& resource,
                                                               const domain::Accessor& who,
                                                               Decide decide_with) {
  auto confirmed = confirmed_accessor(context, request, resource, who);
  if (!confirmed) return std::unexpected(std::move(confirmed.error()));
  std::expected<domain::Decision, HttpResponse> decision =
      decide_with(resource, confirmed->accessor);
  if (!decision) return decision;
  for (const auto& guard : confirmed->guards) domain::add_guard(*decision, guard);
  return decision;
}

boost::json::object grant_json(const projections::GrantRow& g) {
  return {{"id", g.id},
          {"principalType", g.principal_kind},
          {"principalId", g.principal_id},
          {"permission", g.permission},
          {"createdTime", format_iso8601(g.granted_ms)},
          {"createdBy", g.granted_by}};
}

// The resource as `who` sees it: its own permission, and the grants only for those who manage
// them (a grant list names customers and groups of other organizations).
boost::json::object resource_json(const projections::ResourceRow& row,
                                  const domain::Accessor& who) {
  const domain::Resource resource = projections::as_resource(row);
  const auto permission = domain::effective_permission(resource, who);
  boost::json::object attributes;
  if (resource.is_app_backend()) {
    attributes["active"] = boost::json::object{
        {"dev", row.active_dev}, {"staging", row.active_staging}, {"live", row.active_live}};
  }
  boost::json::object o;
  o["id"] = row.id;
  o["kind"] = row.kind;
  o["name"] = row.name;
  o["description"] = row.description;
  o["ownerId"] = row.owner_id;
  o["organizationId"] = row.organization_id;
  o["attributes"] = std::move(attributes);
  o["permission"] =
      permission ? boost::json::value(domain::to_string(*permission)) : boost::json::value(nullptr);
  if (domain::can_administer(who, resource)) {
    boost::json::array grants;
    for (const auto& g : row.grants) grants.push_back(grant_json(g));
    o["grants"] = std::move(grants);
  }
  o["createdTime"] = format_iso8601(row.created_ms);
  o["lastUpdatedTime"] = format_iso8601(row.updated_ms);
  o["createdBy"] = row.created_by;
  o["lastUpdatedBy"] = row.updated_by;
  o["updateVersion"] = row.version;
  return o;
}

// The current representation after a command (read-your-writes: the read model has it).
// `api_key` is the new clear key of a create or rotation, shown this once.
HttpResponse resource_response(const ApiContext& context, const HttpRequest& request,
                               const domain::Accessor& who, const std::string& id, int status,
                               std::uint64_t position, const std::string& api_key = {}) {
  auto row = resources(context).get(id);
  if (!row) return unavailable_response(request, row.error().message);
  if (!*row) return not_found_response(request);
  boost::json::object body = resource_json(**row, who);
  if (!api_key.empty()) body["apiKey"] = api_key;
  auto response = json_response(status, to_body(body));
  response.headers.emplace_back("ETag", etag_of((*row)->version));
  if (status == 201) response.headers.emplace_back("Location", "/api/v1/resources/" + id);
  if (position != 0) set_event_position(response, position);
  // A secret: no cache keeps it, nor the idempotency records (see idempotency.hpp).
  if (!api_key.empty()) response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

// The app-backend attributes of a create or update body: attributes.active.{dev,staging,live}.
struct ActiveFlags {
  bool present{false};  // "attributes": {"active": {...}} was sent
  std::optional<bool> dev, staging, live;
};

void declare_attributes(JsonObjectReader& reader, ActiveFlags& flags) {
  reader.object("attributes", [&flags](JsonObjectReader& attributes) {
    attributes.object("active", [&flags](JsonObjectReader& active) {
      flags.present = true;
      active.boolean("dev", flags.dev)
          .boolean("staging", flags.staging)
          .boolean("live", flags.live);
    });
  });
}

void create(ApiContext& context, HttpRequest request, const Authenticated& who, Responder respond) {
  domain::CreateResource command;
  ActiveFlags flags;
  JsonObjectReader reader;
  reader.string("kind", command.kind, {.required = true, .max_len = 64})
      .string("name", command.name, {.required = true})
      .string("description", command.description, kText);
  declare_attributes(reader, flags);
  if (auto body = reader.finish(request); !body) {
    return respond(json_body_problem(request, body.error()));
  }
  if (flags.present) {
    command.active = domain::SystemFlags{flags.dev.value_or(false), flags.staging.value_or(false),
                                         flags.live.value_or(false)};
  }
  ApiKey key;
  if (command.kind == domain::kAppBackendKind) {
    key = new_api_key();
    command.api_key_hash = key.hash;
  }
  const CommandMeta meta = command_meta(request, who.caller);
  command.id = new_uuid_v7(meta.now_ms);
  auto shared = std::make_shared<Responder>(std::move(respond));
  run_command(
      context, request, meta,
      [&context, request, command,
       caller = who.caller]() -> std::expected<domain::Decision, HttpResponse> {
        auto existing = load_resource(context, request, command.id);
        if (!existing) return std::unexpected(existing.error());
        return decided(request, domain::decide(*existing, command, caller));
      },
      [&context, request, id = command.id, caller = who.caller, api_key = key.key,
       shared](std::expected<std::uint64_t, HttpResponse> outcome) {
        if (!outcome) return (*shared)(std::move(outcome.error()));
        // The creator owns it: its groups do not matter for the representation.
        (*shared)(resource_response(context, request, domain::Accessor{caller, {}}, id, 201,
                                    *outcome, api_key));
      });
}

HttpResponse list(const ApiContext& context, const HttpRequest& request,
                  const domain::Caller& caller) {
  auto query = query_of(request);
  if (!query) return query.error();
  auto paging = page_params(request, *query);
  if (!paging) return paging.error();
  projections::ResourceListQuery q;
  if (auto kind = query->get("kind")) {
    if (!domain::is_resource_kind(*kind)) {
      return bad_request_response(
          request, "kind", "must be app-backend, module, plugin, dashboard, dataset or thing");
    }
    q.kind = std::string(*kind);
  }
  auto who = accessor_of(context, request, caller);
  if (!who) return who.error();
  q.viewer = {caller.customer_id, caller.organization_id, who->group_ids,
              domain::sees_every_resource(caller), domain::sees_organization_resources(caller)};
  q.page = paging->page;
  q.page_size = paging->page_size;
  q.cursor = paging->cursor;
  auto page = resources(context).list(q);
  if (!page) {
    if (page.error().code == projections::QueryErrorCode::invalid_cursor) {
      return foreign_cursor_response(request);
    }
    return unavailable_response(request, page.error().message);
  }
  boost::json::array items;
  for (const auto& row : page->rows) items.push_back(resource_json(row, *who));
  return json_response(200, page_body("resources", std::move(items),
                                      {page->page, q.page_size, page->total, page->next_cursor}));
}

HttpResponse read_one(const ApiContext& context, const HttpRequest& request,
                      const domain::Caller& caller, const std::string& id) {
  auto who = accessor_of(context, request, caller);
  if (!who) return who.error();
  auto row = resources(context).get(id);
  if (!row) return unavailable_response(request, row.error().message);
  if (!*row || !domain::can_view(*who, projections::as_resource(**row))) {
    return not_found_response(request);
  }
  auto response = json_response(200, to_body(resource_json(**row, *who)));
  response.headers.emplace_back("ETag", etag_of((*row)->version));
  return response;
}

void update(ApiContext& context, HttpRequest request, const Authenticated& authenticated,
            const std::string& id, Responder respond) {
  domain::UpdateResource command;
  command.id = id;
  auto& patch = command.patch;
  ActiveFlags flags;
  std::optional<bool> rotate;
  std::optional<std::int64_t> version;
  JsonObjectReader reader;
  reader.string("name", patch.name, kText)
      .string("description", patch.description, kText)
      .boolean("rotateApiKey", rotate)
      .integer("updateVersion", version, {.min = 1});
  declare_attributes(reader, flags);
  for (auto field : kReadOnlyFields) reader.ignore(field);
  if (auto body = reader.finish(request); !body) {
    return respond(json_body_problem(request, body.error()));
  }
  auto expected_version = required_version(request, version);
  if (!expected_version) return respond(std::move(expected_version.error()));
  command.expected_version = *expected_version;
  patch.active_dev = flags.dev;
  patch.active_staging = flags.staging;
  patch.active_live = flags.live;
  ApiKey key;
  if (rotate.value_or(false)) {
    key = new_api_key();
    command.new_api_key_hash = key.hash;
  }
  auto who = accessor_of(context, request, authenticated.caller);
  if (!who) return respond(std::move(who.error()));
  auto shared = std::make_shared<Responder>(std::move(respond));
  run_command(
      context, request, command_meta(request, authenticated.caller),
      [&context, request, command, who = *who]() -> std::expected<domain::Decision, HttpResponse> {
        auto current = load_resource(context, request, command.id);
        if (!current) return std::unexpected(current.error());
        return decide_confirmed(context, request, *current, who,
                                [&request, &command](const domain::Resource& resource,
                                                     const domain::Accessor& accessor) {
                                  return decided(request,
                                                 domain::decide(resource, command, accessor));
                                });
      },
      [&context, request, id, who = *who, api_key = key.key,
       shared](std::expected<std::uint64_t, HttpResponse> outcome) {
        if (!outcome) return (*shared)(std::move(outcome.error()));
        (*shared)(resource_response(context, request, who, id, 200, *outcome, api_key));
      });
}

// Delete, revoke, grant and transfer share their shape: load the resource (and the facts the
// command needs), decide, answer.
template <class Decide, class Answer>
void resource_command(ApiContext& context, const HttpRequest& request,
                      const Authenticated& authenticated, std::string id, Decide decide_with,
                      Answer answer, Responder respond) {
  auto who = accessor_of(context, request, authenticated.caller);
  if (!who) return respond(std::move(who.error()));
  auto shared = std::make_shared<Responder>(std::move(respond));
  run_command(
      context, request, command_meta(request, authenticated.caller),
      [&context, request, id, who = *who,
       decide_with]() -> std::expected<domain::Decision, HttpResponse> {
        auto current = load_resource(context, request, id);
        if (!current) return std::unexpected(current.error());
        return decide_confirmed(context, request, *current, who, decide_with);
      },
      [&context, request, id, who = *who, answer,
       shared](std::expected<std::uint64_t, HttpResponse> outcome) {
        if (!outcome) return (*shared)(std::move(outcome.error()));
        (*shared)(answer(context, request, who, id, *outcome));
      });
}

void remove(ApiContext& context, HttpRequest request, const Authenticated& who,
            const std::string& id, Responder respond) {
  auto version = optional_if_match(request);
  if (!version) return respond(std::move(version.error()));
  const domain::DeleteResource command{id, *version};
  resource_command(
      context, request, who, id,
      [&context, request, command](
          const domain::Resource& current,
          const domain::Accessor& accessor) -> std::expected<domain::Decision, HttpResponse> {
        auto groups = groups_holding(context, current.id, current.organization_id);
        if (!groups) return std::unexpected(unavailable_response(request, groups.error()));
        return decided(request, domain::decide(current, command, accessor, *groups));
      },
      [](const ApiContext&, const HttpRequest&, const domain::Accessor&, const std::string&,
         std::uint64_t position) { return no_content(position); },
      std::move(respond));
}

// Who a grant names, from its own stream; anything not shaped like an id does not exist.
std::expected<domain::PrincipalFacts, HttpResponse> principal_facts(const ApiContext& context,
                                                                    const HttpRequest& request,
                                                                    const domain::GrantAccess& c) {
  domain::PrincipalFacts facts;
  if (!is_uuid(c.principal_id)) return facts;
  const auto kind = domain::principal_kind_from(c.principal_kind);
  if (!kind) return facts;
  switch (*kind) {
    case domain::PrincipalKind::customer: {
      auto customer = context.loader.customer(c.principal_id);
      if (!customer) return std::unexpected(unavailable_response(request, customer.error()));
      return domain::PrincipalFacts{customer->exists(),
                                    customer->organization_id,
                                    {},
                                    domain::customer_stream(c.principal_id),
                                    customer->version,
                                    customer->is_platform_account()};
    }
    case domain::PrincipalKind::group: {
      auto group = context.loader.group(c.principal_id);
      if (!group) return std::unexpected(unavailable_response(request, group.error()));
      domain::PrincipalFacts facts{group->exists(), group->organization_id, group->kind,
                                   domain::group_stream(c.principal_id), group->version};
      facts.global_group = group->global;
      if (facts.exists) {
        auto organization = context.loader.organization(group->organization_id);
        if (!organization) {
          return std::unexpected(unavailable_response(request, organization.error()));
        }
        facts.organization_exists = organization->exists();
      }
      return facts;
    }
    case domain::PrincipalKind::organization: {
      auto organization = context.loader.organization(c.principal_id);
      if (!organization) {
        return std::unexpected(unavailable_response(request, organization.error()));
      }
      return domain::PrincipalFacts{organization->exists(),
                                    organization->id,
                                    {},
                                    domain::organization_stream(c.principal_id),
                                    organization->version};
    }
  }
  return facts;
}

// The grant as its command recorded it: the command's last event, at `position`. Not from the
// read model, where a concurrent grant to the same principal may have replaced it already: the
// command had succeeded, and its answer was a 404 (which an Idempotency-Key then replayed).
std::optional<projections::GrantRow> recorded_grant(const ApiContext& context,
                                                    std::uint64_t position,
                                                    const std::string& grant_id) {
  auto envelopes = context.store.read_all(position, 1);
  if (!envelopes || envelopes->empty()) return std::nullopt;
  const auto& envelope = envelopes->front();
  auto event = domain::decode_event(envelope.type, envelope.schema_version, envelope.payload);
  const auto* granted = event ? std::get_if<domain::ResourceAccessGranted>(&*event) : nullptr;
  if (granted == nullptr || granted->grant_id != grant_id) return std::nullopt;
  return projections::GrantRow{granted->grant_id,   granted->principal_kind, granted->principal_id,
                               granted->permission, envelope.timestamp_ms,   envelope.actor};
}

void add_grant(ApiContext& context, HttpRequest request, const Authenticated& who,
               const std::string& id, Responder respond) {
  auto version = optional_if_match(request);
  if (!version) return respond(std::move(version.error()));
  domain::GrantAccess command;
  command.resource_id = id;
  command.expected_version = *version;
  JsonObjectReader reader;
  reader.string("principalType", command.principal_kind, {.required = true, .max_len = 32})
      .string("principalId", command.principal_id, kId)
      .string("permission", command.permission, {.required = true, .max_len = 32});
  if (auto body = reader.finish(request); !body) {
    return respond(json_body_problem(request, body.error()));
  }
  canonicalize_id(command.principal_id);
  command.grant_id = new_uuid_v7(now_ms());
  resource_command(
      context, request, who, id,
      [&context, request, command](
          const domain::Resource& current,
          const domain::Accessor& accessor) -> std::expected<domain::Decision, HttpResponse> {
        auto facts = principal_facts(context, request, command);
        if (!facts) return std::unexpected(facts.error());
        return decided(request, domain::decide(current, command, accessor, *facts));
      },
      [grant_id = command.grant_id](const ApiContext& ctx, const HttpRequest& req,
                                    const domain::Accessor&, const std::string& resource_id,
                                    std::uint64_t position) {
        auto grant = recorded_grant(ctx, position, grant_id);
        if (!grant) return unavailable_response(req, "the grant's event cannot be read back");
        auto response = json_response(201, to_body(grant_json(*grant)));
        response.headers.emplace_back("Location",
                                      "/api/v1/resources/" + resource_id + "/grants/" + grant_id);
        set_event_position(response, position);
        return response;
      },
      std::move(respond));
}

void revoke_grant(ApiContext& context, HttpRequest request, const Authenticated& who,
                  const std::string& id, const std::string& grant_id, Responder respond) {
  auto version = optional_if_match(request);
  if (!version) return respond(std::move(version.error()));
  const domain::RevokeAccess command{id, grant_id, *version};
  resource_command(
      context, request, who, id,
      [request, command](const domain::Resource& current, const domain::Accessor& accessor) {
        return decided(request, domain::decide(current, command, accessor));
      },
      [](const ApiContext&, const HttpRequest&, const domain::Accessor&, const std::string&,
         std::uint64_t position) { return no_content(position); },
      std::move(respond));
}

void transfer(ApiContext& context, HttpRequest request, const Authenticated& who,
              const std::string& id, Responder respond) {
  auto version = optional_if_match(request);
  if (!version) return respond(std::move(version.error()));
  domain::TransferOwnership command;
  command.resource_id = id;
  command.expected_version = *version;
  JsonObjectReader reader;
  reader.string("customerId", command.new_owner_id, kId);
  if (auto body = reader.finish(request); !body) {
    return respond(json_body_problem(request, body.error()));
  }
  canonicalize_id(command.new_owner_id);
  resource_command(
      context, request, who, id,
      [&context, request, command](
          const domain::Resource& current,
          const domain::Accessor& accessor) -> std::expected<domain::Decision, HttpResponse> {
        domain::NewOwnerFacts facts;
        if (is_uuid(command.new_owner_id)) {
          auto customer = context.loader.customer(command.new_owner_id);
          if (!customer) return std::unexpected(unavailable_response(request, customer.error()));
          facts = {customer->exists(), customer->organization_id, customer->version,
                   customer->is_platform_account()};
        }
        auto groups = groups_holding(context, current.id, current.organization_id);
        if (!groups) return std::unexpected(unavailable_response(request, groups.error()));
        return decided(request, domain::decide(current, command, accessor, facts, *groups));
      },
      [](const ApiContext& ctx, const HttpRequest& req, const domain::Accessor& accessor,
         const std::string& resource_id, std::uint64_t position) {
        return resource_response(ctx, req, accessor, resource_id, 200, position);
      },
      std::move(respond));
}

// Authenticates and checks the path's ids; `handler(context, request, who, params, respond)`.
template <class Handler>
RouteHandler with_ids(ApiContext& context, Handler handler) {
  return [&context, handler](HttpRequest request, PathParams params, Responder respond) {
    auto who = authenticate(context, request);
    if (!who) return respond(std::move(who.error()));
    if (!is_uuid(params["id"]) || (params.contains("grantId") && !is_uuid(params["grantId"]))) {
      return respond(not_found_response(request));
    }
    handler(context, std::move(request), *who, params, std::move(respond));
  };
}

// Adapts a handler of (context, request, who, id, respond).
template <class Handler>
RouteHandler with_id(ApiContext& context, Handler handler) {
  return with_ids(context, [handler](ApiContext& ctx, HttpRequest request, const Authenticated& who,
                                     const PathParams& params, Responder respond) {
    handler(ctx, std::move(request), who, std::string(params["id"]), std::move(respond));
  });
}

}  // namespace

void add_resource_routes(Router& router, ApiContext& context) {
  router.add(HttpMethod::post, "/api/v1/resources",
             [&context](HttpRequest request, PathParams, Responder respond) {
               auto who = authenticate(context, request);
               if (!who) return respond(std::move(who.error()));
               create(context, std::move(request), *who, std::move(respond));
             });
  router.add(HttpMethod::get, "/api/v1/resources",
             [&context](HttpRequest request, PathParams, Responder respond) {
               auto who = authenticate(context, request);
               if (!who) return respond(std::move(who.error()));
               respond(list(context, request, who->caller));
             },
             {"kind", "page", "pageSize", "cursor"});
  router.add(HttpMethod::get, "/api/v1/resources/{id}",
             with_id(context, [](ApiContext& ctx, HttpRequest request, const Authenticated& who,
                                 const std::string& id, Responder respond) {
               respond(read_one(ctx, request, who.caller, id));
             }));
  router.add(HttpMethod::put, "/api/v1/resources/{id}", with_id(context, update));
  router.add(HttpMethod::del, "/api/v1/resources/{id}", with_id(context, remove));
  router.add(HttpMethod::post, "/api/v1/resources/{id}/grants", with_id(context, add_grant));
  router.add(HttpMethod::del, "/api/v1/resources/{id}/grants/{grantId}",
             with_ids(context, [](ApiContext& ctx, HttpRequest request, const Authenticated& who,
                                  const PathParams& params, Responder respond) {
               revoke_grant(ctx, std::move(request), who, std::string(params["id"]),
                            std::string(params["grantId"]), std::move(respond));
             }));
  router.add(HttpMethod::post, "/api/v1/resources/{id}/owner", with_id(context, transfer));
}

}  // namespace orgd::api
