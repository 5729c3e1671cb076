#include "domain/membership/membership_decisions.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

#include "domain/customer/customer_access.hpp"
#include "domain/customer/customer_decisions.hpp"
#include "domain/signup.hpp"
#include "tests/domain/groups_left.hpp"
#include "tests/domain/organization_fixture.hpp"

namespace orgd::domain {
namespace {

using testing::groups_left;
using testing::member_of;
using testing::org;
using testing::superadmin;

const std::string kDefault{kDefaultOrganizationId};

Customer customer(std::string id, std::string organization, std::string role = "member") {
  Customer c;
  c = apply(c, CustomerRegistered{id, id + "@x.io", "F", "L", "", organization, role, "", "h", "",
                                  ""},
            {1, 10, "t"});
  return c;
}

Membership membership(std::map<std::string, OrganizationRole> members, std::uint64_t version = 3) {
  return {std::move(members), version};
}

TEST(MoveCustomer, FromDefaultIntoAnOrganizationByItsAdmin) {
  auto d = decide(customer("c", kDefault), MoveCustomer{"c", "a"},
                  member_of("a", OrganizationRole::admin), org("a", "A"), {}, {});
  ASSERT_TRUE(d.has_value());
  std::vector<std::string> streams;
  for (const auto& w : d->writes) streams.push_back(w.stream_id);
  EXPECT_EQ(streams, (std::vector<std::string>{"customer-c", "members-" + kDefault, "members-a",
                                               "organization-a"}));
  EXPECT_EQ(std::get<CustomerMoved>(d->writes[0].events.at(0)).organization_id, "a");
  EXPECT_EQ(d->writes[0].expected_version, 1u) << "two organizations racing for one customer";
}

// A parent's owners and admins manage the child organization, not its customers.
TEST(MoveCustomer, NotByTheManagersOfAParentOrganization) {
  const AncestorChain child_of_a{org("a", "A")};
  auto by_parent_admin =
      decide(customer("c", kDefault), MoveCustomer{"c", "child"},
             member_of("a", OrganizationRole::admin), org("child", "Child"), child_of_a, {});
  ASSERT_FALSE(by_parent_admin.has_value());
  EXPECT_EQ(by_parent_admin.error().code, DomainErrorCode::forbidden);
  EXPECT_TRUE(decide(customer("c", kDefault), MoveCustomer{"c", "child"},
                     member_of("child", OrganizationRole::admin), org("child", "Child"), child_of_a,
                     {}));
}

// Refused for who it is before the customer is looked at: the answer then tells a parent's
// managers nothing about which ids wait in Default.
TEST(MoveCustomer, AParentsManagerLearnsNothingOfTheCustomer) {
  const AncestorChain child_of_a{org("a", "A")};
  const Caller parent_owner = member_of("a", OrganizationRole::owner);
  for (const Customer& someone : {customer("w", kDefault), customer("b1", "b"), Customer{}}) {
    auto d = decide(someone, MoveCustomer{"w", "child"}, parent_owner, org("child", "Child"),
                    child_of_a, {});
    ASSERT_FALSE(d.has_value());
    EXPECT_EQ(d.error().code, DomainErrorCode::forbidden) << someone.id;
  }
}

TEST(MoveCustomer, OnlyCustomersInDefault) {
  auto d = decide(customer("c", "b"), MoveCustomer{"c", "a"}, superadmin(), org("a", "A"), {}, {});
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().rule, "customer-not-in-default");
}

Customer platform_account(std::string id, std::string role) {
  Customer c;
  return apply(
      c, CustomerRegistered{id, id + "@x.io", "F", "L", "", kDefault, "member", role, "h", "", ""},
      {1, 10, "t"});
}

TEST(MoveCustomer, PlatformAccountsStayInDefault) {
  for (const auto* role : {"superadmin", "auditor"}) {
    auto by_superadmin = decide(platform_account("p", role), MoveCustomer{"p", "a"}, superadmin(),
                                org("a", "A"), {}, {});
    ASSERT_FALSE(by_superadmin.has_value()) << role;
    EXPECT_EQ(by_superadmin.error().rule, "platform-account");
    auto by_owner = decide(platform_account("p", role), MoveCustomer{"p", "a"},
                           member_of("a", OrganizationRole::owner), org("a", "A"), {}, {});
    ASSERT_FALSE(by_owner.has_value()) << role;
    EXPECT_EQ(by_owner.error().code, DomainErrorCode::not_found)
        << "an owner does not even see a platform account";
  }
}

TEST(MoveCustomer, MembersCannotAddAndOutsidersSeeNothing) {
  auto by_member = decide(customer("c", kDefault), MoveCustomer{"c", "a"},
                          member_of("a", OrganizationRole::member), org("a", "A"), {}, {});
  // Refused for who it is, whatever the customer: a plain member adds nobody.
  ASSERT_FALSE(by_member.has_value());
  EXPECT_EQ(by_member.error().code, DomainErrorCode::forbidden);
  auto by_outsider = decide(customer("c", kDefault), MoveCustomer{"c", "a"},
                            member_of("b", OrganizationRole::owner), org("a", "A"), {}, {});
  ASSERT_FALSE(by_outsider.has_value());
  EXPECT_EQ(by_outsider.error().code, DomainErrorCode::not_found);
}

// Default is a waiting room of strangers, removed from one organization or another: none of
// them sees the others (their names and emails), and no organization's owner or admin does
// either (with public signup, anyone can be one). An owner or admin adds one by the id it was
// given.
TEST(CustomerAccess, CustomersWaitingInDefaultAreSeenByThemselvesAndThePlatformOnly) {
  const Caller waiting{"w", PlatformRole::none, std::string(kDefault), OrganizationRole::member};
  EXPECT_TRUE(can_view(waiting, customer("w", kDefault)));
  EXPECT_FALSE(can_view(waiting, customer("other", kDefault)));
  EXPECT_FALSE(can_list_members(waiting, kDefault));
  for (auto role : {OrganizationRole::owner, OrganizationRole::admin, OrganizationRole::member}) {
    EXPECT_FALSE(can_view(member_of("a", role), customer("other", kDefault)));
    EXPECT_FALSE(can_list_members(member_of("a", role), kDefault));
  }
  EXPECT_TRUE(can_view(member_of("a", OrganizationRole::member), customer("colleague", "a")));
  EXPECT_TRUE(can_list_members(member_of("a", OrganizationRole::member), "a"));
  EXPECT_TRUE(can_view(Caller{"au", PlatformRole::auditor, std::string(kDefault), {}},
                       customer("other", kDefault)));
  EXPECT_TRUE(can_list_members(superadmin(), kDefault));
}

// How many wait in Default, and when one comes or goes, is the platform's to know too.
TEST(CustomerAccess, DefaultsMemberCountIsForThePlatformOnly) {
  const Caller waiting{"w", PlatformRole::none, std::string(kDefault), OrganizationRole::member};
  EXPECT_FALSE(can_count_members(waiting, kDefault));
  EXPECT_TRUE(can_count_members(superadmin(), kDefault));
  EXPECT_TRUE(
      can_count_members(Caller{"au", PlatformRole::auditor, std::string(kDefault), {}}, kDefault));
  // Elsewhere whoever sees an organization sees its count, also above its own.
  EXPECT_TRUE(can_count_members(member_of("a", OrganizationRole::member), "a"));
  EXPECT_TRUE(can_count_members(member_of("a", OrganizationRole::member), "child-of-a"));
  EXPECT_FALSE(can_count_all_it_sees(waiting));
  EXPECT_TRUE(can_count_all_it_sees(superadmin()));
  EXPECT_TRUE(can_count_all_it_sees(member_of("a", OrganizationRole::owner)));
}

TEST(CustomerAccess, OwnersAndAdminsPickAWaitingCustomerTheyCannotSee) {
  for (auto role : {OrganizationRole::owner, OrganizationRole::admin}) {
    EXPECT_TRUE(can_pick(member_of("a", role), customer("w", kDefault)));
    auto d = decide(customer("w", kDefault), MoveCustomer{"w", "a"}, member_of("a", role),
                    org("a", "A"), {}, {});
    EXPECT_TRUE(d.has_value()) << "added by the id the waiting customer gave";
  }
  EXPECT_FALSE(can_pick(member_of("a", OrganizationRole::member), customer("w", kDefault)));
  EXPECT_FALSE(can_pick(member_of("a", OrganizationRole::owner), customer("c", "b")))
      << "another organization's customer stays out of reach";
  const Caller waiting{"w", PlatformRole::none, std::string(kDefault), OrganizationRole::member};
  EXPECT_FALSE(can_pick(waiting, customer("other", kDefault)));
}

TEST(RemoveMember, SendsTheCustomerBackToDefault) {
  auto d =
      decide(customer("c", "a"), RemoveMember{"a", "c"}, member_of("a", OrganizationRole::owner),
             membership({{"o", OrganizationRole::owner}, {"c", OrganizationRole::member}}), {});
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(std::get<CustomerMoved>(d->writes[0].events.at(0)).organization_id, kDefault);
  EXPECT_EQ(d->writes[1].stream_id, "members-a");
  EXPECT_EQ(d->writes[1].expected_version, 3u);
  EXPECT_TRUE(std::holds_alternative<MemberJoined>(d->writes[2].events.at(0)));
}

TEST(RemoveMember, TheLastOwnerStays) {
  auto owner = customer("o", "a", "owner");
  auto d = decide(owner, RemoveMember{"a", "o"}, superadmin(),
                  membership({{"o", OrganizationRole::owner}}), {});
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().rule, "last-owner");
  EXPECT_TRUE(decide(owner, RemoveMember{"a", "o"}, superadmin(),
                     membership({{"o", OrganizationRole::owner}, {"p", OrganizationRole::owner}}),
                     {}));
}

