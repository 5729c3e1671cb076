#pragma once
// Commands on organizations, and the facts a decision needs that live in other streams.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/organization/organization.hpp"

namespace orgd::domain {

// The plan of an organization nobody chose one for.
inline constexpr std::string_view kDefaultBillingPlan = "free";

struct CreateOrganization {
  std::string id;  // chosen by the caller of decide (a fresh UUID)
  std::string name;
  std::string description;
  std::string parent_id;  // empty = top level
  std::string status{"active"};
  std::string locale;
  std::string country;
  std::string thumbnail_url;
  std::string billing_plan{kDefaultBillingPlan};
  // Ids for the organization's two global groups; empty = create none (tests of other rules).
  std::string customers_group_id;
  std::string things_group_id;
};

// Each field: nullopt = keep the current value; an empty string clears an optional field.
struct OrganizationPatch {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> parent_id;
  std::optional<std::string> status;
  std::optional<std::string> locale;
  std::optional<std::string> country;
  std::optional<std::string> thumbnail_url;
};

struct UpdateOrganization {
  std::string id;
  std::uint64_t expected_version{0};  // the caller's updateVersion
  OrganizationPatch patch;
};

struct DeleteOrganization {
  std::string id;
  std::uint64_t expected_version{0};  // 0 = the caller sent none (delete needs none)
};

// An organization's ancestors, nearest first: its parent, the parent's parent, ... the top.
// When the first entry does not exist (version 0) the named parent is unknown.
using AncestorChain = std::vector<Organization>;

// The organizations below one being moved, as a read model saw them: their versions become
// guards, so a concurrent change below fails the move instead of breaking the depth limit.
struct Descendant {
  std::string id;
  std::uint64_t version{0};
  std::size_t depth_below{1};  // 1 = a child of the moved organization
};

struct MoveContext {
  AncestorChain new_ancestors;  // of the new parent, starting with the new parent itself
  std::vector<Descendant> descendants;
  // The moved organization's version in that read model, read before its descendants: a
  // child added after it is listed, or makes this version stale. The move is written at it
  // when it is behind the organization's own, so a child the listing may have missed (the
  // organization's stream moved on) fails the move instead of breaking the depth limit.
  std::uint64_t listed_at{0};
};

}  // namespace orgd::domain
