#pragma once
// The customer aggregate's state (a user of the platform), rebuilt from its stream.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/caller.hpp"
#include "domain/event.hpp"
#include "domain/event_meta.hpp"

namespace orgd::domain {

inline constexpr std::string_view kCustomerEmailScope = "customer-email";
// The SuperAdmin orgd creates from its configuration at the first start, under a fixed id (as
// Default's) so that a later start finds it whatever email it has moved to since.
inline constexpr std::string_view kBootstrapSuperAdminId = "00000000-0000-7000-8000-000000000002";

[[nodiscard]] std::string customer_stream(std::string_view customer_id);
[[nodiscard]] std::string sessions_stream(std::string_view customer_id);

struct Customer {
  std::string id;
  std::string email;
  std::string first_name;
  std::string last_name;
  std::string description;
  std::string organization_id;
  OrganizationRole role{OrganizationRole::member};
  PlatformRole platform_role{PlatformRole::none};
  std::string password_hash;
  std::string locale;
  std::string country;
  std::string status{"active"};
  // Where it came to its organization: its registration's or latest move's position in the
  // log. Acceptances of contracts before it were made in an earlier stay (ContractAcceptances).
  std::uint64_t joined_position{0};
  bool deleted{false};
  std::uint64_t version{0};
  std::int64_t created_ms{0};
  std::int64_t updated_ms{0};
  std::string created_by;
  std::string updated_by;

  [[nodiscard]] bool exists() const { return version > 0 && !deleted; }
  // A SuperAdmin or auditor: answers to the platform alone (customer_access.hpp).
  [[nodiscard]] bool is_platform_account() const { return platform_role != PlatformRole::none; }
  [[nodiscard]] Caller as_caller() const {
    return {id, platform_role, organization_id, role};
  }
  bool operator==(const Customer&) const = default;
};

[[nodiscard]] Customer apply(Customer state, const Event& event, const EventMeta& meta);

[[nodiscard]] std::string_view to_string(OrganizationRole role);
[[nodiscard]] std::string_view to_string(PlatformRole role);  // "" for none
[[nodiscard]] std::optional<OrganizationRole> organization_role_from(std::string_view text);
[[nodiscard]] std::optional<PlatformRole> platform_role_from(std::string_view text);

}  // namespace orgd::domain
