#include "api/http/problem.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

namespace orgd::api {
namespace {

boost::json::array errors_array(std::span<const FieldError> errors) {
  boost::json::array array;
  array.reserve(errors.size());
  for (const auto& error : errors) {
    array.push_back(boost::json::object{{"field", error.field}, {"message", error.message}});
  }
  return array;
}

}  // namespace

HttpResponse problem_response(int status, std::string_view slug, std::string_view title,
                              std::string_view detail, std::string_view instance,
                              std::string_view trace_id, std::span<const FieldError> errors) {
  return problem_response(status, slug, title, detail, instance, trace_id, errors, {});
}

HttpResponse problem_response(int status, std::string_view slug, std::string_view title,
                              std::string_view detail, std::string_view instance,
                              std::string_view trace_id, std::span<const FieldError> errors,
                              boost::json::object extensions) {
  boost::json::object body = std::move(extensions);
  boost::json::string type(kProblemTypePrefix);
  type.append(slug);
  body["type"] = std::move(type);
  body["title"] = title;
  body["status"] = status;
  body["detail"] = detail;
  body["instance"] = instance;
  body["traceId"] = trace_id;
  if (!errors.empty()) body["errors"] = errors_array(errors);

  HttpResponse response;
  response.status = status;
  response.content_type = std::string(kProblemContentType);
  response.body = boost::json::serialize(body);
  return response;
}

HttpResponse problem_response(const HttpRequest& request, int status, std::string_view slug,
                              std::string_view title, std::string_view detail,
                              std::span<const FieldError> errors) {
  return problem_response(status, slug, title, detail, request.path, request.trace_id, errors);
}

}  // namespace orgd::api
