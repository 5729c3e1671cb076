#pragma once
// Commands on customers and their sessions. Secrets arrive already hashed: hashing needs
// randomness (salts) and belongs outside the pure domain.

#include <cstdint>
#include <optional>
#include <string>

namespace orgd::domain {

struct RegisterCustomer {
  std::string id;
  std::string email;
  std::string first_name;
  std::string last_name;
  std::string description;
  std::string organization_id;
  std::string role{"member"};
  std::string platform_role;  // "" | "superadmin" | "auditor"
  std::string password_hash;
  std::string locale;
  std::string country;
};

struct StartSession {
  std::string customer_id;
  std::string session_id;
  std::string token_hash;
  std::int64_t expires_at_ms{0};
  bool password_verified{false};  // the caller checked the password against the stored hash
  // That stored hash. A password changed since (or the customer deleted) refuses the login:
  // a check that took argon2's time must not outlive the password it checked.
  std::string verified_hash;
};

struct EndSession {
  std::string customer_id;
  std::string session_id;
  std::string token_hash;
};

}  // namespace orgd::domain

namespace orgd::domain {

// Each field: nullopt = keep; an empty string clears an optional field.
struct CustomerPatch {
  std::optional<std::string> email;
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  std::optional<std::string> description;
  std::optional<std::string> locale;
  std::optional<std::string> country;
};

struct UpdateCustomerProfile {
  std::string id;
  std::uint64_t expected_version{0};
  CustomerPatch patch;
};

struct ChangePassword {
  std::string id;
  std::uint64_t expected_version{0};
  std::string password_hash;  // of the new password
  // The caller proved the current password (required unless a SuperAdmin resets it) against
  // this stored hash; a password changed since is no longer the current one.
  bool current_password_verified{false};
  std::string verified_hash;
  bool current_password_sent{false};
};

struct DeleteCustomer {
  std::string id;
  std::uint64_t expected_version{0};  // 0 = the caller sent none (delete needs none)
};

// Adds a customer who is in Default to an organization.
struct MoveCustomer {
  std::string customer_id;
  std::string organization_id;
};

// Sends a customer back to Default.
struct RemoveMember {
  std::string organization_id;
  std::string customer_id;
};

struct ChangeMemberRole {
  std::string organization_id;
  std::string customer_id;
  std::string role;
};

}  // namespace orgd::domain
