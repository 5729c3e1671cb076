#pragma once
// Events of an organization's membership stream "members-<organizationId>": who belongs to it
// with which role. The customer's own stream records the same moves from its side; this
// stream exists so rules about the whole membership (the last owner, moving everyone out on
// delete) are checked against one version.

#include <cereal/cereal.hpp>
#include <cereal/types/string.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace orgd::domain {

struct MemberJoined {
  static constexpr std::string_view kType = "MemberJoined";
  std::string customer_id;
  std::string role;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(customer_id, role);
  }
  bool operator==(const MemberJoined&) const = default;
};

struct MemberLeft {
  static constexpr std::string_view kType = "MemberLeft";
  std::string customer_id;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(customer_id);
  }
  bool operator==(const MemberLeft&) const = default;
};

struct MemberRoleChanged {
  static constexpr std::string_view kType = "MemberRoleChanged";
  std::string customer_id;
  std::string role;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(customer_id, role);
  }
  bool operator==(const MemberRoleChanged&) const = default;
};

}  // namespace orgd::domain

CEREAL_CLASS_VERSION(orgd::domain::MemberJoined, 1);
CEREAL_CLASS_VERSION(orgd::domain::MemberLeft, 1);
CEREAL_CLASS_VERSION(orgd::domain::MemberRoleChanged, 1);
