#include "api/http/json_field_reader.hpp"

#include <algorithm>

#include "api/http/json_body.hpp"

namespace orgd::api::json_detail {

// Lets a nested object's reader hand its declarations to read_members().
struct Access {
  static const Fields& fields(const JsonObjectReader& reader) { return reader.fields_; }
};

namespace {

class IgnoredField final : public FieldReader {
 public:
  explicit IgnoredField(std::string_view name) : FieldReader(name, false) {}
  Walk read(ondemand::value& value, const std::string&, Context& context) override {
    return consume(value, context.level);
  }
};

// Whether `value` is a container of the `expected` kind, to be read; if not, reports why,
// consumes it and answers false.
std::expected<bool, std::string> is_readable_container(ondemand::value& value, json_type expected,
                                                       const std::string& path, Context& context) {
  json_type type;
  if (auto error = value.type().get(type)) return malformed(error);
  if (type == expected) {
    if (auto depth = check_level(context.level); !depth) return std::unexpected(depth.error());
    return true;
  }
  context.errors.push_back({path, type == json_type::null        ? "must not be null"
                                  : expected == json_type::array ? "must be an array"
                                                                 : "must be an object"});
  if (auto walk = consume(value, context.level); !walk) return std::unexpected(walk.error());
  return false;
}

class StringArrayField final : public FieldReader {
 public:
  StringArrayField(std::string_view name, StringArrayRule rule, std::vector<std::string>& target)
      : FieldReader(name, rule.required), rule_(rule), target_(target) {}

  Walk read(ondemand::value& value, const std::string& path, Context& context) override {
    const auto readable = is_readable_container(value, json_type::array, path, context);
    if (!readable) return std::unexpected(readable.error());
    if (!*readable) return {};
    ondemand::array array;
    if (auto error = value.get_array().get(array)) return malformed(error);
    std::vector<std::string> items;
    const std::size_t errors_before = context.errors.size();
    for (auto element : array) {
      ondemand::value item;
      if (auto error = std::move(element).get(item)) return malformed(error);
      if (auto walk = read_item(item, path, items, context); !walk) return walk;
    }
    if (items.size() > rule_.max_items) {
      context.errors.push_back(
          {path, "must have at most " + std::to_string(rule_.max_items) + " items"});
    }
    if (context.errors.size() == errors_before) target_ = std::move(items);
    return {};
  }

 private:
  Walk read_item(ondemand::value& item, const std::string& path, std::vector<std::string>& items,
                 Context& context) {
    const std::string item_path = path + "[" + std::to_string(items.size()) + "]";
    json_type type;
    if (auto error = item.type().get(type)) return malformed(error);
    std::string text;
    std::string message;
    if (type == json_type::null) {
      message = "must not be null";
      if (auto walk = consume(item, context.level + 1); !walk) return walk;
    } else if (auto walk = decode(item, type, rule_.item, context.level + 1, text, message);
               !walk) {
      return walk;
    }
    if (!message.empty()) context.errors.push_back({item_path, std::move(message)});
    items.push_back(std::move(text));
    return {};
  }

  StringArrayRule rule_;
  std::vector<std::string>& target_;
};

class ObjectField final : public FieldReader {
 public:
  ObjectField(std::string_view name, std::function<void(JsonObjectReader&)> declare,
              ObjectRule rule)
      : FieldReader(name, rule.required), declare_(std::move(declare)) {}

  Walk read(ondemand::value& value, const std::string& path, Context& context) override {
    const auto readable = is_readable_container(value, json_type::object, path, context);
    if (!readable) return std::unexpected(readable.error());
    if (!*readable) return {};
    JsonObjectReader nested;
    declare_(nested);
    ondemand::object object;
    if (auto error = value.get_object().get(object)) return malformed(error);
    return read_members(object, Access::fields(nested), path + ".", context.level, context.errors);
  }

 private:
  std::function<void(JsonObjectReader&)> declare_;
};

}  // namespace

std::unique_ptr<FieldReader> make_ignored_field(std::string_view name) {
  return std::make_unique<IgnoredField>(name);
}

std::unique_ptr<FieldReader> make_string_array_field(std::string_view name, StringArrayRule rule,
                                                     std::vector<std::string>& target) {
  return std::make_unique<StringArrayField>(name, rule, target);
}

std::unique_ptr<FieldReader> make_object_field(std::string_view name,
                                               std::function<void(JsonObjectReader&)> declare,
                                               ObjectRule rule) {
  return std::make_unique<ObjectField>(name, std::move(declare), rule);
}

Walk read_members(ondemand::object& object, const Fields& fields, std::string_view prefix,
                  std::size_t level, std::vector<FieldError>& errors) {
  std::vector<bool> seen(fields.size(), false);
  std::vector<std::string> unknown;
  Context context{errors, level + 1};
  for (auto member : object) {
    ondemand::field field;
    std::string_view key;
    if (auto error = std::move(member).get(field)) return malformed(error);
    if (auto error = field.unescaped_key().get(key)) return malformed(error);
    std::string path = std::string(prefix) + std::string(key);
    const auto it = std::ranges::find_if(fields, [key](const auto& f) { return f->name() == key; });
    if (it == fields.end()) {
      // Capped like the report itself: a body of 100k distinct unknown keys must not make this
      // search quadratic on an I/O thread.
      if (errors.size() < kMaxFieldErrors && std::ranges::find(unknown, key) == unknown.end()) {
        errors.push_back({path, "is not a known field"});
        unknown.emplace_back(key);
      }
      if (auto walk = consume(field.value(), context.level); !walk) return walk;
      continue;
    }
    const auto index = static_cast<std::size_t>(it - fields.begin());
    if (seen[index]) {
      if (errors.size() < kMaxFieldErrors) errors.push_back({path, "appears more than once"});
      if (auto walk = consume(field.value(), context.level); !walk) return walk;
      continue;
    }
    seen[index] = true;
    if (auto walk = (*it)->read(field.value(), path, context); !walk) return walk;
  }
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (!seen[i] && fields[i]->required()) {
      errors.push_back({std::string(prefix) + fields[i]->name(), "is required"});
    }
  }
  return {};
}

}  // namespace orgd::api::json_detail
