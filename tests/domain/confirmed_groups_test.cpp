// Confirming the groups that give a caller access to a resource, and guarding them.

#include "domain/resource/confirmed_groups.hpp"

#include <gtest/gtest.h>

#include "domain/group/group.hpp"
#include "domain/resource/resource_access.hpp"

namespace orgd::domain {
namespace {

Resource shared_with(std::vector<Grant> grants) {
  Resource resource;
  resource.id = "r";
  resource.kind = "dataset";
  resource.owner_id = "owner";
  resource.organization_id = "acme";
  resource.grants = std::move(grants);
  return resource;
}

Grant to_group(std::string group, Permission permission = Permission::write) {
  return {"grant-" + group, PrincipalKind::group, std::move(group), permission};
}

Accessor editor(std::vector<std::string> groups) {
  return {{"ed", PlatformRole::none, "acme", OrganizationRole::member}, std::move(groups)};
}

// The editor as its own stream tells: a customer of acme since position 10.
Customer placed(std::string organization = "acme", std::uint64_t arrived_at = 10) {
  Customer c;
  c.id = "ed";
  c.organization_id = std::move(organization);
  c.joined_position = arrived_at;
  c.version = 3;
  return c;
}

// Each member added at position 20.
Group group(std::string id, std::uint64_t version, std::vector<std::string> members,
            bool global = false) {
  Group g;
  g.id = std::move(id);
  g.organization_id = "acme";
  g.kind = "customers";
  g.global = global;
  g.version = version;
  for (auto& m : members) g.members.emplace(std::move(m), 20);
  return g;
}

TEST(ConfirmedGroups, OnlyTheCallersGroupsTheResourceGrantsToAreConfirmed) {
  const auto resource = shared_with({to_group("editors"), to_group("others"), to_group("editors")});
  EXPECT_EQ(groups_to_confirm(resource, editor({"global", "editors"})),
            std::vector<std::string>{"editors"});
  EXPECT_TRUE(groups_to_confirm(resource, editor({"global"})).empty());
  EXPECT_TRUE(groups_to_confirm(shared_with({}), editor({"editors"})).empty());
}

// A group that gives nothing more than the caller holds anyway is not confirmed, nor guarded:
// a change to it must not make the command lose.
TEST(ConfirmedGroups, GroupsThatAddNothingAreNotConfirmed) {
  const auto resource = shared_with({to_group("editors", Permission::read),
                                     {"direct", PrincipalKind::customer, "ed", Permission::write}});
  EXPECT_TRUE(groups_to_confirm(resource, editor({"editors"})).empty());
  Accessor owner = editor({"editors"});
  owner.caller.customer_id = "owner";
  EXPECT_TRUE(groups_to_confirm(shared_with({to_group("editors")}), owner).empty())
      << "the owner holds admin without it";
  const auto stronger = shared_with({to_group("editors", Permission::admin),
                                     {"direct", PrincipalKind::customer, "ed", Permission::write}});
  EXPECT_EQ(groups_to_confirm(stronger, editor({"editors"})), std::vector<std::string>{"editors"});
}

TEST(ConfirmedGroups, OneGroupIsDroppedAndAnotherKeptInOneConfirmation) {
  const auto resource = shared_with({to_group("left"), to_group("kept", Permission::read)});
  auto confirmed = confirm_groups(editor({"left", "kept"}),
                                  {group("left", 4, {}), group("kept", 9, {"ed"})}, placed());
  EXPECT_EQ(confirmed.accessor.group_ids, std::vector<std::string>{"kept"});
  ASSERT_EQ(confirmed.guards.size(), 1u);
  EXPECT_EQ(confirmed.guards[0].stream_id, group_stream("kept"));
  EXPECT_EQ(effective_permission(resource, confirmed.accessor), Permission::read);
}

// A group holds the caller while it stays in the group's organization: not once it is
// elsewhere, gone, or back after leaving since it joined the group, whatever the group's
// member list still says (a membership a departure left behind).
TEST(ConfirmedGroups, ALapsedMembershipGivesNothing) {
  const std::vector<Group> editors{group("editors", 5, {"ed"})};
  EXPECT_EQ(confirm_groups(editor({"editors"}), editors, placed()).accessor.group_ids,
            std::vector<std::string>{"editors"});
  for (const auto& [why, caller] : std::vector<std::pair<std::string, Customer>>{
           {"elsewhere", placed("globex")}, {"back since", placed("acme", 30)}}) {
    auto confirmed = confirm_groups(editor({"editors"}), editors, caller);
    EXPECT_TRUE(confirmed.accessor.group_ids.empty()) << why;
    EXPECT_TRUE(confirmed.guards.empty()) << why;
  }
  Customer gone = placed();
  gone.deleted = true;
  EXPECT_TRUE(confirm_groups(editor({"editors"}), editors, gone).accessor.group_ids.empty());
}

TEST(ConfirmedGroups, AGroupThatNoLongerHoldsTheCallerGivesNothing) {
  const auto resource = shared_with({to_group("editors")});
  ASSERT_TRUE(can_write(editor({"editors"}), resource)) << "as the read model says";
  auto left =
      confirm_groups(editor({"editors"}), {group("editors", 5, {"someone-else"})}, placed());
  EXPECT_FALSE(can_write(left.accessor, resource));
  EXPECT_TRUE(left.guards.empty());
  auto deleted_group = group("editors", 6, {"ed"});
  deleted_group.deleted = true;
  auto gone = confirm_groups(editor({"editors"}), {deleted_group}, placed());
  EXPECT_FALSE(can_view(gone.accessor, resource));
}

TEST(ConfirmedGroups, AGroupThatHoldsTheCallerIsGuardedAtTheVersionRead) {
  const auto resource = shared_with({to_group("editors")});
  auto held =
      confirm_groups(editor({"global", "editors"}), {group("editors", 7, {"ed"})}, placed());
  EXPECT_TRUE(can_write(held.accessor, resource));
  ASSERT_EQ(held.guards.size(), 1u);
  EXPECT_EQ(held.guards[0].stream_id, group_stream("editors"));
  EXPECT_EQ(held.guards[0].expected_version, 7u);
  EXPECT_TRUE(held.guards[0].events.empty());
  EXPECT_EQ(held.accessor.group_ids, (std::vector<std::string>{"global", "editors"}));
}

// Its members are the organization's customers, and the caller's organization is guarded with
// the caller: nothing to confirm or guard.
TEST(ConfirmedGroups, AGlobalGroupIsKeptUnguarded) {
  auto confirmed = confirm_groups(editor({"global"}), {group("global", 3, {}, true)}, placed());
  EXPECT_EQ(confirmed.accessor.group_ids, std::vector<std::string>{"global"});
  EXPECT_TRUE(confirmed.guards.empty());
}

TEST(ConfirmedGroups, AGuardHoldsAWriteOfTheSameStreamToTheOlderVersion) {
  Decision decision;
  decision.writes.push_back({"resource-r", 9, {}});
  add_guard(decision, {group_stream("editors"), 7, {}});
  ASSERT_EQ(decision.writes.size(), 2u);
  EXPECT_EQ(decision.writes[1].stream_id, group_stream("editors"));
  add_guard(decision, {"resource-r", 8, {}});
  EXPECT_EQ(decision.writes[0].expected_version, 8u);
  add_guard(decision, {"resource-r", 10, {}});
  EXPECT_EQ(decision.writes[0].expected_version, 8u);
  Decision nothing;
  add_guard(nothing, {group_stream("editors"), 7, {}});
  EXPECT_TRUE(nothing.writes.empty()) << "a decision that writes nothing holds nothing back";
}

}  // namespace
}  // namespace orgd::domain
