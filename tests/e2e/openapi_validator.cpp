#include "tests/e2e/openapi_validator.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <regex>
#include <set>
#include <stdexcept>

namespace orgd::e2e {
namespace {

namespace json = boost::json;

const std::set<std::string, std::less<>> kKnownKeywords = {
    "$ref",      "type",      "enum",      "const",       "properties",  "required",
    "items",     "oneOf",     "anyOf",     "allOf",       "minimum",     "maximum",
    "minLength", "maxLength", "pattern",   "format",      "description", "examples",
    "default",   "readOnly",  "writeOnly", "title",       "contentMediaType",
    "additionalProperties",
};

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  for (;;) {
    const auto slash = path.find('/');
    segments.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) return segments;
    path.remove_prefix(slash + 1);
  }
}

bool is_parameter(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

std::string upper(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view media_type(std::string_view content_type) {
  const auto semicolon = content_type.find(';');
  auto type = content_type.substr(0, semicolon);
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  return type;
}

bool is_json_media(std::string_view type) {
  return type == "application/json" || type == "application/problem+json";
}

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(
      std::ranges::count_if(text, [](unsigned char c) { return (c & 0xC0) != 0x80; }));
}

std::string type_of(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "boolean";
    case json::kind::int64:
    case json::kind::uint64: return "integer";
    case json::kind::double_: return "number";
    case json::kind::string: return "string";
    case json::kind::array: return "array";
    case json::kind::object: return "object";
  }
  return "?";
}

bool has_type(const json::value& v, std::string_view type) {
  const std::string actual = type_of(v);
  if (actual == type) return true;
  if (type == "number") return actual == "integer";
  if (type == "integer" && v.is_double()) {
    const double d = v.get_double();
    return d == static_cast<double>(static_cast<long long>(d));
  }
  return false;
}

std::optional<double> number_of(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  if (v.is_double()) return v.get_double();
  return std::nullopt;
}

bool matches_format(std::string_view format, std::string_view text) {
  static const std::regex kUuid(
      "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
  static const std::regex kDateTime(
      "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$");
  const std::string s(text);
  if (format == "uuid") return std::regex_match(s, kUuid);
  if (format == "date-time") return std::regex_match(s, kDateTime);
  return true;  // formats the document does not rely on are annotations
}

}  // namespace

OpenApiDocument::OpenApiDocument(std::string_view text) {
  boost::system::error_code ec;
  root_ = json::parse(text, ec);
  if (ec || !root_.is_object() || !root_.as_object().contains("paths")) {
    throw std::runtime_error("the OpenAPI document is not a JSON object with paths");
  }
}

std::vector<std::pair<std::string, std::string>> OpenApiDocument::operations() const {
  static const std::set<std::string, std::less<>> kMethods = {"get",    "put",    "post",
                                                              "delete", "patch",  "head",
                                                              "options", "trace"};
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [path, item] : root_.at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      if (kMethods.contains(method)) out.emplace_back(upper(method), std::string(path));
    }
  }
  return out;
}

std::optional<std::string> OpenApiDocument::match_path(std::string_view path) const {
  const auto segments = split_path(path);
  std::optional<std::string> best;
  std::vector<std::string> best_segments;
  for (const auto& [templ, item] : root_.at("paths").as_object()) {
    const auto pattern = split_path(templ);
    if (pattern.size() != segments.size()) continue;
    bool match = true;
    for (std::size_t i = 0; i < pattern.size() && match; ++i) {
      match = is_parameter(pattern[i]) ? !segments[i].empty() : pattern[i] == segments[i];
    }
    if (!match) continue;
    bool more_specific = !best;
    for (std::size_t i = 0; best && i < pattern.size(); ++i) {
      if (is_parameter(pattern[i]) != is_parameter(best_segments[i])) {
        more_specific = !is_parameter(pattern[i]);
        break;
      }
    }
    if (more_specific) {
      best = std::string(templ);
      best_segments = pattern;
    }
  }
  return best;
}

