#pragma once
// One organization as the read model stores and the API shows it.

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace orgd::projections {

struct OrganizationRow {
  std::string id;
  std::string name;
  std::string description;
  std::string parent_id;
  std::string status;
  std::string locale;
  std::string country;
  std::string thumbnail_url;
  std::string billing_plan;
  std::uint64_t member_count{0};
  std::uint64_t child_count{0};
  std::int64_t created_ms{0};
  std::int64_t updated_ms{0};
  std::string created_by;
  std::string updated_by;
  std::uint64_t version{0};
  std::uint64_t created_position{0};   // orders the createdTime index (time never decreases)
  std::vector<std::string> ancestors;  // parent first, top-level last

  template <class Archive>
  void serialize(Archive& ar) {
    ar(id, name, description, parent_id, status, locale, country, thumbnail_url, billing_plan,
       member_count, child_count, created_ms, updated_ms, created_by, updated_by, version,
       created_position, ancestors);
  }
  bool operator==(const OrganizationRow&) const = default;
};

[[nodiscard]] std::string encode_row(const OrganizationRow& row);
[[nodiscard]] std::expected<OrganizationRow, std::string> decode_organization_row(
    std::string_view bytes);

}  // namespace orgd::projections
