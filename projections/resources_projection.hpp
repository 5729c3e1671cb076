#pragma once
// Resource read model ("resources" column family):
//   'r' id                                          -> ResourceRow (with its grants)
//   'v' scope '\0' kind-tag '\0' be64(created pos)  -> id   (who may see what, creation order)
//   '~' ...                                         count trees of the 'v' indexes
//                                                   (counted_index.hpp)
//   'g' group id                                    -> GroupFactsRow
//   'm' member '\0' group id                        -> the group's organization id
//   'M' group id '\0' member                        -> ""   (members of a group, for its delete)
//   'G' organization id                             -> the organization's global customers group
// Scopes: "a" every resource; "o:<customer>" owned by; "b:<organization>" belonging to;
// "c:<customer>" / "g:<group>" / "n:<organization>" granted to. Kind tags: "*" every kind, or
// the kind. A resource has one entry per scope it is in, under "*" and under its kind, so a
// listing of what a caller may see is a merge of a few ranges in creation order.
//
// Group membership comes from the group events directly (GroupCreated, GroupMemberAdded,
// GroupMemberRemoved, GroupDeleted), so access never depends on another read model. Members
// of a global group are not indexed: a global customers group stands for every customer of
// its organization ('G'). Things groups' members are indexed too (they give no access): a
// resource's departure finds its groups here.

#include <cstdint>
#include <string>
#include <string_view>

#include "projections/projection.hpp"

namespace orgd::projections {

inline constexpr std::string_view kResourcesColumnFamily = "resources";
inline constexpr std::string_view kAllKinds = "*";

[[nodiscard]] std::string resource_row_key(std::string_view id);
[[nodiscard]] std::string scope_all_resources();
// What `customer_id` owns in `organization_id`: an owner's rights count only there (and in
// Default), see domain/resource/resource_access.hpp.
[[nodiscard]] std::string scope_owned_by(std::string_view customer_id,
                                         std::string_view organization_id);
[[nodiscard]] std::string scope_belonging_to(std::string_view organization_id);
[[nodiscard]] std::string scope_granted_to(std::string_view principal_kind,
                                           std::string_view principal_id);
// A counted index: every key of `scope` and `kind_tag` starts with this; be64(created
// position) follows.
[[nodiscard]] std::string resource_index_prefix(std::string_view scope, std::string_view kind_tag);
[[nodiscard]] std::string group_facts_key(std::string_view group_id);
[[nodiscard]] std::string memberships_prefix(std::string_view member_id);
[[nodiscard]] std::string global_group_key(std::string_view organization_id);

class ResourcesProjection final : public Projection {
 public:
  [[nodiscard]] std::string_view name() const override { return "resources"; }
  [[nodiscard]] std::string_view column_family() const override { return kResourcesColumnFamily; }
  [[nodiscard]] std::expected<void, std::string> apply(const eventstore::Envelope& envelope,
                                                       const domain::Event& event,
                                                       ReadModelBatch& batch) override;
};

}  // namespace orgd::projections
