#pragma once
// A customer as the read model keeps it (including the password hash, which login needs and
// which no API representation ever includes).

#include <cereal/types/string.hpp>
#include <cstdint>
#include <string>

namespace orgd::projections {

struct CustomerRow {
  std::string id;
  std::string email;
  std::string first_name;
  std::string last_name;
  std::string description;
  std::string organization_id;
  std::string role;
  std::string platform_role;
  std::string password_hash;
  std::string locale;
  std::string country;
  std::string status;
  std::int64_t created_ms{0};
  std::int64_t updated_ms{0};
  std::string created_by;
  std::string updated_by;
  std::uint64_t version{0};
  std::uint64_t created_position{0};  // orders the createdTime member index

  template <class Archive>
  void serialize(Archive& ar) {
    ar(id, email, first_name, last_name, description, organization_id, role, platform_role,
       password_hash, locale, country, status, created_ms, updated_ms, created_by, updated_by,
       version, created_position);
  }
  bool operator==(const CustomerRow&) const = default;
};

struct SessionRow {
  std::string customer_id;
  std::string session_id;
  std::int64_t expires_at_ms{0};

  template <class Archive>
  void serialize(Archive& ar) {
    ar(customer_id, session_id, expires_at_ms);
  }
  bool operator==(const SessionRow&) const = default;
};

}  // namespace orgd::projections
