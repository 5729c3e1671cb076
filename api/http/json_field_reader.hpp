#pragma once
// How one declared member of a JSON object is read. Internal to api/http (json_body).
//
// Thread-safety: a reader belongs to one JsonObjectReader, used by one thread.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/json_values.hpp"

namespace orgd::api::json_detail {

// Where member problems go, and the nesting level of the member values being read.
struct Context {
  std::vector<FieldError>& errors;
  std::size_t level;
};

// Writes a decoded value into the caller's output, whichever of the three shapes it has.
template <class T>
void store(T& target, T value) {
  target = std::move(value);
}
template <class T>
void store(std::optional<T>& target, T value) {
  target = std::move(value);
}
template <class T>
void store(Nullable<T>& target, T value) {
  target.state = Nullable<T>::State::present;
  target.value = std::move(value);
}

// Only Nullable outputs can record an explicit null.
template <class Target>
inline constexpr bool kAcceptsNull = false;
template <class T>
inline constexpr bool kAcceptsNull<Nullable<T>> = true;

class FieldReader {
 public:
  FieldReader(std::string_view name, bool required) : name_(name), required_(required) {}
  virtual ~FieldReader() = default;
  FieldReader(const FieldReader&) = delete;
  FieldReader& operator=(const FieldReader&) = delete;

  // Reads the member's `value`; `path` names it in errors.
  [[nodiscard]] virtual Walk read(ondemand::value& value, const std::string& path,
                                  Context& context) = 0;

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] bool required() const { return required_; }

 private:
  std::string name_;
  bool required_;
};

// Reads a null or one value of type T into a T, std::optional<T> or Nullable<T>.
template <class T, class Rule, class Target>
class ScalarField final : public FieldReader {
 public:
  ScalarField(std::string_view name, Rule rule, Target& target)
      : FieldReader(name, rule.required), rule_(rule), target_(target) {}

  Walk read(ondemand::value& value, const std::string& path, Context& context) override {
    json_type type;
    if (auto error = value.type().get(type)) return malformed(error);
    if (type == json_type::null) {
      if (auto walk = consume(value, context.level); !walk) return walk;
      if constexpr (kAcceptsNull<Target>) {
        target_.state = Target::State::null;
      } else {
        context.errors.push_back({path, "must not be null"});
      }
      return {};
    }
    T decoded{};
    std::string message;
    if (auto walk = decode(value, type, rule_, context.level, decoded, message); !walk) {
      return walk;
    }
    if (!message.empty()) {
      context.errors.push_back({path, std::move(message)});
    } else {
      store(target_, std::move(decoded));
    }
    return {};
  }

 private:
  Rule rule_;
  Target& target_;
};

using Fields = std::vector<std::unique_ptr<FieldReader>>;

template <class T, class Rule, class Target>
[[nodiscard]] std::unique_ptr<FieldReader> make_scalar_field(std::string_view name, Rule rule,
                                                             Target& target) {
  return std::make_unique<ScalarField<T, Rule, Target>>(name, rule, target);
}
[[nodiscard]] std::unique_ptr<FieldReader> make_ignored_field(std::string_view name);
[[nodiscard]] std::unique_ptr<FieldReader> make_string_array_field(
    std::string_view name, StringArrayRule rule, std::vector<std::string>& target);
[[nodiscard]] std::unique_ptr<FieldReader> make_object_field(
    std::string_view name, std::function<void(JsonObjectReader&)> declare, ObjectRule rule);

// Reads every member of `object` (at nesting `level`) into its declared field, reporting
// unknown, repeated and missing required members into `errors`, each named `prefix` + key.
[[nodiscard]] Walk read_members(ondemand::object& object, const Fields& fields,
                                std::string_view prefix, std::size_t level,
                                std::vector<FieldError>& errors);

}  // namespace orgd::api::json_detail
