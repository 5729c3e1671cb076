#pragma once
// RFC 9457 problem details: the body of every error answer orgd gives.
//
//   {"type":"urn:orgd:problem:<slug>","title":..,"status":..,"detail":..,"instance":..,
//    "traceId":..,"errors":[{"field":..,"message":..}]}
//
// `errors` appears only when non-empty (validation failures). Written with Boost.JSON, so any
// text (client input echoed in `detail`, say) is escaped correctly.
//
// Thread-safety: pure functions.

#include <boost/json/object.hpp>
#include <span>
#include <string>
#include <string_view>

#include "api/http/http_types.hpp"

namespace orgd::api {

inline constexpr std::string_view kProblemContentType = "application/problem+json";
inline constexpr std::string_view kProblemTypePrefix = "urn:orgd:problem:";

// One invalid input field. `field` names it as the client sent it ("name",
// "attributes.dev", "ids[2]"); `message` completes a sentence about it ("is required").
struct FieldError {
  std::string field;
  std::string message;
  friend bool operator==(const FieldError&, const FieldError&) = default;
};

// A problem answer with status `status`. `slug` is the stable, machine-readable kind
// ("not-found"); `title` its fixed human summary; `detail` this occurrence's explanation;
// `instance` the request path.
[[nodiscard]] HttpResponse problem_response(int status, std::string_view slug,
                                            std::string_view title, std::string_view detail,
                                            std::string_view instance, std::string_view trace_id,
                                            std::span<const FieldError> errors = {});

// The same, with extension members (e.g. {"conflict":"name"} for a 409, or the pending
// contracts of a 403). Standard members win over extensions of the same name.
[[nodiscard]] HttpResponse problem_response(int status, std::string_view slug,
                                            std::string_view title, std::string_view detail,
                                            std::string_view instance, std::string_view trace_id,
                                            std::span<const FieldError> errors,
                                            boost::json::object extensions);

// Shorthand taking `instance` (the path) and `trace_id` from `request`.
[[nodiscard]] HttpResponse problem_response(const HttpRequest& request, int status,
                                            std::string_view slug, std::string_view title,
                                            std::string_view detail,
                                            std::span<const FieldError> errors = {});

}  // namespace orgd::api