TEST(RemoveMember, AdminsCannotRemoveOwnersButMembersCanLeave) {
  auto owner = customer("o", "a", "owner");
  auto both = membership({{"o", OrganizationRole::owner}, {"p", OrganizationRole::owner}});
  EXPECT_EQ(decide(owner, RemoveMember{"a", "o"}, member_of("a", OrganizationRole::admin), both, {})
                .error()
                .code,
            DomainErrorCode::forbidden);
  Caller self{"m", PlatformRole::none, "a", OrganizationRole::member};
  EXPECT_TRUE(decide(customer("m", "a"), RemoveMember{"a", "m"}, self, both, {}));
}

Group group(std::string id, std::string organization, std::set<std::string> members,
            bool global = false) {
  Group g;
  g.id = std::move(id);
  g.organization_id = std::move(organization);
  g.kind = "customers";
  g.global = global;
  for (auto& member : members) g.members.emplace(member, 0);
  g.version = 4;
  return g;
}

// Only the ordinary groups of the organization left that hold the customer: not a global one
// (it follows the organization), not another organization's, not a deleted one.
std::vector<Group> groups_around_c() {
  std::vector<Group> groups{group("held", "a", {"c", "x"}), group("global", "a", {"c"}, true),
                            group("other-org", "b", {"c"}), group("not-held", "a", {"x"}),
                            group("deleted", "a", {"c"})};
  groups.back().deleted = true;
  return groups;
}