const json::value& OpenApiDocument::resolve(const json::value& node) const {
  const json::value* current = &node;
  for (int depth = 0; depth < 16; ++depth) {
    if (!current->is_object()) return *current;
    const auto* ref = current->as_object().if_contains("$ref");
    if (ref == nullptr) return *current;
    std::string_view pointer = ref->as_string();
    if (!pointer.starts_with("#")) throw std::runtime_error("non-local $ref");
    pointer.remove_prefix(1);
    current = &root_.at_pointer(pointer);
  }
  throw std::runtime_error("$ref chain too long");
}

std::vector<std::string> OpenApiDocument::validate(const json::value& schema,
                                                   const json::value& instance) const {
  std::vector<std::string> problems;
  validate_at(schema, instance, "$", problems);
  return problems;
}

void OpenApiDocument::validate_at(const json::value& schema_node, const json::value& instance,
                                  const std::string& where,
                                  std::vector<std::string>& problems) const {
  const json::value& resolved = resolve(schema_node);
  if (resolved.is_bool()) {
    if (!resolved.get_bool()) problems.push_back(where + ": not allowed here");
    return;
  }
  const auto& schema = resolved.as_object();
  for (const auto& [keyword, value] : schema) {
    if (!kKnownKeywords.contains(keyword)) {
      problems.push_back(where + ": the checker does not know keyword " + std::string(keyword));
    }
  }
  const auto fail = [&](const std::string& why) { problems.push_back(where + ": " + why); };

  if (const auto* type = schema.if_contains("type")) {
    bool ok = false;
    if (type->is_string()) {
      ok = has_type(instance, type->as_string());
    } else {
      for (const auto& t : type->as_array()) ok = ok || has_type(instance, t.as_string());
    }
    if (!ok) {
      return fail("is " + type_of(instance) + ", expected " + json::serialize(*type) + ": " +
                  json::serialize(instance).substr(0, 200));
    }
  }
  if (const auto* values = schema.if_contains("enum")) {
    if (std::ranges::find(values->as_array(), instance) == values->as_array().end()) {
      fail(json::serialize(instance) + " is not one of " + json::serialize(*values));
    }
  }
  if (const auto* constant = schema.if_contains("const"); constant && *constant != instance) {
    fail(json::serialize(instance) + " is not " + json::serialize(*constant));
  }
  if (instance.is_string()) {
    const std::string_view text = instance.get_string();
    if (const auto* min = schema.if_contains("minLength");
        min && code_points(text) < min->to_number<std::size_t>()) {
      fail("shorter than " + json::serialize(*min));
    }
    if (const auto* max = schema.if_contains("maxLength");
        max && code_points(text) > max->to_number<std::size_t>()) {
      fail("longer than " + json::serialize(*max));
    }
    if (const auto* pattern = schema.if_contains("pattern")) {
      const std::regex re(std::string(pattern->as_string()), std::regex::ECMAScript);
      if (!std::regex_search(std::string(text), re)) {
        fail("\"" + std::string(text) + "\" does not match " + json::serialize(*pattern));
      }
    }
    if (const auto* format = schema.if_contains("format");
        format && !matches_format(format->as_string(), text)) {
      fail("\"" + std::string(text) + "\" is not a " + std::string(format->as_string()));
    }
  }
  if (const auto number = number_of(instance)) {
    if (const auto* min = schema.if_contains("minimum"); min && *number < *number_of(*min)) {
      fail("below the minimum " + json::serialize(*min));
    }
    if (const auto* max = schema.if_contains("maximum"); max && *number > *number_of(*max)) {
      fail("above the maximum " + json::serialize(*max));
    }
  }
  if (instance.is_object()) {
    const auto& object = instance.get_object();
    if (const auto* required = schema.if_contains("required")) {
      for (const auto& name : required->as_array()) {
        if (!object.contains(name.as_string())) {
          fail("lacks the required property " + std::string(name.as_string()));
        }
      }
    }
    const auto* properties = schema.if_contains("properties");
    const auto* additional = schema.if_contains("additionalProperties");
    for (const auto& [name, value] : object) {
      const std::string at = where + "." + std::string(name);
      const json::value* property =
          properties != nullptr ? properties->as_object().if_contains(name) : nullptr;
      if (property != nullptr) {
        validate_at(*property, value, at, problems);
      } else if (additional != nullptr) {
        if (additional->is_bool() && !additional->get_bool()) {
          problems.push_back(at + ": a property the document does not describe");
        } else if (additional->is_object()) {
          validate_at(*additional, value, at, problems);
        }
      }
    }
  }
  if (instance.is_array()) {
    if (const auto* items = schema.if_contains("items")) {
      std::size_t i = 0;
      for (const auto& item : instance.get_array()) {
        validate_at(*items, item, where + "[" + std::to_string(i++) + "]", problems);
      }
    }
  }
  if (const auto* all = schema.if_contains("allOf")) {
    for (const auto& sub : all->as_array()) validate_at(sub, instance, where, problems);
  }
  const auto count_matching = [&](const json::array& subs, std::vector<std::string>& why) {
    int matching = 0;
    for (const auto& sub : subs) {
      std::vector<std::string> sub_problems;
      validate_at(sub, instance, where, sub_problems);
      if (sub_problems.empty()) ++matching;
      else why.push_back(sub_problems.front());
    }
    return matching;
  };
  if (const auto* one = schema.if_contains("oneOf")) {
    std::vector<std::string> why;
    const int matching = count_matching(one->as_array(), why);
    if (matching != 1) {
      fail("matches " + std::to_string(matching) + " of oneOf" +
           (why.empty() ? std::string() : " (" + why.front() + ")"));
    }
  }
  if (const auto* any = schema.if_contains("anyOf")) {
    std::vector<std::string> why;
    if (count_matching(any->as_array(), why) == 0) {
      fail("matches none of anyOf" + (why.empty() ? std::string() : " (" + why.front() + ")"));
    }
  }
}

