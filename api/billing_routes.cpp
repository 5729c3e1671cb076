#include "api/billing_routes.hpp"

#include <boost/json/array.hpp>

#include "api/command_responses.hpp"
#include "api/http/json_body.hpp"
#include "api/ids.hpp"
#include "api/organization_listing.hpp"
#include "api/representations.hpp"
#include "domain/billing/billing.hpp"

namespace orgd::api {
namespace {

HttpResponse invoice_response(const ApiContext& context, const HttpRequest& request,
                              const std::string& id, int status, std::uint64_t position) {
  auto row = context.directory.invoice(id);
  if (!row) return unavailable_response(request, row.error());
  if (!*row) return not_found_response(request);
  auto response = json_response(status, to_body(invoice_json(**row)));
  response.headers.emplace_back("ETag", etag_of((*row)->version));
  if (position != 0) set_event_position(response, position);
  return response;
}

HttpResponse organization_response(const ApiContext& context, const HttpRequest& request,
                                   const std::string& id, std::uint64_t position) {
  auto row = context.organizations.get(id);
  if (!row) return unavailable_response(request, row.error().message);
  if (!*row) return not_found_response(request);
  auto response = json_response(200, organization_body(**row));
  response.headers.emplace_back("ETag", etag_of((*row)->version));
  set_event_position(response, position);
  return response;
}

void change_plan(ApiContext& context, const HttpRequest& request, const Authenticated& who,
                 const std::string& organization_id, Responder respond) {
  auto version = optional_if_match(request);
  if (!version) return respond(std::move(version.error()));
  domain::ChangeBillingPlan command{organization_id, {}, *version};
  JsonObjectReader reader;
  reader.string("billingPlan", command.billing_plan, {.required = true, .max_len = 64});
  if (auto ok = reader.finish(request); !ok) return respond(json_body_problem(request, ok.error()));
  run_command(
      context, request, command_meta(request, who.caller),
      [&context, request, command,
       caller = who.caller]() -> std::expected<domain::Decision, HttpResponse> {
        auto organization = context.loader.organization(command.organization_id);
        if (!organization)
          return std::unexpected(unavailable_response(request, organization.error()));
        auto ancestors = context.loader.chain_from(organization->parent_id);
        if (!ancestors) return std::unexpected(unavailable_response(request, ancestors.error()));
        return decided(request, domain::decide(*organization, command, caller, *ancestors));
      },
      answer_with(std::move(respond), [&context, request, organization_id](std::uint64_t at) {
        return organization_response(context, request, organization_id, at);
      }));
}

void list(ApiContext& context, const HttpRequest& request, const Authenticated& who,
          const std::string& organization_id, Responder respond) {
  auto paging = listing_params(request);
  if (!paging) return respond(std::move(paging.error()));
  auto organization = context.organizations.get(organization_id);
  if (!organization) return respond(unavailable_response(request, organization.error().message));
  if (!*organization) return respond(not_found_response(request));
  if (auto refusal = domain::check_invoice_listing(who.caller, organization_id,
                                                   ancestor_chain((*organization)->ancestors))) {
    return respond(domain_error_response(request, *refusal));
  }
  auto page = context.directory.invoices(organization_id,
                                         {paging->page, paging->page_size, paging->cursor});
  if (!page) {
    return respond(page.error() == "invalid cursor" ? foreign_cursor_response(request)
                                                    : unavailable_response(request, page.error()));
  }
  boost::json::array items;
  for (const auto& row : page->rows) items.push_back(invoice_json(row));
  respond(json_response(200, page_body("invoices", std::move(items),
                                       {page->page, paging->page_size, page->total,
                                        page->next_cursor})));
}

void issue(ApiContext& context, const HttpRequest& request, const Authenticated& who,
           const std::string& organization_id, Responder respond) {
  domain::IssueInvoice command;
  JsonObjectReader reader;
  reader.string("period", command.period, {.required = true, .max_len = 16})
      .integer("amount", command.amount_minor, {.required = true})
      .string("currency", command.currency, {.required = true, .max_len = 8});
  if (auto ok = reader.finish(request); !ok) return respond(json_body_problem(request, ok.error()));
  const CommandMeta meta = command_meta(request, who.caller);
  command.id = new_uuid_v7(meta.now_ms);
  command.organization_id = organization_id;
  run_command(
      context, request, meta,
      [&context, request, command, caller = who.caller]() -> std::expected<domain::Decision, HttpResponse> {
        auto organization = context.loader.organization(command.organization_id);
        if (!organization) return std::unexpected(unavailable_response(request, organization.error()));
        auto existing = context.loader.invoice(command.id);
        if (!existing) return std::unexpected(unavailable_response(request, existing.error()));
        return decided(request, domain::decide(*existing, command, caller, *organization));
      },
      answer_with(std::move(respond), [&context, request, id = command.id](std::uint64_t at) {
        return invoice_response(context, request, id, 201, at);
      }));
}

template <class Command>
void settle(ApiContext& context, const HttpRequest& request, const Authenticated& who,
            const std::string& id, Responder respond) {
  // Nothing to say but the invoice's id, which the path holds: a body is empty or `{}`.
  if (auto body = JsonObjectReader().finish_optional(request); !body) {
    return respond(json_body_problem(request, body.error()));
  }
  run_command(
      context, request, command_meta(request, who.caller),
      [&context, request, id,
       caller = who.caller]() -> std::expected<domain::Decision, HttpResponse> {
        auto invoice = context.loader.invoice(id);
        if (!invoice) return std::unexpected(unavailable_response(request, invoice.error()));
        return decided(request, domain::decide(*invoice, Command{id}, caller));
      },
      answer_with(std::move(respond), [&context, request, id](std::uint64_t at) {
        return invoice_response(context, request, id, 200, at);
      }));
}

template <class Handler>
RouteHandler with_ids(ApiContext& context, Handler handler) {
  return [&context, handler](HttpRequest request, PathParams params, Responder respond) {
    auto who = authenticate(context, request);
    if (!who) return respond(std::move(who.error()));
    const std::string id(params["id"]);
    if (!is_uuid(id)) return respond(not_found_response(request));
    handler(context, request, *who, id, std::move(respond));
  };
}

}  // namespace

void add_billing_routes(Router& router, ApiContext& context) {
  router.add(HttpMethod::put, "/api/v1/organizations/{id}/billing-plan", with_ids(context, change_plan));
  router.add(HttpMethod::get, "/api/v1/organizations/{id}/invoices", with_ids(context, list),
             paging_query());
  router.add(HttpMethod::post, "/api/v1/organizations/{id}/invoices", with_ids(context, issue));
  router.add(HttpMethod::post, "/api/v1/invoices/{id}/pay",
             with_ids(context, settle<domain::PayInvoice>));
  router.add(HttpMethod::post, "/api/v1/invoices/{id}/void",
             with_ids(context, settle<domain::VoidInvoice>));
}

}  // namespace orgd::api
