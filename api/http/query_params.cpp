#include "api/http/query_params.hpp"

#include <array>

#include "api/http/percent_decoding.hpp"
#include "api/http/problem.hpp"

namespace orgd::api {
namespace {

std::expected<std::string, QueryError> decode_part(std::string_view raw,
                                                   std::string_view parameter) {
  auto decoded = percent_decode(raw, PlusMeans::space);
  if (!decoded) {
    return std::unexpected(QueryError{std::string(parameter), "has a malformed %-escape"});
  }
  if (!is_safe_text(*decoded)) {
    return std::unexpected(
        QueryError{std::string(parameter), "is not valid UTF-8 or contains NUL"});
  }
  return std::move(*decoded);
}

}  // namespace

std::expected<QueryParams, QueryError> parse_query(std::string_view query) {
  QueryParams params;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (piece.empty()) continue;

    const auto eq = piece.find('=');
    const std::string_view raw_name = piece.substr(0, eq);
    const std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1);

    auto name = decode_part(raw_name, raw_name);
    if (!name) return std::unexpected(std::move(name.error()));
    if (name->empty()) return std::unexpected(QueryError{std::string(piece), "has no name"});
    if (params.contains(*name)) {
      return std::unexpected(QueryError{*name, "is given more than once"});
    }
    auto value = decode_part(raw_value, *name);
    if (!value) return std::unexpected(std::move(value.error()));
    params.add(std::move(*name), std::move(*value));
  }
  return params;
}

HttpResponse query_error_response(const HttpRequest& request, const QueryError& error) {
  const std::array errors{FieldError{error.parameter, error.message}};
  return problem_response(request, 400, "invalid-query", "invalid query",
                          "query parameter '" + error.parameter + "' " + error.message, errors);
}

}  // namespace orgd::api
