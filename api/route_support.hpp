#pragma once
// Small pieces every route handler uses: JSON responses, authentication, versions, paging.

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "api/api_context.hpp"
#include "api/http/http_types.hpp"
#include "api/http/params.hpp"

namespace orgd::api {

inline constexpr std::uint64_t kMaxPageSize = 100;
inline constexpr std::uint64_t kDefaultPageSize = 10;

[[nodiscard]] HttpResponse json_response(int status, std::string body);
// Adds X-Event-Position to a command's response.
void set_event_position(HttpResponse& response, std::uint64_t position);

// The authenticated caller, or the 401/503 response to send -- or 403
// contract-acceptance-required while a contract assigned to the caller's organization awaits
// the organization's or the caller's acceptance (platform accounts are never held up).
// For the endpoints a customer needs to get past the contract gate: reading and accepting
// contracts, /me, logout.
[[nodiscard]] std::expected<Authenticated, HttpResponse> authenticate_ungated(
    const ApiContext& context, const HttpRequest& request);
[[nodiscard]] std::expected<Authenticated, HttpResponse> authenticate(const ApiContext& context,
                                                                      const HttpRequest& request);

// The version an update is conditioned on: the body's updateVersion or If-Match ("\"3\"" or
// "3"). Neither (an If-Match of "*" names none): 428. Both but different, or an unparsable
// If-Match: 400.
[[nodiscard]] std::expected<std::uint64_t, HttpResponse> required_version(
    const HttpRequest& request, std::optional<std::int64_t> body_version);
// Like required_version, but a missing version, or If-Match "*", is allowed (0).
[[nodiscard]] std::expected<std::uint64_t, HttpResponse> optional_if_match(
    const HttpRequest& request);

struct PageParams {
  std::uint64_t page{1};
  std::uint64_t page_size{kDefaultPageSize};
  std::string cursor;
};
// Reads page (>= 1), pageSize (1..100) and cursor from `query`.
[[nodiscard]] std::expected<PageParams, HttpResponse> page_params(const HttpRequest& request,
                                                                  const QueryParams& query);
// The query parameters of a plain listing, for its route (Router::add refuses any other)...
[[nodiscard]] std::vector<std::string> paging_query();
// ... and their values.
[[nodiscard]] std::expected<PageParams, HttpResponse> listing_params(const HttpRequest& request);
[[nodiscard]] std::expected<QueryParams, HttpResponse> query_of(const HttpRequest& request);

}  // namespace orgd::api