TEST(RemoveMember, LeavesTheOrdinaryGroupsOfTheOrganizationThatHoldIt) {
  const auto groups = groups_around_c();
  auto d =
      decide(customer("c", "a"), RemoveMember{"a", "c"}, member_of("a", OrganizationRole::owner),
             membership({{"o", OrganizationRole::owner}, {"c", OrganizationRole::member}}), groups);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(groups_left(*d, "c"), (std::map<std::string, std::uint64_t>{{"group-held", 4}}));
}

TEST(DeleteCustomer, LeavesTheOrdinaryGroupsOfItsOrganization) {
  const auto groups = groups_around_c();
  auto d =
      decide(customer("c", "a"), DeleteCustomer{"c"}, member_of("a", OrganizationRole::admin),
             membership({{"o", OrganizationRole::owner}, {"c", OrganizationRole::member}}), groups);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(groups_left(*d, "c"), (std::map<std::string, std::uint64_t>{{"group-held", 4}}));
}

TEST(MoveCustomer, LeavesTheOrdinaryGroupsOfDefault) {
  const std::vector<Group> groups{group("in-default", kDefault, {"c"}),
                                  group("elsewhere", "a", {"c"})};
  auto d = decide(customer("c", kDefault), MoveCustomer{"c", "a"}, superadmin(), org("a", "A"), {},
                  groups);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(groups_left(*d, "c"), (std::map<std::string, std::uint64_t>{{"group-in-default", 4}}));
}

