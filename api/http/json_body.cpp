#include "api/http/json_body.hpp"

#include <algorithm>
#include <stdexcept>

#include "api/http/header_text.hpp"
#include "api/http/json_field_reader.hpp"

namespace orgd::api {
namespace {

namespace ondemand = simdjson::ondemand;
using json_detail::json_type;
using json_detail::make_scalar_field;

std::unexpected<JsonBodyError> malformed_body(std::string detail) {
  return std::unexpected(JsonBodyError{JsonBodyError::Kind::malformed, std::move(detail), {}});
}

std::unexpected<JsonBodyError> malformed_body(simdjson::error_code error) {
  return malformed_body(json_detail::malformed(error).error());
}

// Parses `body` as one JSON object and reads it into `fields`.
std::expected<void, JsonBodyError> parse_object(std::string_view body,
                                                const json_detail::Fields& fields) {
  if (!simdjson::validate_utf8(body)) return malformed_body("request body is not valid UTF-8");
  // One parser per thread: its buffers are reused across requests instead of reallocated.
  thread_local ondemand::parser parser;
  const simdjson::padded_string padded(body);
  ondemand::document document;
  if (auto error = parser.iterate(padded).get(document)) {
    if (error == simdjson::EMPTY) return malformed_body("request body is empty");
    return malformed_body(error);
  }
  json_type type;
  if (auto error = document.type().get(type)) return malformed_body(error);
  if (type != json_type::object) return malformed_body("request body must be a JSON object");
  ondemand::object object;
  if (auto error = document.get_object().get(object)) return malformed_body(error);

  std::vector<FieldError> errors;
  if (auto walk = json_detail::read_members(object, fields, "", 1, errors); !walk) {
    return malformed_body(std::move(walk.error()));
  }
  // The document is finished once its root object is; anything left is trailing garbage.
  if (document.current_location().error() == simdjson::SUCCESS) {
    return malformed_body("unexpected content after the JSON object");
  }
  if (errors.empty()) return {};
  if (errors.size() > kMaxFieldErrors) errors.resize(kMaxFieldErrors);
  return std::unexpected(JsonBodyError{JsonBodyError::Kind::invalid_fields,
                                       "the request body has invalid fields", std::move(errors)});
}

}  // namespace

bool is_json_content_type(std::string_view content_type) {
  const auto semicolon = content_type.find(';');
  if (!iequals(trim(content_type.substr(0, semicolon)), "application/json")) return false;
  if (semicolon == std::string_view::npos) return true;
  const std::string_view parameter = trim(content_type.substr(semicolon + 1));
  const auto equals = parameter.find('=');
  if (equals == std::string_view::npos) return false;
  std::string_view charset = trim(parameter.substr(equals + 1));
  if (charset.size() >= 2 && charset.front() == '"' && charset.back() == '"') {
    charset = charset.substr(1, charset.size() - 2);
  }
  return iequals(trim(parameter.substr(0, equals)), "charset") && iequals(charset, "utf-8");
}

HttpResponse json_body_problem(const HttpRequest& request, const JsonBodyError& error) {
  switch (error.kind) {
    case JsonBodyError::Kind::unsupported_media_type:
      return problem_response(request, 415, "unsupported-media-type", "unsupported media type",
                              error.detail);
    case JsonBodyError::Kind::malformed:
      return problem_response(request, 400, "malformed-json", "malformed JSON", error.detail);
    case JsonBodyError::Kind::invalid_fields:
      break;
  }
  return problem_response(request, 400, "validation-failed", "validation failed", error.detail,
                          error.errors);
}

JsonObjectReader::JsonObjectReader() = default;
JsonObjectReader::~JsonObjectReader() = default;
JsonObjectReader::JsonObjectReader(JsonObjectReader&&) noexcept = default;
JsonObjectReader& JsonObjectReader::operator=(JsonObjectReader&&) noexcept = default;

JsonObjectReader& JsonObjectReader::declare(std::unique_ptr<json_detail::FieldReader> field) {
  const auto same_name = [&field](const auto& f) { return f->name() == field->name(); };
  if (std::ranges::any_of(fields_, same_name)) {
    throw std::invalid_argument("JSON member '" + field->name() + "' declared twice");
  }
  fields_.push_back(std::move(field));
  return *this;
}

JsonObjectReader& JsonObjectReader::string(std::string_view name, std::string& out,
                                           StringRule rule) {
  return declare(make_scalar_field<std::string>(name, rule, out));
}

JsonObjectReader& JsonObjectReader::string(std::string_view name, std::optional<std::string>& out,
                                           StringRule rule) {
  return declare(make_scalar_field<std::string>(name, rule, out));
}

JsonObjectReader& JsonObjectReader::optional_string(std::string_view name,
                                                    Nullable<std::string>& out, StringRule rule) {
  return declare(make_scalar_field<std::string>(name, rule, out));
}

JsonObjectReader& JsonObjectReader::integer(std::string_view name, std::int64_t& out,
                                            IntegerRule rule) {
  return declare(make_scalar_field<std::int64_t>(name, rule, out));
}

JsonObjectReader& JsonObjectReader::integer(std::string_view name, std::optional<std::int64_t>& out,
                                            IntegerRule rule) {
  return declare(make_scalar_field<std::int64_t>(name, rule, out));
}

JsonObjectReader& JsonObjectReader::optional_integer(std::string_view name,
                                                     Nullable<std::int64_t>& out,
                                                     IntegerRule rule) {
  return declare(make_scalar_field<std::int64_t>(name, rule, out));
}

JsonObjectReader& JsonObjectReader::boolean(std::string_view name, bool& out, BooleanRule rule) {
  return declare(make_scalar_field<bool>(name, rule, out));
}

JsonObjectReader& JsonObjectReader::boolean(std::string_view name, std::optional<bool>& out,
                                            BooleanRule rule) {
  return declare(make_scalar_field<bool>(name, rule, out));
}

JsonObjectReader& JsonObjectReader::optional_boolean(std::string_view name, Nullable<bool>& out,
                                                     BooleanRule rule) {
  return declare(make_scalar_field<bool>(name, rule, out));
}

JsonObjectReader& JsonObjectReader::string_array(std::string_view name,
                                                 std::vector<std::string>& out,
                                                 StringArrayRule rule) {
  return declare(json_detail::make_string_array_field(name, rule, out));
}

JsonObjectReader& JsonObjectReader::object(std::string_view name,
                                           std::function<void(JsonObjectReader&)> declare_nested,
                                           ObjectRule rule) {
  return declare(json_detail::make_object_field(name, std::move(declare_nested), rule));
}

JsonObjectReader& JsonObjectReader::ignore(std::string_view name) {
  return declare(json_detail::make_ignored_field(name));
}

std::expected<void, JsonBodyError> JsonObjectReader::finish(std::string_view body) {
  return parse_object(body, fields_);
}

std::expected<void, JsonBodyError> JsonObjectReader::finish(const HttpRequest& request) {
  if (!is_json_content_type(request.content_type)) {
    return std::unexpected(JsonBodyError{
        JsonBodyError::Kind::unsupported_media_type, "Content-Type must be application/json", {}});
  }
  return finish(request.body);
}

std::expected<void, JsonBodyError> JsonObjectReader::finish_optional(const HttpRequest& request) {
  // JSON's whitespace alone says nothing either (finish() would call it an empty body).
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    return finish(std::string_view("{}"));
  }
  return finish(request);
}

}  // namespace orgd::api