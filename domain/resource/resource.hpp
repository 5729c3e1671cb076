#pragma once
// The resource aggregate's state, rebuilt from "resource-<id>" by apply(), and the closed sets
// its fields draw from (kinds, principal kinds, permissions).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/event.hpp"
#include "domain/event_meta.hpp"

namespace orgd::domain {

[[nodiscard]] std::string resource_stream(std::string_view resource_id);

inline constexpr std::string_view kAppBackendKind = "app-backend";
// Every kind, in the order the API documents them.
inline constexpr std::string_view kResourceKinds[] = {"app-backend", "module",  "plugin",
                                                      "dashboard",   "dataset", "thing"};
[[nodiscard]] bool is_resource_kind(std::string_view kind);

enum class PrincipalKind : std::uint8_t { customer, group, organization };
// Ordered: each permission includes the ones before it.
enum class Permission : std::uint8_t { read, write, admin };

[[nodiscard]] std::string_view to_string(PrincipalKind kind);
[[nodiscard]] std::string_view to_string(Permission permission);
[[nodiscard]] std::optional<PrincipalKind> principal_kind_from(std::string_view text);
[[nodiscard]] std::optional<Permission> permission_from(std::string_view text);

struct Grant {
  std::string id;
  PrincipalKind principal_kind{PrincipalKind::customer};
  std::string principal_id;
  Permission permission{Permission::read};
  bool operator==(const Grant&) const = default;
};

struct Resource {
  std::string id;
  std::string kind;
  std::string name;
  std::string description;
  std::string owner_id;
  std::string organization_id;
  std::string api_key_hash;
  SystemFlags active;
  std::vector<Grant> grants;  // in the order they were given
  bool deleted{false};
  // Audit fields, from the envelopes.
  std::uint64_t version{0};  // 0 = never created
  std::int64_t created_ms{0};
  std::int64_t updated_ms{0};
  std::string created_by;
  std::string updated_by;

  [[nodiscard]] bool exists() const { return version > 0 && !deleted; }
  [[nodiscard]] bool is_app_backend() const { return kind == kAppBackendKind; }
  [[nodiscard]] const Grant* find_grant(std::string_view grant_id) const;
  [[nodiscard]] const Grant* grant_for(PrincipalKind kind, std::string_view principal_id) const;
  bool operator==(const Resource&) const = default;
};

// Folds one event of the resource's stream into its state. Events of other aggregates leave it
// unchanged (only the version and audit fields move).
[[nodiscard]] Resource apply(Resource state, const Event& event, const EventMeta& meta);

}  // namespace orgd::domain
