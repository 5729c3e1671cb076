#pragma once
// Commands on resources, and the facts a decision needs that live in other streams or come
// from authentication. Secrets arrive already hashed: generating an apiKey needs randomness
// and belongs outside the pure domain.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/caller.hpp"
#include "domain/resource/resource.hpp"

namespace orgd::domain {

// The caller as resource access sees it: who it is, and the groups it belongs to (the
// customers groups it is a member of, as the read model knows them when the request starts).
struct Accessor {
  Caller caller;
  std::vector<std::string> group_ids;
};

struct CreateResource {
  std::string id;  // chosen by the caller of decide (a fresh UUID)
  std::string kind;
  std::string name;
  std::string description;
  std::string api_key_hash;           // required for app-backends, must be empty otherwise
  std::optional<SystemFlags> active;  // app-backends only (absent: all false)
};

// Each field: nullopt = keep the current value.
struct ResourcePatch {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<bool> active_dev;
  std::optional<bool> active_staging;
  std::optional<bool> active_live;
};

struct UpdateResource {
  std::string id;
  std::uint64_t expected_version{0};  // the caller's updateVersion
  ResourcePatch patch;
  std::string new_api_key_hash;  // non-empty: rotate the app-backend's apiKey to this one
};

struct DeleteResource {
  std::string id;
  std::uint64_t expected_version{0};  // 0 = the caller sent none (delete needs none)
};

// Who a grant names, as its own stream says now. The stream's version becomes a guard, so a
// principal deleted concurrently fails the grant instead of receiving it.
struct PrincipalFacts {
  bool exists{false};
  std::string organization_id;  // a customer's or group's organization; an organization's id
  std::string group_kind;       // groups: "customers" | "things"
  std::string stream_id;
  std::uint64_t version{0};
  // A customer with a platform role: answers to the platform alone (customer_access.hpp).
  bool platform_account{false};
  bool global_group{false};  // a group: one of its organization's two global groups
  // A group's organization exists: a deleted organization's groups stand for nobody.
  bool organization_exists{true};
};

struct GrantAccess {
  std::string resource_id;
  std::string grant_id;  // chosen by the caller of decide (a fresh UUID)
  std::string principal_kind;
  std::string principal_id;
  std::string permission;
  std::uint64_t expected_version{0};  // If-Match; 0 = the caller sent none
};

struct RevokeAccess {
  std::string resource_id;
  std::string grant_id;
  std::uint64_t expected_version{0};  // If-Match; 0 = the caller sent none
};

struct TransferOwnership {
  std::string resource_id;
  std::string new_owner_id;
  std::uint64_t expected_version{0};  // If-Match; 0 = the caller sent none
};

// The customer a resource is transferred to, as its stream says now (guarded at `version`).
struct NewOwnerFacts {
  bool exists{false};
  std::string organization_id;
  std::uint64_t version{0};
  bool platform_account{false};  // as in PrincipalFacts
};

}  // namespace orgd::domain
