#pragma once
// Checks HTTP answers against orgd's OpenAPI document: finds the operation a request hit
// and validates the JSON body against the schema documented for its status.
//
// The schema check covers the subset of JSON Schema 2020-12 the document uses: $ref (local),
// type (a name or a list), enum, const, properties, required, additionalProperties, items,
// oneOf, anyOf, allOf, minimum, maximum, minLength, maxLength, pattern, and the formats uuid
// and date-time. Anything else in a schema is a failure of the checker, reported as such, so
// the document cannot silently outgrow it.
//
// Thread-safety: const members may be called from any thread.

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orgd::e2e {

class OpenApiDocument {
 public:
  // Throws std::runtime_error when `json` is not a JSON object with `paths`.
  explicit OpenApiDocument(std::string_view json);

  // Every documented (METHOD, path template), METHOD upper case.
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> operations() const;

  // The documented path template `path` (raw, without the query) falls under, preferring
  // literal segments over parameters as orgd's router does; nullopt when none.
  [[nodiscard]] std::optional<std::string> match_path(std::string_view path) const;

  // What is wrong with an answer, as messages (empty: it conforms). `target` may carry a
  // query string. Statuses any request can get from the server itself (405, 431, 500) only
  // need to be problem documents; anything else must be documented for the operation.
  [[nodiscard]] std::vector<std::string> check_response(std::string_view method,
                                                        std::string_view target, int status,
                                                        std::string_view content_type,
                                                        std::string_view body) const;

  // Validates `instance` against `schema` (which may be a {"$ref": ...}); messages name the
  // JSON path of each failure.
  [[nodiscard]] std::vector<std::string> validate(const boost::json::value& schema,
                                                  const boost::json::value& instance) const;

  [[nodiscard]] const boost::json::value& root() const { return root_; }

 private:
  [[nodiscard]] const boost::json::value& resolve(const boost::json::value& node) const;
  void validate_at(const boost::json::value& schema, const boost::json::value& instance,
                   const std::string& where, std::vector<std::string>& problems) const;
  [[nodiscard]] std::vector<std::string> check_problem(std::string_view content_type,
                                                       std::string_view body) const;

  boost::json::value root_;
};

}  // namespace orgd::e2e
