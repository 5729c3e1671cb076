#include "api/history_routes.hpp"

#include <boost/json/array.hpp>
#include <charconv>

#include "api/error_responses.hpp"
#include "api/http/problem.hpp"
#include "api/ids.hpp"
#include "api/representations.hpp"
#include "api/route_support.hpp"
#include "domain/customer/customer_access.hpp"
#include "domain/membership/membership.hpp"
#include "domain/organization/organization_access.hpp"
#include "replay/as_of.hpp"
#include "replay/history.hpp"
#include "replay/history_entry.hpp"
#include "replay/state_json.hpp"

namespace orgd::api {
namespace {

constexpr std::uint64_t kMaxLimit = 1000;
constexpr std::uint64_t kDefaultLimit = 100;

std::optional<std::uint64_t> parse_u64(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::expected<std::uint64_t, HttpResponse> bounded(const HttpRequest& request,
                                                   std::string_view name,
                                                   std::optional<std::string_view> text,
                                                   std::uint64_t min, std::uint64_t max,
                                                   std::uint64_t fallback) {
  if (!text) return fallback;
  const auto value = parse_u64(*text);
  if (!value || *value < min || *value > max) {
    return std::unexpected(bad_request_response(
        request, name,
        "must be an integer from " + std::to_string(min) + " to " + std::to_string(max)));
  }
  return *value;
}

// The query parameters of a history or of the log, for their routes.
std::vector<std::string> history_query() { return {"from", "limit", "page", "pageSize"}; }

// from/limit or page/pageSize (see the header).
std::expected<replay::HistoryQuery, HttpResponse> paging(const HttpRequest& request,
                                                         const QueryParams& query) {
  if (query.contains("limit") && query.contains("pageSize")) {
    return std::unexpected(bad_request_response(request, "limit", "give limit or pageSize"));
  }
  if (query.contains("from") && query.contains("page")) {
    return std::unexpected(bad_request_response(request, "page", "give from or page"));
  }
  replay::HistoryQuery q;
  auto size = bounded(request, query.contains("limit") ? "limit" : "pageSize",
                      query.contains("limit") ? query.get("limit") : query.get("pageSize"), 1,
                      kMaxLimit, kDefaultLimit);
  auto from = bounded(request, "from", query.get("from"), 1, UINT64_MAX, 1);
  auto page = bounded(request, "page", query.get("page"), 1, 1'000'000'000, 1);
  if (!size) return std::unexpected(size.error());
  if (!from) return std::unexpected(from.error());
  if (!page) return std::unexpected(page.error());
  q.page_size = *size;
  q.from = *from;
  if (query.contains("page")) q.page = *page;
  return q;
}

HttpResponse events_response(const HttpRequest& request,
                             const std::expected<replay::HistoryPage, eventstore::StoreError>& page,
                             std::uint64_t page_size) {
  if (!page) return unavailable_response(request, page.error().message);
  boost::json::array items;
  for (const auto& envelope : page->envelopes) items.push_back(replay::history_entry_json(envelope));
  const std::string next = page->next_from == 0 ? "" : std::to_string(page->next_from);
  return json_response(200, page_body("events", std::move(items),
                                      {page->page, page_size, page->total, next}));
}

HttpResponse history_of(const ApiContext& context, const HttpRequest& request,
                        std::vector<std::string> streams, std::uint64_t since = 1) {
  auto query = query_of(request);
  if (!query) return std::move(query.error());
  auto q = paging(request, *query);
  if (!q) return std::move(q.error());
  q->streams = std::move(streams);
  q->since = since;
  return events_response(request, replay::read_history(context.store, *q), q->page_size);
}

HttpResponse organization_history(const ApiContext& context, const HttpRequest& request,
                                  const Authenticated& who, const std::string& id) {
  const std::string stream = domain::organization_stream(id);
  auto version = context.store.stream_version(stream);
  if (!version) return unavailable_response(request, version.error().message);
  if (*version == 0 || !domain::can_read_history(who.caller, id)) return not_found_response(request);
  return history_of(context, request, {stream, domain::members_stream(id)});
}

HttpResponse customer_history(const ApiContext& context, const HttpRequest& request,
                              const Authenticated& who, const std::string& id) {
  auto customer = replay::customer_as_of(context.store, id, context.store.head_position());
  if (!customer) return unavailable_response(request, customer.error().message);
  if (customer->state.version == 0 || !domain::can_view(who.caller, customer->state) ||
      !domain::can_read_history(who.caller, customer->state.organization_id)) {
    return not_found_response(request);
  }
  return history_of(context, request, {domain::customer_stream(id), domain::sessions_stream(id)},
                    domain::history_starts_at(who.caller, customer->state));
}

HttpResponse global_log(const ApiContext& context, const HttpRequest& request,
                        const Authenticated& who) {
  if (who.caller.platform_role == domain::PlatformRole::none) {
    return problem_response(request, 403, "forbidden", "forbidden",
                            "only SuperAdmins and auditors read the whole log");
  }
  auto query = query_of(request);
  if (!query) return std::move(query.error());
  auto q = paging(request, *query);
  if (!q) return std::move(q.error());
  return events_response(
      request, replay::read_log_page(context.store, q->from, q->page_size, q->page), q->page_size);
}

template <class Handler>
RouteHandler with_caller_and_id(ApiContext& context, Handler handler) {
  return [&context, handler](HttpRequest request, PathParams params, Responder respond) {
    auto who = authenticate(context, request);
    if (!who) return respond(std::move(who.error()));
    const std::string id(params["id"]);
    if (!is_uuid(id)) return respond(not_found_response(request));
    respond(handler(context, request, *who, id));
  };
}

// How far the read models may trail the position asked for and still be waited for: a
// command that committed a moment ago reaches them within milliseconds; further behind, they
// are catching up after a start or an upgrade, and the answer is 503 at once.
constexpr std::uint64_t kAsOfWaitMost = 4096;

HttpResponse as_of_answer(const ApiContext& context, const HttpRequest& request,
                          const std::string& id, std::uint64_t position) {
  auto platform_accounts = context.organizations.platform_accounts();
  if (!platform_accounts) return unavailable_response(request, platform_accounts.error().message);
  auto state = replay::organization_as_of(context.store, id, position, *platform_accounts);
  if (!state) return unavailable_response(request, state.error().message);
  if (state->state.version == 0) return not_found_response(request);
  return json_response(200, to_body(replay::organization_state_json(*state)));
}

}  // namespace

void organization_as_of(ApiContext& context, const HttpRequest& request, const Authenticated& who,
                        const std::string& id, const QueryParams& query, Responder respond) {
  if (!domain::can_read_history(who.caller, id)) return respond(not_found_response(request));
  auto position = replay::resolve_as_of(context.store, *query.get("asOf"));
  if (!position) {
    if (position.error().code == replay::AsOfErrorCode::storage) {
      return respond(unavailable_response(request, position.error().message));
    }
    return respond(bad_request_response(request, "asOf", position.error().message));
  }
  // The platform accounts come from the organizations' read model, which must have applied
  // the position asked for: a position at the head may be a command's that committed a moment
  // ago, and is waited for (answered on the notifier thread, as a command's answer is).
  const std::uint64_t applied = context.projections.applied_position();
  if (applied >= *position) return respond(as_of_answer(context, request, id, *position));
  if (*position - applied > kAsOfWaitMost) {
    return respond(unavailable_response(request, "the read models are catching up with the log"));
  }
  auto waiting = std::make_shared<Responder>(std::move(respond));
  context.projections.when_applied(
      *position, [&context, request, id, at = *position, waiting](bool reached) {
        if (!reached) {
          return (*waiting)(
              unavailable_response(request, "a projection stopped before reaching the position"));
        }
        (*waiting)(as_of_answer(context, request, id, at));
      });
}

void add_history_routes(Router& router, ApiContext& context) {
  router.add(HttpMethod::get, "/api/v1/organizations/{id}/history",
             with_caller_and_id(context, organization_history), history_query());
  router.add(HttpMethod::get, "/api/v1/customers/{id}/history",
             with_caller_and_id(context, customer_history), history_query());
  router.add(
      HttpMethod::get, "/api/v1/events",
      [&context](HttpRequest request, PathParams, Responder respond) {
        auto who = authenticate(context, request);
        if (!who) return respond(std::move(who.error()));
        respond(global_log(context, request, *who));
      },
      history_query());
}

}  // namespace orgd::api
