#pragma once
// What a command can be refused for. The api layer maps each code to an HTTP status; the
// domain only says what went wrong and where.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orgd::domain {

struct FieldProblem {
  std::string field;    // request field name as clients spell it, e.g. "parentId"
  std::string message;
  bool operator==(const FieldProblem&) const = default;
};

enum class DomainErrorCode : std::uint8_t {
  invalid,            // field-level validation failed; see `fields`
  not_found,          // the target does not exist (or was deleted)
  forbidden,          // the caller may not do this
  version_conflict,   // the caller's updateVersion is stale
  already_exists,     // a unique value (name, email) is taken
  rule_violated,      // a business rule refuses the change (cycle, depth, has children...)
  unauthenticated,    // bad credentials
};

struct DomainError {
  DomainErrorCode code{DomainErrorCode::invalid};
  std::string message;
  std::vector<FieldProblem> fields;
  std::string rule;  // short machine name for rule_violated/already_exists, e.g. "hierarchy-cycle"

  bool operator==(const DomainError&) const = default;
};

[[nodiscard]] inline DomainError invalid(std::vector<FieldProblem> fields) {
  return {DomainErrorCode::invalid, "the request has invalid fields", std::move(fields), {}};
}
[[nodiscard]] inline DomainError refused(DomainErrorCode code, std::string rule,
                                         std::string message) {
  return {code, std::move(message), {}, std::move(rule)};
}

// An If-Match precondition (`expected`, 0: none sent) on an aggregate (`what`: "group", ...) now
// at `current`: nullopt when it holds. Callers check it after visibility, so a stale
// precondition tells nothing about what one cannot see.
[[nodiscard]] inline std::optional<DomainError> stale_if_match(std::uint64_t expected,
                                                               std::uint64_t current,
                                                               std::string_view what) {
  if (expected == 0 || expected == current) return std::nullopt;
  return refused(DomainErrorCode::version_conflict, "version-conflict",
                 "If-Match names version " + std::to_string(expected) + "; the " +
                     std::string(what) + " is at version " + std::to_string(current));
}

}  // namespace orgd::domain
