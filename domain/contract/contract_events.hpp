#pragma once
// Contract events. A contract lives on "contract-<id>"; each publication is a revision
// (1, 2, ...) and acceptance is of a revision, so a new version needs accepting again.
// Assignments and the organization's acceptances live on "contract-assignments-<orgId>";
// a customer's acceptances on "contract-acceptances-<customerId>" (neither moves the
// organization's or the customer's own version).

#include <cereal/cereal.hpp>
#include <cereal/types/string.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace orgd::domain {

struct ContractPublished {
  static constexpr std::string_view kType = "ContractPublished";
  std::string id;
  std::string title;
  std::string text;  // either text or url
  std::string url;
  std::string version;  // the publisher's label, e.g. "2026-11"

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(id, title, text, url, version);
  }
  bool operator==(const ContractPublished&) const = default;
};

// A new version: the next revision.
struct ContractRevised {
  static constexpr std::string_view kType = "ContractRevised";
  std::string title;
  std::string text;
  std::string url;
  std::string version;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(title, text, url, version);
  }
  bool operator==(const ContractRevised&) const = default;
};

struct ContractAssigned {
  static constexpr std::string_view kType = "ContractAssigned";
  std::string contract_id;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(contract_id);
  }
  bool operator==(const ContractAssigned&) const = default;
};

struct ContractUnassigned {
  static constexpr std::string_view kType = "ContractUnassigned";
  std::string contract_id;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(contract_id);
  }
  bool operator==(const ContractUnassigned&) const = default;
};

// On "contract-assignments-<orgId>" (an owner for the organization) or
// "contract-acceptances-<customerId>" (a customer for itself).
struct ContractAccepted {
  static constexpr std::string_view kType = "ContractAccepted";
  std::string contract_id;
  std::uint64_t revision{0};
  // The organization the acceptance is for: a customer accepts its organization's contracts,
  // and accepts them again in an organization it moves to. Empty in events logged before
  // class version 2 (2026-12-04), which count in any organization.
  std::string organization_id;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t version) {
    ar(contract_id, revision);
    if (version >= 2) ar(organization_id);
  }
  bool operator==(const ContractAccepted&) const = default;
};

}  // namespace orgd::domain

CEREAL_CLASS_VERSION(orgd::domain::ContractPublished, 1);
CEREAL_CLASS_VERSION(orgd::domain::ContractRevised, 1);
CEREAL_CLASS_VERSION(orgd::domain::ContractAssigned, 1);
CEREAL_CLASS_VERSION(orgd::domain::ContractUnassigned, 1);
CEREAL_CLASS_VERSION(orgd::domain::ContractAccepted, 2);
