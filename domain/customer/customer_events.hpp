#pragma once
// Customer and session events. See organization_events.hpp for the layout rules.
// Secrets (password hash, token hash) are stored so replay can rebuild everything; every
// renderer of history or exports redacts them.

#include <cereal/cereal.hpp>
#include <cereal/types/string.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace orgd::domain {

struct CustomerRegistered {
  static constexpr std::string_view kType = "CustomerRegistered";
  std::string id;
  std::string email;  // as entered; uniqueness is on its lower-cased form
  std::string first_name;
  std::string last_name;
  std::string description;
  std::string organization_id;
  std::string role;           // "owner" | "admin" | "member"
  std::string platform_role;  // "" | "superadmin" | "auditor"
  std::string password_hash;  // argon2id string (libsodium crypto_pwhash_str)
  std::string locale;
  std::string country;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(id, email, first_name, last_name, description, organization_id, role, platform_role,
       password_hash, locale, country);
  }
  bool operator==(const CustomerRegistered&) const = default;
};

// A customer changes organization (MoveCustomer, removal to Default, its organization deleted).
struct CustomerMoved {
  static constexpr std::string_view kType = "CustomerMoved";
  std::string organization_id;
  std::string role;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(organization_id, role);
  }
  bool operator==(const CustomerMoved&) const = default;
};

struct CustomerRoleChanged {
  static constexpr std::string_view kType = "CustomerRoleChanged";
  std::string role;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(role);
  }
  bool operator==(const CustomerRoleChanged&) const = default;
};

// Carries every profile field's new value.
struct CustomerProfileUpdated {
  static constexpr std::string_view kType = "CustomerProfileUpdated";
  std::string email;
  std::string first_name;
  std::string last_name;
  std::string description;
  std::string locale;
  std::string country;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(email, first_name, last_name, description, locale, country);
  }
  bool operator==(const CustomerProfileUpdated&) const = default;
};

// Also ends every session of the customer (the sessions read model drops them).
struct CustomerPasswordChanged {
  static constexpr std::string_view kType = "CustomerPasswordChanged";
  std::string password_hash;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(password_hash);
  }
  bool operator==(const CustomerPasswordChanged&) const = default;
};

struct CustomerDeleted {
  static constexpr std::string_view kType = "CustomerDeleted";
  std::string email;  // the address freed by the deletion

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(email);
  }
  bool operator==(const CustomerDeleted&) const = default;
};

// On the stream "sessions-<customerId>", so logging in does not move the customer's version.
struct SessionStarted {
  static constexpr std::string_view kType = "SessionStarted";
  std::string session_id;
  std::string token_hash;  // hex BLAKE2b-256 of the token's secret part
  std::int64_t expires_at_ms{0};

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(session_id, token_hash, expires_at_ms);
  }
  bool operator==(const SessionStarted&) const = default;
};

struct SessionEnded {
  static constexpr std::string_view kType = "SessionEnded";
  std::string session_id;
  std::string token_hash;
  std::string reason;  // "logout" | "revoked"

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(session_id, token_hash, reason);
  }
  bool operator==(const SessionEnded&) const = default;
};

}  // namespace orgd::domain

CEREAL_CLASS_VERSION(orgd::domain::CustomerRegistered, 1);
CEREAL_CLASS_VERSION(orgd::domain::CustomerMoved, 1);
CEREAL_CLASS_VERSION(orgd::domain::CustomerRoleChanged, 1);
CEREAL_CLASS_VERSION(orgd::domain::CustomerProfileUpdated, 1);
CEREAL_CLASS_VERSION(orgd::domain::CustomerPasswordChanged, 1);
CEREAL_CLASS_VERSION(orgd::domain::CustomerDeleted, 1);
CEREAL_CLASS_VERSION(orgd::domain::SessionStarted, 1);
CEREAL_CLASS_VERSION(orgd::domain::SessionEnded, 1);
