#pragma once
// Who is issuing a command or query, as authentication established it.

#include <cstdint>
#include <string>

namespace orgd::domain {

enum class PlatformRole : std::uint8_t { none, superadmin, auditor };
enum class OrganizationRole : std::uint8_t { member, admin, owner };

struct Caller {
  std::string customer_id;       // "system" for the server's own bootstrap commands
  PlatformRole platform_role{PlatformRole::none};
  std::string organization_id;   // the one organization the customer belongs to
  OrganizationRole role{OrganizationRole::member};
  // The version of the customer's stream these were read at (0: not read from one, as for the
  // system's commands). A command decided on them guards that stream at it (command_runner).
  std::uint64_t version{0};

  [[nodiscard]] bool is_superadmin() const { return platform_role == PlatformRole::superadmin; }
  [[nodiscard]] bool manages_own_organization() const {
    return role == OrganizationRole::owner || role == OrganizationRole::admin;
  }
};

[[nodiscard]] inline Caller system_caller() {
  return {"system", PlatformRole::superadmin, {}, OrganizationRole::owner};
}

}  // namespace orgd::domain