// Every departure records itself for the second look at its groups once it is applied
// (api/groups_holding.hpp); a change of role is none.
TEST(Departures, AreRecordedByRemovalsDeletionsAndMovesOutOfDefault) {
  const auto groups = groups_around_c();
  const auto both = membership({{"o", OrganizationRole::owner}, {"c", OrganizationRole::member}});
  const std::vector<Departure> from_a{{"c", "a"}};
  auto removed = decide(customer("c", "a"), RemoveMember{"a", "c"},
                        member_of("a", OrganizationRole::owner), both, groups);
  ASSERT_TRUE(removed.has_value());
  EXPECT_EQ(removed->departures, from_a);
  auto deleted = decide(customer("c", "a"), DeleteCustomer{"c"},
                        member_of("a", OrganizationRole::admin), both, groups);
  ASSERT_TRUE(deleted.has_value());
  EXPECT_EQ(deleted->departures, from_a);
  auto moved =
      decide(customer("c", kDefault), MoveCustomer{"c", "a"}, superadmin(), org("a", "A"), {}, {});
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(moved->departures, (std::vector<Departure>{{"c", kDefault}}));
  auto promoted = decide(customer("c", "a"), ChangeMemberRole{"a", "c", "admin"},
                         member_of("a", OrganizationRole::owner), both);
  ASSERT_TRUE(promoted.has_value());
  EXPECT_TRUE(promoted->departures.empty());
}

// The second look: a group still holding the member by a membership from before the departure
// was joined while the departure was decided, and is left; one joined since (the member came
// back and joined again) is kept.
TEST(GroupsJoinedBeforeTheDeparture, AreLeftThoseJoinedSinceAreKept) {
  auto groups = groups_around_c();
  groups[0].members["c"] = 9;  // "held"
  const auto before = leave_groups_joined_before(groups, "a", "c", 10);
  EXPECT_EQ(groups_left(before, "c"), (std::map<std::string, std::uint64_t>{{"group-held", 4}}));
  EXPECT_TRUE(before.departures.empty()) << "a second look is no departure of its own";
  groups[0].members["c"] = 11;
  EXPECT_TRUE(leave_groups_joined_before(groups, "a", "c", 10).writes.empty());
  groups[0].members["c"] = 0;  // a group built outside a log: joined before anything
  EXPECT_EQ(groups_left(leave_groups_joined_before(groups, "a", "c", 10), "c"),
            (std::map<std::string, std::uint64_t>{{"group-held", 4}}));
}

TEST(GroupsJoinedBeforeTheDeparture, AGroupKnowsWhereEachMemberJoined) {
  Group g;
  g = apply(g, GroupCreated{"g", "a", "G", "customers", false}, {1, 1, "t", 7});
  g = apply(g, GroupMemberAdded{"c"}, {2, 2, "t", 9});
  g = apply(g, GroupMemberAdded{"d"}, {3, 3, "t", 12});
  EXPECT_EQ(g.members, (std::map<std::string, std::uint64_t, std::less<>>{{"c", 9}, {"d", 12}}));
  g = apply(g, GroupMemberRemoved{"c"}, {4, 4, "t", 15});
  g = apply(g, GroupMemberAdded{"c"}, {5, 5, "t", 20});
  EXPECT_EQ(g.members.at("c"), 20U) << "the last joining counts";
}

TEST(ChangeMemberRole, OnlyOwnersMakeOwnersAndTheLastOwnerIsNotDemoted) {
  auto m = customer("m", "a");
  auto members = membership({{"o", OrganizationRole::owner}, {"m", OrganizationRole::member}});
  EXPECT_EQ(decide(m, ChangeMemberRole{"a", "m", "owner"}, member_of("a", OrganizationRole::admin),
                   members)
                .error()
                .code,
            DomainErrorCode::forbidden);
  auto promoted = decide(m, ChangeMemberRole{"a", "m", "owner"},
                         member_of("a", OrganizationRole::owner), members);
  ASSERT_TRUE(promoted.has_value());
  EXPECT_EQ(std::get<MemberRoleChanged>(promoted->writes[1].events.at(0)).role, "owner");
  auto last = decide(customer("o", "a", "owner"), ChangeMemberRole{"a", "o", "admin"},
                     superadmin(), membership({{"o", OrganizationRole::owner}}));
  EXPECT_EQ(last.error().rule, "last-owner");
  EXPECT_EQ(decide(m, ChangeMemberRole{"a", "m", "boss"}, superadmin(), members).error().code,
            DomainErrorCode::invalid);
}

