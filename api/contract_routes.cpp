#include "api/contract_routes.hpp"

#include <atomic>
#include <boost/json/array.hpp>
#include <memory>

#include "api/command_responses.hpp"
#include "api/http/json_body.hpp"
#include "api/ids.hpp"
#include "api/organization_listing.hpp"
#include "api/representations.hpp"
#include "domain/contract/contract_decisions.hpp"
#include "domain/customer/customer_access.hpp"

namespace orgd::api {
namespace {

constexpr StringRule kText{};

std::expected<bool, HttpResponse> may_read_contract(const ApiContext& context,
                                                    const HttpRequest& request,
                                                    const domain::Caller& caller,
                                                    const std::string& contract_id) {
  if (domain::reads_every_contract(caller)) return true;
  auto assigned = context.directory.assigned(caller.organization_id);
  if (!assigned) return std::unexpected(unavailable_response(request, assigned.error()));
  return std::any_of(assigned->begin(), assigned->end(),
                     [&](const auto& s) { return s.contract.id == contract_id; });
}

HttpResponse contract_response(const ApiContext& context, const HttpRequest& request,
                               const std::string& id, int status, std::uint64_t position) {
  auto row = context.directory.contract(id);
  if (!row) return unavailable_response(request, row.error());
  if (!*row) return not_found_response(request);
  auto response = json_response(status, to_body(contract_json(**row)));
  response.headers.emplace_back("ETag", etag_of((*row)->version));
  if (status == 201) response.headers.emplace_back("Location", "/api/v1/contracts/" + id);
  if (position != 0) set_event_position(response, position);
  return response;
}

struct Publication {
  std::string title, text, url, version;
};

std::expected<Publication, HttpResponse> read_publication(const HttpRequest& request) {
  Publication p;
  Nullable<std::string> text, url;
  JsonObjectReader reader;
  reader.string("title", p.title, {.required = true})
      .optional_string("text", text, kText)
      .optional_string("url", url, {})
      .string("version", p.version, {.required = true});
  if (auto ok = reader.finish(request); !ok) {
    return std::unexpected(json_body_problem(request, ok.error()));
  }
  p.text = text.present() ? text.value : "";
  p.url = url.present() ? url.value : "";
  return p;
}

void publish(ApiContext& context, const HttpRequest& request, const Authenticated& who,
             Responder respond) {
  auto p = read_publication(request);
  if (!p) return respond(std::move(p.error()));
  const CommandMeta meta = command_meta(request, who.caller);
  const domain::PublishContract command{new_uuid_v7(meta.now_ms), p->title, p->text, p->url,
                                        p->version};
  run_command(
      context, request, meta,
      [&context, request, command, caller = who.caller]() -> std::expected<domain::Decision, HttpResponse> {
        auto existing = context.loader.contract(command.id);
        if (!existing) return std::unexpected(unavailable_response(request, existing.error()));
        return decided(request, domain::decide(*existing, command, caller));
      },
      answer_with(std::move(respond), [&context, request, id = command.id](std::uint64_t at) {
        return contract_response(context, request, id, 201, at);
      }));
}

void revise(ApiContext& context, const HttpRequest& request, const Authenticated& who,
            const std::string& id, Responder respond) {
  auto p = read_publication(request);
  if (!p) return respond(std::move(p.error()));
  const domain::ReviseContract command{id, p->title, p->text, p->url, p->version};
  run_command(
      context, request, command_meta(request, who.caller),
      [&context, request, command,
       caller = who.caller]() -> std::expected<domain::Decision, HttpResponse> {
        auto current = context.loader.contract(command.id);
        if (!current) return std::unexpected(unavailable_response(request, current.error()));
        return decided(request, domain::decide(*current, command, caller));
      },
      answer_with(std::move(respond), [&context, request, id](std::uint64_t at) {
        return contract_response(context, request, id, 200, at);
      }));
}

// An organization has a handful of contracts, read at once: paged by number over that read (a
// cursor is refused). The positions [first, end) of the page within `total`.
std::expected<std::pair<std::size_t, std::size_t>, HttpResponse> page_by_number(
    const HttpRequest& request, const PageParams& paging, std::size_t total) {
  if (!paging.cursor.empty()) {
    return std::unexpected(foreign_cursor_response(request));
  }
  const std::uint64_t first = std::min<std::uint64_t>((paging.page - 1) * paging.page_size, total);
  const std::uint64_t end = std::min<std::uint64_t>(first + paging.page_size, total);
  return std::pair{static_cast<std::size_t>(first), static_cast<std::size_t>(end)};
}

void list_contracts(ApiContext& context, const HttpRequest& request, const Authenticated& who,
                    Responder respond) {
  auto paging = listing_params(request);
  if (!paging) return respond(std::move(paging.error()));
  boost::json::array items;
  PageInfo info{paging->page, paging->page_size, 0, {}};
  if (domain::reads_every_contract(who.caller)) {
    auto page = context.directory.contracts({paging->page, paging->page_size, paging->cursor});
    if (!page) {
      return respond(page.error() == "invalid cursor"
                         ? foreign_cursor_response(request)
                         : unavailable_response(request, page.error()));
    }
    for (const auto& row : page->rows) items.push_back(contract_json(row));
    info = {page->page, paging->page_size, page->total, page->next_cursor};
  } else {
    auto assigned = context.directory.assigned(who.caller.organization_id);
    if (!assigned) return respond(unavailable_response(request, assigned.error()));
    auto range = page_by_number(request, *paging, assigned->size());
    if (!range) return respond(std::move(range.error()));
    for (std::size_t i = range->first; i < range->second; ++i) {
      items.push_back(contract_json((*assigned)[i].contract));
    }
    info.total_elements = assigned->size();
  }
  respond(json_response(200, page_body("contracts", std::move(items), info)));
}

void read_contract(ApiContext& context, const HttpRequest& request, const Authenticated& who,
                   const std::string& id, Responder respond) {
  auto allowed = may_read_contract(context, request, who.caller, id);
  if (!allowed) return respond(std::move(allowed.error()));
  if (!*allowed) return respond(not_found_response(request));
  respond(contract_response(context, request, id, 200, 0));
}

void accept(ApiContext& context, const HttpRequest& request, const Authenticated& who,
            const std::string& id, Responder respond) {
  domain::AcceptContract command{.contract_id = id};
  std::optional<std::int64_t> revision;
  JsonObjectReader reader;
  reader.boolean("onBehalfOfOrganization", command.on_behalf_of_organization)
      .integer("revision", revision, {.min = 1});
  // An empty body is "accept for myself" whatever the contract says now.
  if (auto ok = reader.finish_optional(request); !ok) {
    return respond(json_body_problem(request, ok.error()));
  }
  auto read_version = optional_if_match(request);
  if (!read_version) return respond(std::move(read_version.error()));
  command.read_revision = static_cast<std::uint64_t>(revision.value_or(0));
  command.read_version = *read_version;
  run_command(
      context, request, command_meta(request, who.caller),
      [&context, request, command,
       caller = who.caller]() -> std::expected<domain::Decision, HttpResponse> {
        auto contract = context.loader.contract(command.contract_id);
        if (!contract) return std::unexpected(unavailable_response(request, contract.error()));
        auto assignments = context.loader.contract_assignments(caller.organization_id);
        if (!assignments)
          return std::unexpected(unavailable_response(request, assignments.error()));
        auto mine = context.loader.contract_acceptances(caller.customer_id);
        if (!mine) return std::unexpected(unavailable_response(request, mine.error()));
        auto customer = context.loader.customer(caller.customer_id);
        if (!customer) return std::unexpected(unavailable_response(request, customer.error()));
        return decided(request, domain::decide(*contract, command, caller, *assignments, *mine,
                                               customer->joined_position));
      },
      answer_with(std::move(respond), [&context, request, caller = who.caller,
                                       id](std::uint64_t at) {
        auto pending = context.directory.pending_for(caller.customer_id, caller.organization_id);
        if (!pending) return unavailable_response(request, pending.error());
        boost::json::array ids;
        for (const auto& c : *pending) ids.emplace_back(c.id);
        boost::json::object body{{"contractId", id}, {"pendingContracts", std::move(ids)}};
        auto response = json_response(200, to_body(body));
        set_event_position(response, at);
        return response;
      }));
}

// Loads the organization (and its ancestors) and its contract assignments for a decision.
struct OrganizationFacts {
  domain::Organization organization;
  domain::AncestorChain ancestors;
  domain::ContractAssignments assignments;
};

std::expected<OrganizationFacts, HttpResponse> organization_facts(const ApiContext& context,
                                                                  const HttpRequest& request,
                                                                  const std::string& id) {
  OrganizationFacts facts;
  auto organization = context.loader.organization(id);
  if (!organization) return std::unexpected(unavailable_response(request, organization.error()));
  facts.organization = std::move(*organization);
  if (!facts.organization.parent_id.empty()) {
    auto chain = context.loader.chain_from(facts.organization.parent_id);
    if (!chain) return std::unexpected(unavailable_response(request, chain.error()));
    facts.ancestors = std::move(*chain);
  }
  auto assignments = context.loader.contract_assignments(id);
  if (!assignments) return std::unexpected(unavailable_response(request, assignments.error()));
  facts.assignments = std::move(*assignments);
  return facts;
}

void assign(ApiContext& context, const HttpRequest& request, const Authenticated& who,
            const std::string& organization_id, Responder respond) {
  std::string contract_id;
  JsonObjectReader reader;
  reader.string("contractId", contract_id, {.required = true, .max_len = 64});
  if (auto ok = reader.finish(request); !ok) return respond(json_body_problem(request, ok.error()));
  canonicalize_id(contract_id);
  if (!is_uuid(contract_id)) return respond(bad_request_response(request, "contractId", "no such contract"));
  const domain::AssignContract command{organization_id, contract_id};
  // An assignment already there is made again by nothing: 200, not 201 (set by the last
  // decision, which happens before the answer).
  auto created = std::make_shared<std::atomic<bool>>(true);
  run_command(
      context, request, command_meta(request, who.caller),
      [&context, request, command, caller = who.caller,
       created]() -> std::expected<domain::Decision, HttpResponse> {
        auto facts = organization_facts(context, request, command.organization_id);
        if (!facts) return std::unexpected(facts.error());
        auto contract = context.loader.contract(command.contract_id);
        if (!contract) return std::unexpected(unavailable_response(request, contract.error()));
        auto decision =
            decided(request, domain::decide(*contract, command, caller, facts->organization,
                                            facts->ancestors, facts->assignments));
        if (decision) created->store(!decision->writes.empty());
        return decision;
      },
      answer_with(std::move(respond), [&context, request, contract_id, created](std::uint64_t at) {
        return contract_response(context, request, contract_id, created->load() ? 201 : 200, at);
      }));
}

void unassign(ApiContext& context, const HttpRequest& request, const Authenticated& who,
              const std::string& organization_id, const std::string& contract_id,
              Responder respond) {
  const domain::UnassignContract command{organization_id, contract_id};
  run_command(
      context, request, command_meta(request, who.caller),
      [&context, request, command,
       caller = who.caller]() -> std::expected<domain::Decision, HttpResponse> {
        auto facts = organization_facts(context, request, command.organization_id);
        if (!facts) return std::unexpected(facts.error());
        return decided(request, domain::decide(command, caller, facts->organization,
                                               facts->ancestors, facts->assignments));
      },
      answer_with(std::move(respond), no_content));
}

// Per assigned contract: whether the organization accepted its current revision and which
// members still have to.
void status(ApiContext& context, const HttpRequest& request, const Authenticated& who,
            const std::string& organization_id, Responder respond) {
  auto paging = listing_params(request);
  if (!paging) return respond(std::move(paging.error()));
  auto row = context.organizations.get(organization_id);
  if (!row) return respond(unavailable_response(request, row.error().message));
  if (!*row ||
      !domain::can_follow_members(who.caller, organization_id, ancestor_chain((*row)->ancestors))) {
    return respond(not_found_response(request));
  }
  auto assigned = context.directory.assigned(organization_id);
  if (!assigned) return respond(unavailable_response(request, assigned.error()));
  auto range = page_by_number(request, *paging, assigned->size());
  if (!range) return respond(std::move(range.error()));
  projections::MemberListQuery members_query{
      organization_id, true, false, 1, context.options.most_members_listed, {}};
  auto members = context.customers.members(members_query);
  if (!members) return respond(unavailable_response(request, members.error()));
  boost::json::array items;
  for (std::size_t i = range->first; i < range->second; ++i) {
    const auto& s = (*assigned)[i];
    boost::json::array pending;
    for (const auto& member : members->rows) {
      auto mine = context.directory.accepted_by_customer(member.id, s.contract.id, organization_id);
      if (!mine) return respond(unavailable_response(request, mine.error()));
      if (*mine != s.contract.revision) pending.emplace_back(member.id);
    }
    // Past ApiOptions::most_members_listed members the list is of the oldest ones only.
    items.push_back(
        boost::json::object{{"contract", contract_json(s.contract)},
                            {"organizationAccepted", s.accepted_by_organization},
                            {"pendingMembers", std::move(pending)},
                            {"pendingMembersComplete", members->total <= members->rows.size()}});
  }
  respond(json_response(200, page_body("contracts", std::move(items),
                                       {paging->page, paging->page_size, assigned->size(), {}})));
}

// Authenticates (past the contract gate when `gated` is false) and checks the ids in the path.
template <class Handler>
RouteHandler authenticated(ApiContext& context, bool gated, Handler handler) {
  return [&context, gated, handler](HttpRequest request, PathParams params, Responder respond) {
    auto who = gated ? authenticate(context, request) : authenticate_ungated(context, request);
    if (!who) return respond(std::move(who.error()));
    for (const auto& [name, value] : params) {
      if (!is_uuid(value)) return respond(not_found_response(request));
    }
    handler(context, request, *who, params, std::move(respond));
  };
}

template <class Handler>
RouteHandler ungated(ApiContext& context, Handler handler) {
  return authenticated(context, false, handler);
}

template <class Handler>
RouteHandler gated(ApiContext& context, Handler handler) {
  return authenticated(context, true, handler);
}

}  // namespace

void add_contract_routes(Router& router, ApiContext& context) {
  using P = const PathParams&;
  router.add(HttpMethod::post, "/api/v1/contracts",
             gated(context, [](ApiContext& c, const HttpRequest& r, const Authenticated& w, P,
                                 Responder out) { publish(c, r, w, std::move(out)); }));
  router.add(HttpMethod::get, "/api/v1/contracts",
             ungated(context, [](ApiContext& c, const HttpRequest& r, const Authenticated& w, P,
                                 Responder out) { list_contracts(c, r, w, std::move(out)); }),
             paging_query());
  router.add(HttpMethod::get, "/api/v1/contracts/{id}",
             ungated(context, [](ApiContext& c, const HttpRequest& r, const Authenticated& w, P p,
                                 Responder out) {
               read_contract(c, r, w, std::string(p["id"]), std::move(out));
             }));
  router.add(HttpMethod::post, "/api/v1/contracts/{id}/versions",
             gated(context, [](ApiContext& c, const HttpRequest& r, const Authenticated& w, P p,
                                 Responder out) { revise(c, r, w, std::string(p["id"]), std::move(out)); }));
  router.add(HttpMethod::post, "/api/v1/contracts/{id}/accept",
             ungated(context, [](ApiContext& c, const HttpRequest& r, const Authenticated& w, P p,
                                 Responder out) { accept(c, r, w, std::string(p["id"]), std::move(out)); }));
  router.add(HttpMethod::post, "/api/v1/organizations/{id}/contracts",
             gated(context, [](ApiContext& c, const HttpRequest& r, const Authenticated& w, P p,
                                 Responder out) { assign(c, r, w, std::string(p["id"]), std::move(out)); }));
  router.add(HttpMethod::get, "/api/v1/organizations/{id}/contracts",
             ungated(context,
                     [](ApiContext& c, const HttpRequest& r, const Authenticated& w, P p,
                        Responder out) { status(c, r, w, std::string(p["id"]), std::move(out)); }),
             {"page", "pageSize"});
  router.add(HttpMethod::del, "/api/v1/organizations/{id}/contracts/{contractId}",
             gated(context, [](ApiContext& c, const HttpRequest& r, const Authenticated& w, P p,
                                 Responder out) {
               unassign(c, r, w, std::string(p["id"]), std::string(p["contractId"]), std::move(out));
             }));
}

}  // namespace orgd::api
