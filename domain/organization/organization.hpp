#pragma once
// The organization aggregate's state, rebuilt from its stream by apply().

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/event.hpp"
#include "domain/event_meta.hpp"

namespace orgd::domain {

// The Default organization exists from the first start under this fixed id, so every
// installation and every test can name it.
inline constexpr std::string_view kDefaultOrganizationId = "00000000-0000-7000-8000-000000000001";
inline constexpr std::string_view kDefaultOrganizationName = "Default";
inline constexpr std::size_t kMaxHierarchyDepth = 16;  // a top-level organization has depth 1
inline constexpr std::string_view kOrganizationNameScope = "organization-name";

[[nodiscard]] std::string organization_stream(std::string_view organization_id);

struct Organization {
  std::string id;
  std::string name;
  std::string description;
  std::string parent_id;
  std::string status{"active"};
  std::string locale;
  std::string country;
  std::string thumbnail_url;
  std::string billing_plan;
  std::uint64_t child_count{0};
  bool deleted{false};
  // Audit fields, from the envelopes.
  std::uint64_t version{0};  // 0 = never created
  std::int64_t created_ms{0};
  std::int64_t updated_ms{0};
  std::string created_by;
  std::string updated_by;

  [[nodiscard]] bool exists() const { return version > 0 && !deleted; }
  [[nodiscard]] bool is_default() const { return id == kDefaultOrganizationId; }
  bool operator==(const Organization&) const = default;
};

// Folds one event of the organization's stream into its state. Events of other aggregates
// leave it unchanged (only the version and audit fields move).
[[nodiscard]] Organization apply(Organization state, const Event& event, const EventMeta& meta);

}  // namespace orgd::domain
