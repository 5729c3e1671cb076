#include "api/http/json_values.hpp"

#include <algorithm>

namespace orgd::api::json_detail {

std::unexpected<std::string> malformed(simdjson::error_code error) {
  return std::unexpected(std::string("invalid JSON: ") + simdjson::error_message(error));
}

Walk check_level(std::size_t level) {
  if (level <= kMaxJsonDepth) return {};
  return std::unexpected("JSON is nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
}

namespace {

std::size_t code_points(std::string_view utf8) {
  // The body was validated as UTF-8, so counting non-continuation bytes counts code points.
  return static_cast<std::size_t>(std::ranges::count_if(
      utf8, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

Walk consume_object(ondemand::value& value, std::size_t level) {
  if (auto depth = check_level(level); !depth) return depth;
  ondemand::object object;
  if (auto error = value.get_object().get(object)) return malformed(error);
  for (auto member : object) {
    ondemand::field field;
    std::string_view key;
    if (auto error = std::move(member).get(field)) return malformed(error);
    if (auto error = field.unescaped_key().get(key)) return malformed(error);
    if (auto walk = consume(field.value(), level + 1); !walk) return walk;
  }
  return {};
}

Walk consume_array(ondemand::value& value, std::size_t level) {
  if (auto depth = check_level(level); !depth) return depth;
  ondemand::array array;
  if (auto error = value.get_array().get(array)) return malformed(error);
  for (auto element : array) {
    ondemand::value item;
    if (auto error = std::move(element).get(item)) return malformed(error);
    if (auto walk = consume(item, level + 1); !walk) return walk;
  }
  return {};
}

}  // namespace

Walk consume(ondemand::value& value, std::size_t level) {
  json_type type;
  if (auto error = value.type().get(type)) return malformed(error);
  switch (type) {
    case json_type::object:
      return consume_object(value, level);
    case json_type::array:
      return consume_array(value, level);
    case json_type::string: {
      std::string_view text;
      if (auto error = value.get_string().get(text)) return malformed(error);
      return {};
    }
    case json_type::number: {
      double number;
      if (auto error = value.get_double().get(number)) return malformed(error);
      return {};
    }
    case json_type::boolean: {
      bool flag;
      if (auto error = value.get_bool().get(flag)) return malformed(error);
      return {};
    }
    case json_type::null: {
      bool is_null = false;
      if (auto error = value.is_null().get(is_null)) return malformed(error);
      if (!is_null) return malformed(simdjson::N_ATOM_ERROR);
      return {};
    }
  }
  return malformed(simdjson::TAPE_ERROR);
}

Walk decode(ondemand::value& value, json_type type, const StringRule& rule, std::size_t level,
            std::string& out, std::string& message) {
  if (type != json_type::string) {
    message = "must be a string";
    return consume(value, level);
  }
  std::string_view text;
  if (auto error = value.get_string().get(text)) return malformed(error);
  const std::size_t length = code_points(text);
  if (text.find('\0') != std::string_view::npos) {
    message = "must not contain NUL characters";
  } else if (length < rule.min_len) {
    message = rule.min_len == 1
                  ? "must not be empty"
                  : "must be at least " + std::to_string(rule.min_len) + " characters long";
  } else if (length > rule.max_len) {
    message = "must be at most " + std::to_string(rule.max_len) + " characters long";
  } else {
    out.assign(text);
  }
  return {};
}

Walk decode(ondemand::value& value, json_type type, const IntegerRule& rule, std::size_t level,
            std::int64_t& out, std::string& message) {
  if (type != json_type::number) {
    message = "must be an integer";
    return consume(value, level);
  }
  std::int64_t number = 0;
  if (value.get_int64().get(number) != simdjson::SUCCESS) {
    // Not an int64 (a fraction, an exponent, too large) or not a number at all: get_int64
    // does not consume on failure, so ask again as a double to tell the two apart.
    double ignored;
    if (auto error = value.get_double().get(ignored)) return malformed(error);
    message = "must be an integer";
  } else if (number < rule.min) {
    message = "must be at least " + std::to_string(rule.min);
  } else if (number > rule.max) {
    message = "must be at most " + std::to_string(rule.max);
  } else {
    out = number;
  }
  return {};
}

Walk decode(ondemand::value& value, json_type type, const BooleanRule& /*rule*/, std::size_t level,
            bool& out, std::string& message) {
  if (type != json_type::boolean) {
    message = "must be true or false";
    return consume(value, level);
  }
  if (auto error = value.get_bool().get(out)) return malformed(error);
  return {};
}

}  // namespace orgd::api::json_detail