TEST(Membership, ApplyFollowsJoinsLeavesAndRoles) {
  Membership m;
  m = apply(m, MemberJoined{"a", "owner"}, {1, 0, "t"});
  m = apply(m, MemberJoined{"b", "member"}, {2, 0, "t"});
  m = apply(m, MemberRoleChanged{"b", "owner"}, {3, 0, "t"});
  m = apply(m, MemberLeft{"a"}, {4, 0, "t"});
  EXPECT_EQ(m.members.size(), 1u);
  EXPECT_TRUE(m.is_last_owner("b"));
  EXPECT_EQ(m.version, 4u);
}

Signup signup() {
  return {"o1", "c1", "g1", "g2", "s1", "th", 99, "Acme", "Rockets", "Ada", "Lovelace", "",
          "ada@acme.io", "$argon2id$", 1};
}

TEST(Signup, CreatesEverythingInOneDecision) {
  auto d = decide(Organization{}, Customer{}, signup());
  ASSERT_TRUE(d.has_value());
  std::vector<std::string> streams;
  for (const auto& w : d->writes) streams.push_back(w.stream_id);
  EXPECT_EQ(streams, (std::vector<std::string>{"organization-o1", "group-g1", "group-g2",
                                               "customer-c1", "members-o1", "sessions-c1"}));
  EXPECT_EQ(std::get<CustomerRegistered>(d->writes[3].events.at(0)).role, "owner");
  EXPECT_EQ(std::get<GroupMemberAdded>(d->writes[1].events.at(1)).member_id, "c1");
  EXPECT_EQ(d->claims.size(), 2u);
  EXPECT_EQ(d->claims[1].owner_stream, "customer-c1");
}

TEST(Signup, TermsMustBeAgreedAndFieldsValid) {
  auto s = signup();
  s.agree_to_terms_and_policies = 0;
  s.email = "nope";
  auto d = decide(Organization{}, Customer{}, s);
  ASSERT_FALSE(d.has_value());
  std::vector<std::string> fields;
  for (const auto& f : d.error().fields) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"userEmailAddress", "agreeToTermsAndPolicies"}));
}

TEST(CustomerProfile, SelfAndManagersUpdateWithTheCurrentVersion) {
  auto c = customer("c", "a");
  Caller self{"c", PlatformRole::none, "a", OrganizationRole::member};
  CustomerPatch patch;
  patch.email = "new@x.io";
  auto d = decide(c, UpdateCustomerProfile{"c", 1, patch}, self);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->claims.at(0).value, "new@x.io");
  EXPECT_EQ(d->releases.at(0).value, "c@x.io");
  EXPECT_EQ(decide(c, UpdateCustomerProfile{"c", 2, patch}, self).error().code,
            DomainErrorCode::version_conflict);
  Caller peer{"p", PlatformRole::none, "a", OrganizationRole::member};
  EXPECT_EQ(decide(c, UpdateCustomerProfile{"c", 1, patch}, peer).error().code,
            DomainErrorCode::forbidden);
  EXPECT_EQ(decide(c, UpdateCustomerProfile{"c", 1, patch}, member_of("b", OrganizationRole::owner))
                .error()
                .code,
            DomainErrorCode::not_found);
}

TEST(CustomerProfile, AnAuditorChangesItsEmailAndNothingElse) {
  auto au = customer("au", "00000000-0000-7000-8000-000000000001");
  const Caller self{"au", PlatformRole::auditor, "", OrganizationRole::member};
  CustomerPatch email;
  email.email = "audit2@x.io";
  EXPECT_TRUE(decide(au, UpdateCustomerProfile{"au", 1, email}, self));
  CustomerPatch name = email;
  name.first_name = "Changed";
  EXPECT_EQ(decide(au, UpdateCustomerProfile{"au", 1, name}, self).error().code,
            DomainErrorCode::forbidden);
  CustomerPatch same;  // a GET-modify-PUT round trip sends what is there
  same.first_name = au.first_name;
  same.country = au.country;
  EXPECT_TRUE(decide(au, UpdateCustomerProfile{"au", 1, same}, self));
}

