#include "api/route_support.hpp"

#include <algorithm>
#include <charconv>

#include "api/error_responses.hpp"
#include "api/http/problem.hpp"
#include "api/http/query_params.hpp"
#include "api/ids.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace orgd::api {
namespace {

std::optional<std::uint64_t> parse_u64(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<std::uint64_t> parse_if_match(std::string_view header) {
  if (header.size() >= 2 && header.front() == '"' && header.back() == '"') {
    header = header.substr(1, header.size() - 2);
  }
  return parse_u64(header);
}

}  // namespace

HttpResponse json_response(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

void set_event_position(HttpResponse& response, std::uint64_t position) {
  response.headers.emplace_back("X-Event-Position", std::to_string(position));
}

std::expected<Authenticated, HttpResponse> authenticate_ungated(const ApiContext& context,
                                                                const HttpRequest& request) {
  return context.auth.authenticate(request, now_ms());
}

std::expected<Authenticated, HttpResponse> authenticate(const ApiContext& context,
                                                        const HttpRequest& request) {
  auto who = authenticate_ungated(context, request);
  if (!who || who->caller.platform_role != domain::PlatformRole::none) return who;
  auto pending = context.directory.pending_for(who->caller.customer_id, who->caller.organization_id);
  if (!pending) return std::unexpected(unavailable_response(request, pending.error()));
  if (pending->empty()) return who;
  boost::json::array ids;
  for (const auto& contract : *pending) ids.emplace_back(contract.id);
  boost::json::object extensions;
  extensions["pendingContracts"] = std::move(ids);
  return std::unexpected(problem_response(
      403, "contract-acceptance-required", "contract acceptance required",
      "contracts assigned to your organization must be accepted by the organization (an owner) "
      "and by you: POST /api/v1/contracts/{id}/accept",
      request.path, request.trace_id, {}, std::move(extensions)));
}

std::expected<std::uint64_t, HttpResponse> optional_if_match(const HttpRequest& request) {
  // RFC 9110's "*" matches any current representation: it names no version, and the command
  // needs its target to exist anyway (404 otherwise).
  if (request.if_match.empty() || request.if_match == "*") return 0;
  auto version = parse_if_match(request.if_match);
  if (!version || *version == 0) {
    return std::unexpected(bad_request_response(request, "If-Match",
                                                "must be an ETag from a GET, such as \"3\""));
  }
  return *version;
}

std::expected<std::uint64_t, HttpResponse> required_version(
    const HttpRequest& request, std::optional<std::int64_t> body_version) {
  auto header = optional_if_match(request);
  if (!header) return header;
  if (body_version && *header != 0 && static_cast<std::uint64_t>(*body_version) != *header) {
    return std::unexpected(
        bad_request_response(request, "updateVersion", "disagrees with the If-Match header"));
  }
  if (body_version) return static_cast<std::uint64_t>(*body_version);
  if (*header != 0) return *header;
  return std::unexpected(problem_response(
      428, "precondition-required", "precondition required",
      "send the updateVersion you read (in the body, or as If-Match) so concurrent changes are "
      "not overwritten",
      request.path, request.trace_id));
}

std::expected<PageParams, HttpResponse> page_params(const HttpRequest& request,
                                                    const QueryParams& query) {
  PageParams params;
  if (auto page = query.get("page")) {
    auto value = parse_u64(*page);
    if (!value || *value < 1 || *value > 1'000'000'000) {
      return std::unexpected(
          bad_request_response(request, "page", "must be an integer from 1 to 1000000000"));
    }
    params.page = *value;
  }
  if (auto size = query.get("pageSize")) {
    auto value = parse_u64(*size);
    if (!value || *value < 1 || *value > kMaxPageSize) {
      return std::unexpected(
          bad_request_response(request, "pageSize", "must be an integer from 1 to 100"));
    }
    params.page_size = *value;
  }
  if (auto cursor = query.get("cursor")) {
    // A cursor says which page it continues; a page beside it would be silently ignored.
    if (query.contains("page")) {
      return std::unexpected(bad_request_response(request, "page", "give page or cursor"));
    }
    if (cursor->empty() || cursor->size() > 2048) {
      return std::unexpected(bad_request_response(request, "cursor", "is not a valid cursor"));
    }
    params.cursor = std::string(*cursor);
  }
  return params;
}

std::vector<std::string> paging_query() { return {"page", "pageSize", "cursor"}; }

std::expected<PageParams, HttpResponse> listing_params(const HttpRequest& request) {
  auto query = query_of(request);
  if (!query) return std::unexpected(std::move(query.error()));
  return page_params(request, *query);
}

std::expected<QueryParams, HttpResponse> query_of(const HttpRequest& request) {
  auto query = parse_query(request.query);
  if (!query) return std::unexpected(query_error_response(request, query.error()));
  return std::move(*query);
}

}  // namespace orgd::api
