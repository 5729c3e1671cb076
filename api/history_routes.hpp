#pragma once
// History for auditors over HTTP (SPEC section 4):
//   GET /api/v1/organizations/{id}/history  the organization's stream merged with its
//                                           membership stream ("members-<id>")
//   GET /api/v1/customers/{id}/history      the customer's stream merged with its sessions
//   GET /api/v1/events                      the whole log
// Paging, the same for all three: `from` (a position: the page starts at the first event at
// or after it) and `limit` (1-1000, default 100), or `page` (1-based) and `pageSize` (same
// range; `limit` and `pageSize` are synonyms). The answer is {events, pageInfo} with
// pageInfo.nextCursor = the `from` of the next page (null on the last).
// Access: SuperAdmin and auditors everywhere; an organization's owners for that organization
// and its customers; anyone else gets 404 for history (as if it did not exist) and 403 for
// /events.
//
// Thread-safety: handlers run on I/O threads and read the store directly (no waiting).

#include <string>

#include "api/api_context.hpp"
#include "api/authenticator.hpp"
#include "api/http/params.hpp"
#include "api/http/router.hpp"

namespace orgd::api {

void add_history_routes(Router& router, ApiContext& context);

// GET /api/v1/organizations/{id}?asOf=<position or ISO-8601 time>: the organization as it was
// then, rebuilt from its events (replay/state_json.hpp: the representation plus `deleted` and
// `asOf`). 404 before it existed or when the caller may not read its history; 400 for an
// unreadable asOf or a position past the head. No other query parameter is accepted. A
// position the read models have not applied yet is answered once they have (503 when they
// trail it by more than a few thousand events, or a projection stopped).
void organization_as_of(ApiContext& context, const HttpRequest& request, const Authenticated& who,
                        const std::string& id, const QueryParams& query, Responder respond);

}  // namespace orgd::api
