#pragma once
// Reading JSON request bodies: the one place where client JSON becomes C++ values.
//
// A handler declares the members it accepts, then finish() parses the body once, strictly:
//
//   std::string name;
//   Nullable<std::string> parent_id;
//   std::int64_t version = 0;
//   JsonObjectReader reader;
//   reader.string("name", name, {.required = true, .min_len = 1, .max_len = 100})
//       .optional_string("parentId", parent_id)
//       .integer("updateVersion", version, {.required = true, .min = 1})
//       .ignore("memberCount");
//   if (auto read = reader.finish(request); !read) {
//     return respond(json_body_problem(request, read.error()));
//   }
//
// finish() rejects, as JsonBodyError:
//   unsupported_media_type  Content-Type is not application/json (charset=utf-8 allowed) → 415
//   malformed               invalid UTF-8, invalid JSON, an empty body, a top-level value that
//                           is not an object, nesting deeper than kMaxJsonDepth → 400
//   invalid_fields          well-formed, but `errors` lists each member that is unknown,
//                           repeated, of the wrong type, null where not allowed, out of its
//                           rule's bounds, or required and absent → 400
//
// Outputs are written only for members that are present and valid; otherwise they keep what
// the caller put there (a default). Lengths count Unicode code points, not bytes. Strings
// containing U+0000 are rejected.
//
// Thread-safety: a reader is used by one thread. finish() uses a per-thread simdjson parser,
// so it must not be called from inside an object() declaration callback.

#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/http_types.hpp"
#include "api/http/problem.hpp"

namespace orgd::api {

// The deepest nesting accepted; the top-level object is level 1.
inline constexpr std::size_t kMaxJsonDepth = 64;
// At most this many field errors are reported; the rest are dropped.
inline constexpr std::size_t kMaxFieldErrors = 50;
inline constexpr std::size_t kUnlimited = std::numeric_limits<std::size_t>::max();

// True for "application/json", optionally followed by "; charset=utf-8" (case-insensitive).
[[nodiscard]] bool is_json_content_type(std::string_view content_type);

struct JsonBodyError {
  enum class Kind : std::uint8_t { unsupported_media_type, malformed, invalid_fields };
  Kind kind{Kind::malformed};
  std::string detail;
  std::vector<FieldError> errors;  // only for invalid_fields
};

// 415 `unsupported-media-type`, 400 `malformed-json` or 400 `validation-failed` (with errors).
[[nodiscard]] HttpResponse json_body_problem(const HttpRequest& request,
                                             const JsonBodyError& error);

// A member that may be absent, explicitly null, or present: what PATCH-like updates need
// ("parentId": null moves to the top level, no "parentId" leaves it alone).
template <class T>
struct Nullable {
  enum class State : std::uint8_t { absent, null, present };
  State state{State::absent};
  T value{};  // meaningful only when present()

  [[nodiscard]] bool absent() const { return state == State::absent; }
  [[nodiscard]] bool is_null() const { return state == State::null; }
  [[nodiscard]] bool present() const { return state == State::present; }
};

struct StringRule {
  bool required{false};             // absent → "is required"
  std::size_t min_len{0};           // in code points
  std::size_t max_len{kUnlimited};  // in code points
};

struct IntegerRule {
  bool required{false};
  std::int64_t min{std::numeric_limits<std::int64_t>::min()};
  std::int64_t max{std::numeric_limits<std::int64_t>::max()};
};

struct BooleanRule {
  bool required{false};
};

struct StringArrayRule {
  bool required{false};
  std::size_t max_items{kUnlimited};
  StringRule item{};  // item.required is meaningless and ignored
};

struct ObjectRule {
  bool required{false};
};

namespace json_detail {
class FieldReader;
struct Access;
}  // namespace json_detail

class JsonObjectReader {
 public:
  JsonObjectReader();
  ~JsonObjectReader();
  JsonObjectReader(JsonObjectReader&&) noexcept;
  JsonObjectReader& operator=(JsonObjectReader&&) noexcept;

  // Declarations. Each accepts one member name; declaring a name twice throws
  // std::invalid_argument (a programmer error). The referenced outputs must outlive finish().

  // A string; null is an error ("must not be null").
  JsonObjectReader& string(std::string_view name, std::string& out, StringRule rule = {});
  // A string that may be absent (out stays nullopt); null is an error.
  JsonObjectReader& string(std::string_view name, std::optional<std::string>& out,
                           StringRule rule = {});
  // A string that may be absent or null. `rule.required` means "present, possibly null".
  JsonObjectReader& optional_string(std::string_view name, Nullable<std::string>& out,
                                    StringRule rule = {});

  // An integer in int64 range (fractions and exponents are "must be an integer").
  JsonObjectReader& integer(std::string_view name, std::int64_t& out, IntegerRule rule = {});
  JsonObjectReader& integer(std::string_view name, std::optional<std::int64_t>& out,
                            IntegerRule rule = {});
  JsonObjectReader& optional_integer(std::string_view name, Nullable<std::int64_t>& out,
                                     IntegerRule rule = {});

  JsonObjectReader& boolean(std::string_view name, bool& out, BooleanRule rule = {});
  JsonObjectReader& boolean(std::string_view name, std::optional<bool>& out, BooleanRule rule = {});
  JsonObjectReader& optional_boolean(std::string_view name, Nullable<bool>& out,
                                     BooleanRule rule = {});

  // An array of strings; item errors name the item ("ids[2]"). `out` is replaced only when
  // every item is valid.
  JsonObjectReader& string_array(std::string_view name, std::vector<std::string>& out,
                                 StringArrayRule rule = {});

  // A nested object. When the member is present, `declare` is called with a fresh reader to
  // declare the nested members; their errors are prefixed ("attributes.dev").
  JsonObjectReader& object(std::string_view name, std::function<void(JsonObjectReader&)> declare,
                           ObjectRule rule = {});

  // A member that is allowed and skipped (still checked to be well-formed), e.g. read-only
  // fields a client echoes back such as "memberCount".
  JsonObjectReader& ignore(std::string_view name);

  // Parses `body` and fills the declared outputs. Call once.
  [[nodiscard]] std::expected<void, JsonBodyError> finish(std::string_view body);
  // Checks request.content_type first, then parses request.body.
  [[nodiscard]] std::expected<void, JsonBodyError> finish(const HttpRequest& request);
  // For a body that may be left out (an action whose members are all optional, or that has
  // none): an empty body (or JSON whitespace alone) is an object without members; any other is
  // read as finish() reads it, so a body that is not JSON, or names a member not declared, is
  // refused, never ignored.
  [[nodiscard]] std::expected<void, JsonBodyError> finish_optional(const HttpRequest& request);

 private:
  friend struct json_detail::Access;
  JsonObjectReader& declare(std::unique_ptr<json_detail::FieldReader> field);

  std::vector<std::unique_ptr<json_detail::FieldReader>> fields_;
};

}  // namespace orgd::api