TEST(CustomerPassword, SelfNeedsTheCurrentPasswordAdminsCannot) {
  auto c = customer("c", "a");
  Caller self{"c", PlatformRole::none, "a", OrganizationRole::member};
  EXPECT_EQ(decide(c, ChangePassword{"c", 1, "h2", false, "h", true}, self).error().fields.at(0),
            (FieldProblem{"currentPassword", "is wrong"}));
  EXPECT_EQ(decide(c, ChangePassword{"c", 1, "h2", false, "", false}, self).error().fields.at(0),
            (FieldProblem{"currentPassword", "is required to change your own password"}));
  EXPECT_TRUE(decide(c, ChangePassword{"c", 1, "h2", true, "h", true}, self));
  // Proved against a hash that is no longer the customer's: a password changed meanwhile.
  EXPECT_EQ(decide(c, ChangePassword{"c", 1, "h2", true, "h0", true}, self).error().fields.at(0),
            (FieldProblem{"currentPassword", "is wrong"}));
  // A change that lost to another is a conflict, whatever its current password proved.
  EXPECT_EQ(decide(c, ChangePassword{"c", 0, "h2", false, "h0", true}, self).error().code,
            DomainErrorCode::version_conflict);
  EXPECT_EQ(decide(c, ChangePassword{"c", 1, "h2", true, "h", true},
                   member_of("a", OrganizationRole::owner))
                .error()
                .code,
            DomainErrorCode::forbidden);
  EXPECT_TRUE(decide(c, ChangePassword{"c", 1, "h2", false, "", false}, superadmin()));
}

TEST(DeleteCustomer, FreesTheEmailButNeverTheLastOwner) {
  auto owner = customer("o", "a", "owner");
  EXPECT_EQ(decide(owner, DeleteCustomer{"o"}, superadmin(),
                   membership({{"o", OrganizationRole::owner}}), {})
                .error()
                .rule,
            "last-owner");
  auto d =
      decide(customer("m", "a"), DeleteCustomer{"m"}, member_of("a", OrganizationRole::admin),
             membership({{"o", OrganizationRole::owner}, {"m", OrganizationRole::member}}), {});
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->releases.at(0).value, "m@x.io");
  EXPECT_EQ(d->writes[1].stream_id, "members-a");
  EXPECT_EQ(d->writes[1].expected_version, 3u);
}

TEST(DeleteCustomer, AVersionSentMustBeTheCurrentOne) {
  const auto members =
      membership({{"o", OrganizationRole::owner}, {"m", OrganizationRole::member}});
  const auto m = customer("m", "a");
  EXPECT_EQ(decide(m, DeleteCustomer{"m", m.version + 1}, superadmin(), members, {}).error().code,
            DomainErrorCode::version_conflict);
  EXPECT_TRUE(decide(m, DeleteCustomer{"m", m.version}, superadmin(), members, {}));
  EXPECT_TRUE(decide(m, DeleteCustomer{"m", 0}, superadmin(), members, {})) << "none sent";
}

TEST(RegisterCustomer, OwnersAndAdminsRegisterIntoTheirOwnOrganizationOnly) {
  RegisterCustomer cmd{"n", "n@x.io", "N", "N", "", "a", "admin", "", "h", "", ""};
  EXPECT_TRUE(decide(Customer{}, cmd, member_of("a", OrganizationRole::admin), org("a", "A")));
  cmd.role = "owner";
  EXPECT_EQ(decide(Customer{}, cmd, member_of("a", OrganizationRole::admin), org("a", "A"))
                .error()
                .code,
            DomainErrorCode::forbidden);
  cmd.role = "member";
  auto elsewhere = decide(Customer{}, cmd, member_of("b", OrganizationRole::owner), org("a", "A"));
  ASSERT_FALSE(elsewhere.has_value());
  EXPECT_EQ(elsewhere.error().code, DomainErrorCode::invalid)
      << "the same answer as for an organization that does not exist";
  EXPECT_EQ(elsewhere.error().fields.at(0).field, "organizationId");
  EXPECT_EQ(decide(Customer{}, cmd, member_of("a", OrganizationRole::member), org("a", "A"))
                .error()
                .code,
            DomainErrorCode::forbidden);
}

}  // namespace
}  // namespace orgd::domain
