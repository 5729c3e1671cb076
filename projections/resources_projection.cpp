#include "projections/resources_projection.hpp"

#include <algorithm>
#include <vector>

#include "domain/group/group.hpp"
#include "projections/counted_index.hpp"
#include "projections/read_model_batch.hpp"
#include "projections/resource_row.hpp"
#include "projections/row_codec.hpp"

namespace orgd::projections {
namespace {

using Result = std::expected<void, std::string>;

std::string id_after(std::string_view stream, std::string_view prefix) {
  return std::string(stream.substr(stream.starts_with(prefix) ? prefix.size() : 0));
}

// Every scope the resource is listed under.
std::vector<std::string> scopes_of(const ResourceRow& row) {
  std::vector<std::string> scopes{scope_all_resources(),
                                  scope_owned_by(row.owner_id, row.organization_id),
                                  scope_belonging_to(row.organization_id)};
  for (const auto& grant : row.grants) {
    scopes.push_back(scope_granted_to(grant.principal_kind, grant.principal_id));
  }
  std::sort(scopes.begin(), scopes.end());
  scopes.erase(std::unique(scopes.begin(), scopes.end()), scopes.end());
  return scopes;
}

// Every index entry of the row: under every scope it is in, for every kind and for its own.
std::vector<CountedKey> index_keys(const ResourceRow& row) {
  const std::string position = encode_u64(row.created_position);
  std::vector<CountedKey> keys;
  for (const auto& scope : scopes_of(row)) {
    for (std::string_view tag : {kAllKinds, std::string_view(row.kind)}) {
      keys.push_back({resource_index_prefix(scope, tag), position});
    }
  }
  return keys;
}

std::expected<ResourceRow, std::string> load(ReadModelBatch& batch, std::string_view id) {
  auto bytes = batch.get(resource_row_key(id));
  if (!bytes) return std::unexpected(bytes.error());
  if (!*bytes) return std::unexpected("resource " + std::string(id) + " has no row");
  return decode_with_cereal<ResourceRow>(**bytes);
}

// Loads the stream's resource, lets `change` edit a copy, and stores it re-indexed.
template <class Change>
Result update(ReadModelBatch& batch, const eventstore::Envelope& envelope, Change change) {
  auto before = load(batch, id_after(envelope.stream_id, "resource-"));
  if (!before) return std::unexpected(before.error());
  ResourceRow after = *before;
  change(after);
  after.version = envelope.version;
  after.updated_ms = envelope.timestamp_ms;
  after.updated_by = envelope.actor;
  if (auto r = replace_counted(batch, index_keys(*before), index_keys(after), after.id); !r) {
    return r;
  }
  batch.put(resource_row_key(after.id), encode_with_cereal(after));
  return {};
}

Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::ResourceCreated& e) {
  const ResourceRow row{e.id,
                        e.kind,
                        e.name,
                        e.description,
                        e.owner_id,
                        e.organization_id,
                        e.active.dev,
                        e.active.staging,
                        e.active.live,
                        {},
                        envelope.timestamp_ms,
                        envelope.timestamp_ms,
                        envelope.actor,
                        envelope.actor,
                        envelope.version,
                        envelope.position};
  batch.put(resource_row_key(row.id), encode_with_cereal(row));
  return replace_counted(batch, {}, index_keys(row), row.id);
}

Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::ResourceUpdated& e) {
  return update(batch, envelope, [&](ResourceRow& r) {
    r.name = e.name;
    r.description = e.description;
    r.active_dev = e.active.dev;
    r.active_staging = e.active.staging;
    r.active_live = e.active.live;
  });
}

// The key's hash is not kept; the version and audit fields still move.
Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::ResourceApiKeyRotated&) {
  return update(batch, envelope, [](ResourceRow&) {});
}

Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::ResourceOwnershipTransferred& e) {
  return update(batch, envelope, [&](ResourceRow& r) {
    r.owner_id = e.owner_id;
    r.organization_id = e.organization_id;
  });
}

Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::ResourceAccessGranted& e) {
  return update(batch, envelope, [&](ResourceRow& r) {
    r.grants.push_back({e.grant_id, e.principal_kind, e.principal_id, e.permission,
                        envelope.timestamp_ms, envelope.actor});
  });
}

Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::ResourceAccessRevoked& e) {
  return update(batch, envelope, [&](ResourceRow& r) {
    std::erase_if(r.grants, [&](const GrantRow& g) { return g.id == e.grant_id; });
  });
}

Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::ResourceDeleted&) {
  auto row = load(batch, id_after(envelope.stream_id, "resource-"));
  if (!row) return std::unexpected(row.error());
  if (auto r = replace_counted(batch, index_keys(*row), {}, row->id); !r) return r;
  batch.erase(resource_row_key(row->id));
  return {};
}

