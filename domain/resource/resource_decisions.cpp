#include "domain/resource/resource_decisions.hpp"

#include <optional>

#include "domain/customer/customer.hpp"
#include "domain/field_rules.hpp"
#include "domain/group/group.hpp"
#include "domain/organization/organization.hpp"
#include "domain/resource/resource_access.hpp"

namespace orgd::domain {
namespace {

constexpr std::size_t kMaxNamePoints = 100;
constexpr std::size_t kMaxDescriptionPoints = 1000;

DomainError not_found(std::string_view id) {
  return refused(DomainErrorCode::not_found, "not-found",
                 "resource " + std::string(id) + " does not exist");
}

DomainError forbidden(std::string message) {
  return refused(DomainErrorCode::forbidden, "forbidden", std::move(message));
}

void check_fields(FieldProblems& out, std::string_view name, std::string_view description) {
  check_name(out, "name", name, kMaxNamePoints);
  check_text(out, "description", description, 0, kMaxDescriptionPoints);
}

// The resource as the caller may see it, or the refusal: not_found when it may not see it.
std::optional<DomainError> check_visible(const Resource& current, std::string_view id,
                                         const Accessor& who) {
  if (!current.exists() || !can_view(who, current)) return not_found(id);
  return std::nullopt;
}

ResourceUpdated patched(const Resource& current, const ResourcePatch& p) {
  return {p.name.value_or(current.name), p.description.value_or(current.description),
          SystemFlags{p.active_dev.value_or(current.active.dev),
                      p.active_staging.value_or(current.active.staging),
                      p.active_live.value_or(current.active.live)}};
}

bool touches_flags(const ResourcePatch& p) {
  return p.active_dev || p.active_staging || p.active_live;
}

std::string no_such(PrincipalKind kind) { return "no such " + std::string(to_string(kind)); }

std::optional<DomainError> stale(const Resource& current, std::uint64_t expected_version) {
  return stale_if_match(expected_version, current.version, "resource");
}

// Platform accounts stand outside organizations: a SuperAdmin reaches every resource already,
// an auditor reads every one and may change none, so owning or being granted one would mean
// nothing (an auditor owner could not even manage it).
DomainError platform_account_refused(std::string_view what) {
  return refused(DomainErrorCode::rule_violated, "platform-account",
                 "platform accounts (SuperAdmin, auditor) " + std::string(what));
}

// The principal a grant names must exist and be of a kind that can hold access.
std::optional<DomainError> check_principal(const Resource& current, PrincipalKind kind,
                                           const GrantAccess& c, const PrincipalFacts& facts,
                                           const Caller& caller) {
  // Before existence: an organization grant naming another tenant's organization must answer
  // as one naming no organization does.
  if (kind == PrincipalKind::organization && c.principal_id != current.organization_id) {
    return refused(DomainErrorCode::rule_violated, "cross-organization-grant",
                   "an organization grant can only name the resource's own organization; "
                   "share with another organization's customer or group instead");
  }
  // A platform account is out of a tenant's reach: named by one, it answers as no customer.
  const bool hidden = facts.platform_account && caller.platform_role == PlatformRole::none;
  if (!facts.exists || hidden) return invalid({{"principalId", no_such(kind)}});
  if (facts.platform_account) return platform_account_refused("hold no grants");
  switch (kind) {
    case PrincipalKind::customer:
      // An owner that left the resource's organization holds only what it is granted.
      if (c.principal_id == current.owner_id &&
          owner_rights_count(current, facts.organization_id)) {
        return invalid({{"principalId", "is the owner, who has full access already"}});
      }
      break;
    case PrincipalKind::group:
      // It has no customers left, as a deleted customer is no customer.
      if (!facts.organization_exists) return invalid({{"principalId", no_such(kind)}});
      if (facts.group_kind != kCustomersGroupKind) {
        return invalid({{"principalId", "must be a customers group: things hold no access"}});
      }
      // Default's global group stands for every customer in Default, as an organization grant
      // to Default would (refused below).
      if (facts.global_group && facts.organization_id == kDefaultOrganizationId) {
        return refused(DomainErrorCode::rule_violated, "default-organization",
                       "nothing is shared with all of Default");
      }
      break;
    case PrincipalKind::organization:
      if (current.organization_id == kDefaultOrganizationId) {
        return refused(DomainErrorCode::rule_violated, "default-organization",
                       "resources in Default cannot be shared with all of Default");
      }
      break;
  }
  return std::nullopt;
}

}  // namespace

std::expected<Decision, DomainError> decide(const Resource& existing, const CreateResource& c,
                                            const Caller& caller) {
  FieldProblems problems;
  if (!is_resource_kind(c.kind)) {
    problems.push_back(
        {"kind", "must be app-backend, module, plugin, dashboard, dataset or thing"});
  }
  check_fields(problems, c.name, c.description);
  const bool app_backend = c.kind == kAppBackendKind;
  if (!app_backend && c.active) {
    problems.push_back({"attributes.active", "only app-backends have active flags"});
  }
  if (app_backend && c.api_key_hash.empty()) {
    problems.push_back({"apiKey", "an app-backend needs an apiKey"});
  }
  if (!app_backend && !c.api_key_hash.empty()) {
    problems.push_back({"apiKey", "only app-backends have an apiKey"});
  }
  if (!problems.empty()) return std::unexpected(invalid(std::move(problems)));
  if (caller.platform_role == PlatformRole::auditor) {
    return std::unexpected(forbidden("an auditor changes nothing"));
  }
  // A resource belongs to its creator, and a SuperAdmin owns none (it would sit in Default,
  // shown with an owner every other request answers 404 for): it creates one as a customer.
  if (caller.is_superadmin()) return std::unexpected(platform_account_refused("own no resource"));
  if (existing.version != 0) {
    return std::unexpected(refused(DomainErrorCode::already_exists, "resource-id-taken",
                                   "a resource with id " + c.id + " already exists"));
  }
  Decision d;
  d.writes.push_back({resource_stream(c.id),
                      0,
                      {ResourceCreated{c.id, c.kind, c.name, c.description, caller.customer_id,
                                       caller.organization_id, c.api_key_hash,
                                       c.active.value_or(SystemFlags{})}}});
  return d;
}

std::expected<Decision, DomainError> decide(const Resource& current, const UpdateResource& c,
                                            const Accessor& who) {
  if (auto hidden = check_visible(current, c.id, who)) return std::unexpected(*hidden);
  if (!can_write(who, current)) {
    return std::unexpected(forbidden("changing a resource needs write permission"));
  }
  const bool rotate = !c.new_api_key_hash.empty();
  if (rotate && !can_administer(who, current)) {
    return std::unexpected(forbidden("rotating the apiKey needs admin permission"));
  }
  if (c.expected_version != current.version) {
    return std::unexpected(refused(DomainErrorCode::version_conflict, "version-conflict",
                                   "updateVersion " + std::to_string(c.expected_version) +
                                       " is not the current version; the resource is at version " +
                                       std::to_string(current.version)));
  }
  FieldProblems problems;
  const ResourceUpdated next = patched(current, c.patch);
  check_fields(problems, next.name, next.description);
  if (!current.is_app_backend() && touches_flags(c.patch)) {
    problems.push_back({"attributes.active", "only app-backends have active flags"});
  }
  if (!current.is_app_backend() && rotate) {
    problems.push_back({"rotateApiKey", "only app-backends have an apiKey"});
  }
  if (!problems.empty()) return std::unexpected(invalid(std::move(problems)));
  std::vector<Event> events;
  if (next != ResourceUpdated{current.name, current.description, current.active}) {
    events.emplace_back(next);
  }
  if (rotate) events.emplace_back(ResourceApiKeyRotated{c.new_api_key_hash});
  Decision d;
  if (!events.empty()) {
    d.writes.push_back({resource_stream(current.id), current.version, std::move(events)});
  }
  return d;
}

std::expected<Decision, DomainError> decide(const Resource& current, const DeleteResource& c,
                                            const Accessor& who, std::span<const Group> groups) {
  if (auto hidden = check_visible(current, c.id, who)) return std::unexpected(*hidden);
  if (!can_control(who.caller, current)) {
    return std::unexpected(
        forbidden("only the owner, the owners and admins of its organization, "
                  "or a SuperAdmin may delete a resource"));
  }
  if (auto conflict = stale(current, c.expected_version)) return std::unexpected(*conflict);
  Decision d;
  d.writes.push_back(
      {resource_stream(current.id), current.version, {ResourceDeleted{current.name}}});
  leave_groups(d, groups, current.organization_id, current.id);
  return d;
}

std::expected<Decision, DomainError> decide(const Resource& current, const GrantAccess& c,
                                            const Accessor& who, const PrincipalFacts& principal) {
  if (auto hidden = check_visible(current, c.resource_id, who)) return std::unexpected(*hidden);
  if (!can_administer(who, current)) {
    return std::unexpected(forbidden("managing grants needs admin permission on the resource"));
  }
  if (auto conflict = stale(current, c.expected_version)) return std::unexpected(*conflict);
  const auto kind = principal_kind_from(c.principal_kind);
  const auto permission = permission_from(c.permission);
  FieldProblems problems;
  if (!kind) problems.push_back({"principalType", "must be customer, group or organization"});
  if (!permission) problems.push_back({"permission", "must be read, write or admin"});
  if (!problems.empty()) return std::unexpected(invalid(std::move(problems)));
  if (auto problem = check_principal(current, *kind, c, principal, who.caller)) {
    return std::unexpected(*problem);
  }
  std::vector<Event> events;
  if (const Grant* previous = current.grant_for(*kind, c.principal_id)) {
    if (previous->permission == *permission) {
      return std::unexpected(refused(DomainErrorCode::already_exists, "grant-exists",
                                     "grant " + previous->id + " already gives " +
                                         std::string(to_string(*permission)) + " to this " +
                                         std::string(to_string(*kind))));
    }
    events.emplace_back(ResourceAccessRevoked{previous->id});
  } else if (current.grants.size() >= kMaxGrantsPerResource) {
    return std::unexpected(refused(DomainErrorCode::rule_violated, "too-many-grants",
                                   "a resource has at most " +
                                       std::to_string(kMaxGrantsPerResource) +
                                       " grants; share with a group instead"));
  }
  events.emplace_back(ResourceAccessGranted{c.grant_id, std::string(to_string(*kind)),
                                            c.principal_id, std::string(to_string(*permission))});
  Decision d;
  d.writes.push_back({resource_stream(current.id), current.version, std::move(events)});
  if (!principal.stream_id.empty())
    d.writes.push_back({principal.stream_id, principal.version, {}});
  return d;
}

std::expected<Decision, DomainError> decide(const Resource& current, const RevokeAccess& c,
                                            const Accessor& who) {
  if (auto hidden = check_visible(current, c.resource_id, who)) return std::unexpected(*hidden);
  if (!can_administer(who, current)) {
    return std::unexpected(forbidden("managing grants needs admin permission on the resource"));
  }
  if (auto conflict = stale(current, c.expected_version)) return std::unexpected(*conflict);
  if (current.find_grant(c.grant_id) == nullptr) {
    return std::unexpected(refused(DomainErrorCode::not_found, "not-found",
                                   "grant " + c.grant_id + " does not exist"));
  }
  Decision d;
  d.writes.push_back(
      {resource_stream(current.id), current.version, {ResourceAccessRevoked{c.grant_id}}});
  return d;
}

std::expected<Decision, DomainError> decide(const Resource& current, const TransferOwnership& c,
                                            const Accessor& who, const NewOwnerFacts& new_owner,
                                            std::span<const Group> groups) {
  if (auto hidden = check_visible(current, c.resource_id, who)) return std::unexpected(*hidden);
  if (!can_control(who.caller, current)) {
    return std::unexpected(
        forbidden("only the owner, the owners and admins of its organization, "
                  "or a SuperAdmin may transfer a resource"));
  }
  if (auto conflict = stale(current, c.expected_version)) return std::unexpected(*conflict);
  // A customer of another organization is reported exactly like an unknown one: a transfer
  // must not reveal who exists elsewhere.
  // A platform account, which sits in Default, is out of reach the same way, and so is every
  // customer waiting in Default for one who waits there too: they are strangers to each other
  // (customer_access.hpp), and a transfer that succeeded would tell who waits there.
  const bool reachable =
      new_owner.exists &&
      (who.caller.is_superadmin() ||
       (new_owner.organization_id == current.organization_id && !new_owner.platform_account &&
        current.organization_id != kDefaultOrganizationId));
  if (!reachable) {
    return std::unexpected(
        invalid({{"customerId", "no such customer in the resource's organization"}}));
  }
  if (new_owner.platform_account) return std::unexpected(platform_account_refused("own nothing"));
  Decision d;
  // Already the owner, where its rights count: nothing changes. One that left the resource's
  // organization is handed it as anyone else would be (by a SuperAdmin: it moves with it).
  if (c.new_owner_id == current.owner_id && new_owner.organization_id == current.organization_id) {
    return d;
  }
  std::vector<Event> events;
  if (new_owner.organization_id != current.organization_id) {
    for (const auto& grant : current.grants) {
      if (grant.principal_kind == PrincipalKind::organization) {
        events.emplace_back(ResourceAccessRevoked{grant.id});
      }
    }
  }
  events.emplace_back(
      ResourceOwnershipTransferred{current.owner_id, c.new_owner_id, new_owner.organization_id});
  d.writes.push_back({resource_stream(current.id), current.version, std::move(events)});
  d.writes.push_back({customer_stream(c.new_owner_id), new_owner.version, {}});
  if (new_owner.organization_id != current.organization_id) {
    leave_groups(d, groups, current.organization_id, current.id);
  }
  return d;
}

}  // namespace orgd::domain
