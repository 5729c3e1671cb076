#include "domain/resource/resource.hpp"

#include <algorithm>

namespace orgd::domain {

std::string resource_stream(std::string_view resource_id) {
  return "resource-" + std::string(resource_id);
}

bool is_resource_kind(std::string_view kind) {
  return std::find(std::begin(kResourceKinds), std::end(kResourceKinds), kind) !=
         std::end(kResourceKinds);
}

std::string_view to_string(PrincipalKind kind) {
  switch (kind) {
    case PrincipalKind::customer:
      return "customer";
    case PrincipalKind::group:
      return "group";
    case PrincipalKind::organization:
      return "organization";
  }
  return "customer";
}

std::string_view to_string(Permission permission) {
  switch (permission) {
    case Permission::read:
      return "read";
    case Permission::write:
      return "write";
    case Permission::admin:
      return "admin";
  }
  return "read";
}

std::optional<PrincipalKind> principal_kind_from(std::string_view text) {
  if (text == "customer") return PrincipalKind::customer;
  if (text == "group") return PrincipalKind::group;
  if (text == "organization") return PrincipalKind::organization;
  return std::nullopt;
}

std::optional<Permission> permission_from(std::string_view text) {
  if (text == "read") return Permission::read;
  if (text == "write") return Permission::write;
  if (text == "admin") return Permission::admin;
  return std::nullopt;
}

const Grant* Resource::find_grant(std::string_view grant_id) const {
  auto it =
      std::find_if(grants.begin(), grants.end(), [&](const Grant& g) { return g.id == grant_id; });
  return it == grants.end() ? nullptr : &*it;
}

const Grant* Resource::grant_for(PrincipalKind principal_kind,
                                 std::string_view principal_id) const {
  auto it = std::find_if(grants.begin(), grants.end(), [&](const Grant& g) {
    return g.principal_kind == principal_kind && g.principal_id == principal_id;
  });
  return it == grants.end() ? nullptr : &*it;
}

namespace {

void apply_event(Resource& r, const ResourceCreated& e) {
  r.id = e.id;
  r.kind = e.kind;
  r.name = e.name;
  r.description = e.description;
  r.owner_id = e.owner_id;
  r.organization_id = e.organization_id;
  r.api_key_hash = e.api_key_hash;
  r.active = e.active;
}

void apply_event(Resource& r, const ResourceUpdated& e) {
  r.name = e.name;
  r.description = e.description;
  r.active = e.active;
}

void apply_event(Resource& r, const ResourceApiKeyRotated& e) { r.api_key_hash = e.api_key_hash; }
void apply_event(Resource& r, const ResourceDeleted&) { r.deleted = true; }

void apply_event(Resource& r, const ResourceOwnershipTransferred& e) {
  r.owner_id = e.owner_id;
  r.organization_id = e.organization_id;
}

void apply_event(Resource& r, const ResourceAccessGranted& e) {
  // Values come from the log, which only decide() wrote: an unknown spelling cannot occur,
  // and falls back to the narrowest meaning if it ever did.
  r.grants.push_back({e.grant_id,
                      principal_kind_from(e.principal_kind).value_or(PrincipalKind::customer),
                      e.principal_id, permission_from(e.permission).value_or(Permission::read)});
}

void apply_event(Resource& r, const ResourceAccessRevoked& e) {
  std::erase_if(r.grants, [&](const Grant& g) { return g.id == e.grant_id; });
}

template <class Other>
void apply_event(Resource&, const Other&) {}

}  // namespace

Resource apply(Resource state, const Event& event, const EventMeta& meta) {
  std::visit([&](const auto& e) { apply_event(state, e); }, event);
  if (state.version == 0) {
    state.created_ms = meta.time_ms;
    state.created_by = meta.actor;
  }
  state.version = meta.version;
  state.updated_ms = meta.time_ms;
  state.updated_by = meta.actor;
  return state;
}

}  // namespace orgd::domain
