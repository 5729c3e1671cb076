#pragma once
// Query-string parsing ("page=2&q=acme+corp").
//
// Thread-safety: pure functions.

#include <expected>
#include <string>
#include <string_view>

#include "api/http/http_types.hpp"
#include "api/http/params.hpp"

namespace orgd::api {

struct QueryError {
  std::string parameter;  // decoded name when known, else the raw piece
  std::string message;
};

// Parses `query` (HttpRequest::query, without the '?'). Names and values are
// percent-decoded and '+' means a space. Empty pieces ("a=1&&b=2") are skipped; a name
// without '=' gets an empty value.
// Errors (a client mistake, answered 400):
//  - a malformed %-escape, or decoded bytes that are not UTF-8 or contain NUL;
//  - an empty name ("=x");
//  - a name given twice: we refuse rather than guess which value the client meant.
[[nodiscard]] std::expected<QueryParams, QueryError> parse_query(std::string_view query);

// The 400 `invalid-query` problem for `error`, naming the parameter in `errors`.
[[nodiscard]] HttpResponse query_error_response(const HttpRequest& request,
                                                const QueryError& error);

}  // namespace orgd::api