std::vector<std::string> OpenApiDocument::check_problem(std::string_view content_type,
                                                        std::string_view body) const {
  if (media_type(content_type) != "application/problem+json") {
    return {"an error answered with " + std::string(content_type) + ", not a problem document"};
  }
  boost::system::error_code ec;
  const auto parsed = json::parse(body, ec);
  if (ec) return {"the problem body is not JSON"};
  return validate(json::object{{"$ref", "#/components/schemas/Problem"}}, parsed);
}

std::vector<std::string> OpenApiDocument::check_response(std::string_view method,
                                                         std::string_view target, int status,
                                                         std::string_view content_type,
                                                         std::string_view body) const {
  const std::string_view path = target.substr(0, target.find('?'));
  const std::string what = std::string(method) + " " + std::string(path) + " → " +
                           std::to_string(status) + ": ";
  const auto prefixed = [&what](std::vector<std::string> problems) {
    for (auto& p : problems) p = what + p;
    return problems;
  };
  const bool error = status >= 400;
  const auto templ = match_path(path);
  const json::object* operation = nullptr;
  if (templ) {
    const auto& item = root_.at("paths").at(*templ).as_object();
    if (const auto* found = item.if_contains(lower(method))) operation = &found->as_object();
  }
  const bool server_made = status == 405 || status == 431 || status == 500;
  if (operation == nullptr || (server_made && error)) {
    // No operation (unknown path, method not allowed, HEAD): errors are still problems.
    if (!error || method == "HEAD") return {};
    return prefixed(check_problem(content_type, body));
  }
  const auto& responses = operation->at("responses").as_object();
  const json::value* response = responses.if_contains(std::to_string(status));
  if (response == nullptr) response = responses.if_contains("default");
  if (response == nullptr) {
    return {what + "this status is not documented for " + std::string(method) + " " + *templ};
  }
  const auto& documented = resolve(*response).as_object();
  const auto* content = documented.if_contains("content");
  if (content == nullptr) {
    if (!body.empty()) return {what + "a body where the document describes none"};
    return {};
  }
  const std::string type(media_type(content_type));
  const auto* media = content->as_object().if_contains(type);
  if (media == nullptr) {
    return {what + "content type " + type + " is not documented (" +
            json::serialize(*content).substr(0, 120) + ")"};
  }
  if (!is_json_media(type)) return {};
  boost::system::error_code ec;
  const auto parsed = json::parse(body, ec);
  if (ec) return {what + "the body is not JSON"};
  const auto* schema = media->as_object().if_contains("schema");
  if (schema == nullptr) return {};
  return prefixed(validate(*schema, parsed));
}

}  // namespace orgd::e2e
