#pragma once
// Organization events. Once released, a layout never changes: a new layout gets a new
// CEREAL_CLASS_VERSION and serialize() keeps reading the old one. Golden-bytes tests pin each.
// Empty strings stand for "not set" (null in JSON).

#include <cereal/cereal.hpp>
#include <cereal/types/string.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace orgd::domain {

struct OrganizationCreated {
  static constexpr std::string_view kType = "OrganizationCreated";
  std::string id;
  std::string name;
  std::string description;
  std::string parent_id;
  std::string status;  // "active" | "inactive"
  std::string locale;
  std::string country;
  std::string thumbnail_url;
  std::string billing_plan;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(id, name, description, parent_id, status, locale, country, thumbnail_url, billing_plan);
  }
  bool operator==(const OrganizationCreated&) const = default;
};

// Carries every updatable field's new value, so apply() needs no merging logic.
struct OrganizationUpdated {
  static constexpr std::string_view kType = "OrganizationUpdated";
  std::string name;
  std::string description;
  std::string parent_id;
  std::string status;
  std::string locale;
  std::string country;
  std::string thumbnail_url;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(name, description, parent_id, status, locale, country, thumbnail_url);
  }
  bool operator==(const OrganizationUpdated&) const = default;
};

struct OrganizationDeleted {
  static constexpr std::string_view kType = "OrganizationDeleted";
  std::string name;  // the name freed by the deletion, for auditors

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(name);
  }
  bool operator==(const OrganizationDeleted&) const = default;
};

// Recorded on the parent's stream, so a parent's version moves when its children change:
// "has no children" (delete) and the child count are then checked with ordinary optimistic
// concurrency instead of a read model that might lag.
struct ChildOrganizationAdded {
  static constexpr std::string_view kType = "ChildOrganizationAdded";
  std::string child_id;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(child_id);
  }
  bool operator==(const ChildOrganizationAdded&) const = default;
};

struct ChildOrganizationRemoved {
  static constexpr std::string_view kType = "ChildOrganizationRemoved";
  std::string child_id;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(child_id);
  }
  bool operator==(const ChildOrganizationRemoved&) const = default;
};

}  // namespace orgd::domain

CEREAL_CLASS_VERSION(orgd::domain::OrganizationCreated, 1);
CEREAL_CLASS_VERSION(orgd::domain::OrganizationUpdated, 1);
CEREAL_CLASS_VERSION(orgd::domain::OrganizationDeleted, 1);
CEREAL_CLASS_VERSION(orgd::domain::ChildOrganizationAdded, 1);
CEREAL_CLASS_VERSION(orgd::domain::ChildOrganizationRemoved, 1);