// --- groups: who is in which customers group ------------------------------------------------

std::expected<GroupFactsRow, std::string> load_group(ReadModelBatch& batch,
                                                     std::string_view group_id) {
  auto bytes = batch.get(group_facts_key(group_id));
  if (!bytes) return std::unexpected(bytes.error());
  if (!*bytes) return std::unexpected("group " + std::string(group_id) + " has no row");
  return decode_with_cereal<GroupFactsRow>(**bytes);
}

std::string membership_key(std::string_view customer_id, std::string_view group_id) {
  return memberships_prefix(customer_id) + std::string(group_id);
}

std::string member_key(std::string_view group_id, std::string_view customer_id) {
  return "M" + std::string(group_id) + '\0' + std::string(customer_id);
}

// Only explicit members of ordinary groups are indexed: a global group's members are its
// organization's customers, whoever the events named. Things groups give no access; their
// entries are there for a resource's departure to find its groups (api/groups_holding.hpp).
bool indexes_members(const GroupFactsRow& group) { return !group.global; }

Result on(ReadModelBatch& batch, const eventstore::Envelope&, const domain::GroupCreated& e) {
  batch.put(group_facts_key(e.id),
            encode_with_cereal(GroupFactsRow{e.organization_id, e.kind, e.global}));
  if (e.global && e.kind == domain::kCustomersGroupKind) {
    batch.put(global_group_key(e.organization_id), e.id);
  }
  return {};
}

Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::GroupMemberAdded& e) {
  const std::string group_id = id_after(envelope.stream_id, "group-");
  auto group = load_group(batch, group_id);
  if (!group) return std::unexpected(group.error());
  if (!indexes_members(*group)) return {};
  batch.put(membership_key(e.member_id, group_id), group->organization_id);
  batch.put(member_key(group_id, e.member_id), "");
  return {};
}

Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::GroupMemberRemoved& e) {
  const std::string group_id = id_after(envelope.stream_id, "group-");
  batch.erase(membership_key(e.member_id, group_id));
  batch.erase(member_key(group_id, e.member_id));
  return {};
}

Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::GroupDeleted&) {
  const std::string group_id = id_after(envelope.stream_id, "group-");
  auto group = load_group(batch, group_id);
  if (!group) return std::unexpected(group.error());
  const std::string prefix = member_key(group_id, "");
  std::vector<std::string> members;
  auto scanned = batch.scan_prefix(prefix, [&](std::string_view key, std::string_view) {
    members.emplace_back(key.substr(prefix.size()));
    return true;
  });
  if (!scanned) return scanned;
  for (const auto& customer : members) {
    batch.erase(membership_key(customer, group_id));
    batch.erase(member_key(group_id, customer));
  }
  if (group->global) batch.erase(global_group_key(group->organization_id));
  batch.erase(group_facts_key(group_id));
  return {};
}

template <class Other>
Result on(ReadModelBatch&, const eventstore::Envelope&, const Other&) {
  return {};
}

}  // namespace

std::string resource_row_key(std::string_view id) { return "r" + std::string(id); }
std::string scope_all_resources() { return "a"; }
std::string scope_owned_by(std::string_view customer_id, std::string_view organization_id) {
  return "o:" + std::string(customer_id) + ":" + std::string(organization_id);
}
std::string scope_belonging_to(std::string_view organization_id) {
  return "b:" + std::string(organization_id);
}

std::string scope_granted_to(std::string_view principal_kind, std::string_view principal_id) {
  const char tag = principal_kind == "group" ? 'g' : principal_kind == "organization" ? 'n' : 'c';
  return std::string(1, tag) + ":" + std::string(principal_id);
}

std::string resource_index_prefix(std::string_view scope, std::string_view kind_tag) {
  std::string key = "v";
  key += scope;
  key += '\0';
  key += kind_tag;
  key += '\0';
  return key;
}

std::string group_facts_key(std::string_view group_id) { return "g" + std::string(group_id); }
std::string memberships_prefix(std::string_view customer_id) {
  return "m" + std::string(customer_id) + '\0';
}
std::string global_group_key(std::string_view organization_id) {
  return "G" + std::string(organization_id);
}

std::expected<void, std::string> ResourcesProjection::apply(const eventstore::Envelope& envelope,
                                                            const domain::Event& event,
                                                            ReadModelBatch& batch) {
  return std::visit([&](const auto& e) { return on(batch, envelope, e); }, event);
}

}  // namespace orgd::projections
