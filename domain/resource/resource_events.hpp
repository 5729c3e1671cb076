#pragma once
// Resource events (stream "resource-<id>"): a securable an organization owns -- app-backend,
// module, plugin, dashboard, dataset or thing -- its owner, and the grants that share it.
// Once released, a layout never changes: a new layout gets a new CEREAL_CLASS_VERSION and
// serialize() keeps reading the old one. Golden-bytes tests pin each.

#include <cereal/cereal.hpp>
#include <cereal/types/string.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace orgd::domain {

// An app-backend's `active` flag per system; all false for the other kinds.
struct SystemFlags {
  bool dev{false};
  bool staging{false};
  bool live{false};

  template <class Archive>
  void serialize(Archive& ar) {
    ar(dev, staging, live);
  }
  bool operator==(const SystemFlags&) const = default;
};

struct ResourceCreated {
  static constexpr std::string_view kType = "ResourceCreated";
  std::string id;
  std::string kind;  // "app-backend" | "module" | "plugin" | "dashboard" | "dataset" | "thing"
  std::string name;
  std::string description;
  std::string owner_id;         // the creating customer
  std::string organization_id;  // the owner's organization at creation
  std::string api_key_hash;     // app-backends: BLAKE2b-256 hex of the key; else empty
  SystemFlags active;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(id, kind, name, description, owner_id, organization_id, api_key_hash, active);
  }
  bool operator==(const ResourceCreated&) const = default;
};

// Carries every updatable field's new value, so apply() needs no merging logic.
struct ResourceUpdated {
  static constexpr std::string_view kType = "ResourceUpdated";
  std::string name;
  std::string description;
  SystemFlags active;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(name, description, active);
  }
  bool operator==(const ResourceUpdated&) const = default;
};

// A new apiKey for an app-backend; the old one stops being valid.
struct ResourceApiKeyRotated {
  static constexpr std::string_view kType = "ResourceApiKeyRotated";
  std::string api_key_hash;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(api_key_hash);
  }
  bool operator==(const ResourceApiKeyRotated&) const = default;
};

struct ResourceDeleted {
  static constexpr std::string_view kType = "ResourceDeleted";
  std::string name;  // for auditors

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(name);
  }
  bool operator==(const ResourceDeleted&) const = default;
};

// The resource moves to the new owner's organization with it (the same one unless a
// SuperAdmin transferred it across organizations).
struct ResourceOwnershipTransferred {
  static constexpr std::string_view kType = "ResourceOwnershipTransferred";
  std::string previous_owner_id;
  std::string owner_id;
  std::string organization_id;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(previous_owner_id, owner_id, organization_id);
  }
  bool operator==(const ResourceOwnershipTransferred&) const = default;
};

struct ResourceAccessGranted {
  static constexpr std::string_view kType = "ResourceAccessGranted";
  std::string grant_id;
  std::string principal_kind;  // "customer" | "group" | "organization"
  std::string principal_id;
  std::string permission;  // "read" | "write" | "admin"

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(grant_id, principal_kind, principal_id, permission);
  }
  bool operator==(const ResourceAccessGranted&) const = default;
};

struct ResourceAccessRevoked {
  static constexpr std::string_view kType = "ResourceAccessRevoked";
  std::string grant_id;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(grant_id);
  }
  bool operator==(const ResourceAccessRevoked&) const = default;
};

}  // namespace orgd::domain

CEREAL_CLASS_VERSION(orgd::domain::ResourceCreated, 1);
CEREAL_CLASS_VERSION(orgd::domain::ResourceUpdated, 1);
CEREAL_CLASS_VERSION(orgd::domain::ResourceApiKeyRotated, 1);
CEREAL_CLASS_VERSION(orgd::domain::ResourceDeleted, 1);
CEREAL_CLASS_VERSION(orgd::domain::ResourceOwnershipTransferred, 1);
CEREAL_CLASS_VERSION(orgd::domain::ResourceAccessGranted, 1);
CEREAL_CLASS_VERSION(orgd::domain::ResourceAccessRevoked, 1);
