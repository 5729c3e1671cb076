#pragma once
// Group events (stream "group-<id>"). Every organization gets two global groups when it is
// created: one of all its customers and one of all its things.

#include <cereal/cereal.hpp>
#include <cereal/types/string.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace orgd::domain {

struct GroupCreated {
  static constexpr std::string_view kType = "GroupCreated";
  std::string id;
  std::string organization_id;
  std::string name;
  std::string kind;  // "customers" | "things"
  bool global{false};  // the organization's own group of that kind; cannot be deleted

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(id, organization_id, name, kind, global);
  }
  bool operator==(const GroupCreated&) const = default;
};

struct GroupMemberAdded {
  static constexpr std::string_view kType = "GroupMemberAdded";
  std::string member_id;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(member_id);
  }
  bool operator==(const GroupMemberAdded&) const = default;
};

struct GroupMemberRemoved {
  static constexpr std::string_view kType = "GroupMemberRemoved";
  std::string member_id;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(member_id);
  }
  bool operator==(const GroupMemberRemoved&) const = default;
};

struct GroupDeleted {
  static constexpr std::string_view kType = "GroupDeleted";
  std::string organization_id;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(organization_id);
  }
  bool operator==(const GroupDeleted&) const = default;
};

}  // namespace orgd::domain

CEREAL_CLASS_VERSION(orgd::domain::GroupDeleted, 1);
CEREAL_CLASS_VERSION(orgd::domain::GroupCreated, 1);
CEREAL_CLASS_VERSION(orgd::domain::GroupMemberAdded, 1);
CEREAL_CLASS_VERSION(orgd::domain::GroupMemberRemoved, 1);
