#pragma once
// Group streams and the global groups every organization has.

#include <string>
#include <string_view>

namespace orgd::domain {

inline constexpr std::string_view kCustomersGroupKind = "customers";
inline constexpr std::string_view kThingsGroupKind = "things";

[[nodiscard]] inline std::string group_stream(std::string_view group_id) {
  return "group-" + std::string(group_id);
}

}  // namespace orgd::domain
