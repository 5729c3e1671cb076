#pragma once
// A resource as the read model stores it, with its grants, and the small rows the resources
// read model keeps about groups (who is in which customers group). Never holds the apiKey or
// its hash: no read needs them.

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace orgd::projections {

struct GrantRow {
  std::string id;
  std::string principal_kind;  // "customer" | "group" | "organization"
  std::string principal_id;
  std::string permission;  // "read" | "write" | "admin"
  std::int64_t granted_ms{0};
  std::string granted_by;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(id, principal_kind, principal_id, permission, granted_ms, granted_by);
  }
  bool operator==(const GrantRow&) const = default;
};

struct ResourceRow {
  std::string id;
  std::string kind;
  std::string name;
  std::string description;
  std::string owner_id;
  std::string organization_id;
  bool active_dev{false};
  bool active_staging{false};
  bool active_live{false};
  std::vector<GrantRow> grants;  // in the order they were given
  std::int64_t created_ms{0};
  std::int64_t updated_ms{0};
  std::string created_by;
  std::string updated_by;
  std::uint64_t version{0};
  std::uint64_t created_position{0};  // orders every listing index

  template <class Archive>
  void serialize(Archive& ar) {
    ar(id, kind, name, description, owner_id, organization_id, active_dev, active_staging,
       active_live, grants, created_ms, updated_ms, created_by, updated_by, version,
       created_position);
  }
  bool operator==(const ResourceRow&) const = default;
};

// What the resources read model needs to know about a group.
struct GroupFactsRow {
  std::string organization_id;
  std::string kind;  // "customers" | "things"
  bool global{false};

  template <class Archive>
  void serialize(Archive& ar) {
    ar(organization_id, kind, global);
  }
  bool operator==(const GroupFactsRow&) const = default;
};

}  // namespace orgd::projections
