#pragma once
// Commands on customers and their sessions. Secrets arrive already hashed: hashing needs
// randomness (salts) and belongs outside the pure domain.

#include <cstdint>
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
};

struct EndSession {
  std::string customer_id;
  std::string session_id;
  std::string token_hash;
};

}  // namespace orgd::domain
