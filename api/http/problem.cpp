#include "api/http/problem.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "api/http/percent_decoding.hpp"

namespace orgd::api {
namespace {

// Client bytes reach a problem unchecked: `instance` is the request path as received, and a
// `detail` or field error may quote a raw query piece; both may hold any byte but controls,
// while JSON must be UTF-8 (RFC 8259 §8.1). Text that is not UTF-8 is written with its bytes
// outside ASCII percent-encoded, as they would stand in a URI (RFC 3986 §2.1).
std::string as_utf8(std::string_view text) {
  if (is_safe_text(text)) return std::string(text);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80 || byte == 0) {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    } else {
      out += c;
    }
  }
  return out;
}

boost::json::array errors_array(std::span<const FieldError> errors) {
  boost::json::array array;
  array.reserve(errors.size());
  for (const auto& error : errors) {
    array.push_back(
        boost::json::object{{"field", as_utf8(error.field)}, {"message", as_utf8(error.message)}});
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
  body["detail"] = as_utf8(detail);
  body["instance"] = as_utf8(instance);
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
