#include "domain/organization/organization_decisions.hpp"

#include <algorithm>

#include "tests/domain/organization_fixture.hpp"

namespace orgd::domain {
namespace {

using testing::given;
using testing::member_of;
using testing::org;
using testing::superadmin;

CreateOrganization create(std::string id, std::string name, std::string parent = "") {
  CreateOrganization c;
  c.id = std::move(id);
  c.name = std::move(name);
  c.parent_id = std::move(parent);
  return c;
}

// A chain of `levels` organizations o1 (top) ... oN; returns N's ancestors chain, nearest first.
AncestorChain chain_of(std::size_t levels) {
  AncestorChain chain;
  for (std::size_t i = levels; i >= 1; --i) {
    chain.push_back(org("o" + std::to_string(i), "O" + std::to_string(i),
                        i > 1 ? "o" + std::to_string(i - 1) : ""));
  }
  return chain;
}

TEST(CreateOrganization, TopLevelBySuperAdminEmitsCreatedAndClaimsFoldedName) {
  auto d = decide(Organization{}, create("a", "Acme Corp"), superadmin(), {});
  ASSERT_TRUE(d.has_value());
  ASSERT_EQ(d->writes.size(), 1u);
  EXPECT_EQ(d->writes[0].stream_id, "organization-a");
  EXPECT_EQ(d->writes[0].expected_version, 0u);
  ASSERT_EQ(d->writes[0].events.size(), 1u);
  const auto& created = std::get<OrganizationCreated>(d->writes[0].events[0]);
  EXPECT_EQ(created.name, "Acme Corp");
  EXPECT_EQ(created.status, "active");
  EXPECT_EQ(created.billing_plan, "free");
  ASSERT_EQ(d->claims.size(), 1u);
  EXPECT_EQ(d->claims[0], (UniqueValue{"organization-name", "acme corp", "organization-a"}));
}

TEST(CreateOrganization, ChildRecordsItselfOnParentAndGuardsAncestors) {
  auto chain = chain_of(2);  // o2 under o1
  auto d = decide(Organization{}, create("c", "Child", "o2"), superadmin(), chain);
  ASSERT_TRUE(d.has_value());
  ASSERT_EQ(d->writes.size(), 3u);
  EXPECT_EQ(d->writes[1].stream_id, "organization-o2");
  EXPECT_EQ(d->writes[1].expected_version, 1u);
  EXPECT_EQ(std::get<ChildOrganizationAdded>(d->writes[1].events.at(0)).child_id, "c");
  EXPECT_EQ(d->writes[2].stream_id, "organization-o1");
  EXPECT_TRUE(d->writes[2].events.empty()) << "ancestors above the parent are guards only";
}

TEST(CreateOrganization, RejectsInvalidFieldsNamingEach) {
  CreateOrganization c = create("a", "");
  c.description = std::string(1001, 'x');
  c.status = "archived";
  c.locale = "not a locale";
  c.country = "XX";
  c.thumbnail_url = "ftp://logo";
  auto d = decide(Organization{}, c, superadmin(), {});
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, DomainErrorCode::invalid);
  std::vector<std::string> fields;
  for (const auto& f : d.error().fields) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"name", "description", "status", "locale",
                                              "country", "thumbnailUrl"}));
}

TEST(CreateOrganization, NameLimitsCountCodePoints) {
  std::string hundred_umlauts;
  for (int i = 0; i < 100; ++i) hundred_umlauts += "\xC3\xBC";  // ü: 2 bytes, 1 code point
  EXPECT_TRUE(decide(Organization{}, create("a", hundred_umlauts), superadmin(), {}).has_value());
  EXPECT_FALSE(
      decide(Organization{}, create("a", hundred_umlauts + "u"), superadmin(), {}).has_value());
  EXPECT_FALSE(decide(Organization{}, create("a", " padded"), superadmin(), {}).has_value());
}

TEST(CreateOrganization, UnknownOrDeletedParentIsAFieldError) {
  AncestorChain unknown{Organization{}};
  auto d = decide(Organization{}, create("c", "C", "nope"), superadmin(), unknown);
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().fields.at(0).field, "parentId");

  AncestorChain deleted{given({OrganizationCreated{"p", "P", "", "", "active", "", "", "", ""},
                               OrganizationDeleted{"P"}})};
  EXPECT_FALSE(decide(Organization{}, create("c", "C", "p"), superadmin(), deleted).has_value());
}

TEST(CreateOrganization, DepthSixteenIsTheLimit) {
  EXPECT_TRUE(decide(Organization{}, create("c", "C", "o15"), superadmin(), chain_of(15)));
  auto d = decide(Organization{}, create("c", "C", "o16"), superadmin(), chain_of(16));
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().fields.at(0).field, "parentId");
}

TEST(CreateOrganization, OwnersCreateOnlyInsideTheirSubtree) {
  auto chain = chain_of(2);
  EXPECT_TRUE(decide(Organization{}, create("c", "C", "o2"),
                     member_of("o1", OrganizationRole::owner), chain));
  auto admin = decide(Organization{}, create("c", "C", "o2"),
                      member_of("o1", OrganizationRole::admin), chain);
  ASSERT_FALSE(admin.has_value());
  EXPECT_EQ(admin.error().code, DomainErrorCode::forbidden);
  auto outsider = decide(Organization{}, create("c", "C", "o2"),
                         member_of("elsewhere", OrganizationRole::owner), chain);
  ASSERT_FALSE(outsider.has_value());
  EXPECT_EQ(outsider.error().fields.at(0).field, "parentId") << "reported like an unknown parent";
  auto top = decide(Organization{}, create("c", "C"), member_of("o1", OrganizationRole::owner), {});
  ASSERT_FALSE(top.has_value());
  EXPECT_EQ(top.error().code, DomainErrorCode::forbidden);
}

// The billing plan is a SuperAdmin's or the organization's owners' to choose, and a new
// organization has no owner yet: a parent's owner creating it sets none.
TEST(CreateOrganization, OnlyASuperAdminSetsTheBillingPlanOfANewOne) {
  auto chain = chain_of(2);
  auto planned = create("c", "C", "o2");
  planned.billing_plan = "enterprise";
  auto by_owner = decide(Organization{}, planned, member_of("o1", OrganizationRole::owner), chain);
  ASSERT_FALSE(by_owner.has_value());
  EXPECT_EQ(by_owner.error().code, DomainErrorCode::forbidden);
  EXPECT_TRUE(decide(Organization{}, planned, superadmin(), chain));
  planned.billing_plan = "free";
  EXPECT_TRUE(decide(Organization{}, planned, member_of("o1", OrganizationRole::owner), chain))
      << "the plan every new organization has";
  planned.billing_plan = "";
  EXPECT_EQ(decide(Organization{}, planned, superadmin(), chain).error().fields.at(0).field,
            "billingPlan")
      << "no empty plan, whoever sends it";
}

TEST(CreateOrganization, ExistingIdIsRefused) {
  auto d = decide(org("a", "A"), create("a", "B"), superadmin(), {});
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, DomainErrorCode::already_exists);
}

UpdateOrganization update(std::string id, std::uint64_t version, OrganizationPatch patch) {
  return {std::move(id), version, std::move(patch)};
}

TEST(UpdateOrganization, RenameWithCurrentVersionEmitsFullStateAndSwapsClaims) {
  auto current = org("a", "Acme");
  OrganizationPatch p;
  p.name = "Acme Two";
  auto d = decide(current, update("a", 1, p), superadmin(), {}, nullptr);
  ASSERT_TRUE(d.has_value());
  ASSERT_EQ(d->writes.size(), 1u);
  EXPECT_EQ(d->writes[0].expected_version, 1u);
  const auto& updated = std::get<OrganizationUpdated>(d->writes[0].events.at(0));
  EXPECT_EQ(updated.name, "Acme Two");
  EXPECT_EQ(updated.status, "active");
  EXPECT_EQ(d->claims, (std::vector<UniqueValue>{{"organization-name", "acme two"}}));
  EXPECT_EQ(d->releases, (std::vector<UniqueValue>{{"organization-name", "acme"}}));
}

TEST(UpdateOrganization, CaseOnlyRenameKeepsTheClaim) {
  OrganizationPatch p;
  p.name = "ACME";
  auto d = decide(org("a", "Acme"), update("a", 1, p), superadmin(), {}, nullptr);
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->claims.empty());
  EXPECT_TRUE(d->releases.empty());
}

TEST(UpdateOrganization, StaleVersionIsAConflictAndChangesNothing) {
  OrganizationPatch p;
  p.description = "x";
  auto current = given({OrganizationCreated{"a", "A", "", "", "active", "", "", "", ""},
                        OrganizationUpdated{"A", "d", "", "active", "", "", ""}});
  auto d = decide(current, update("a", 1, p), superadmin(), {}, nullptr);
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, DomainErrorCode::version_conflict);
}

TEST(UpdateOrganization, NoChangeEmitsNothing) {
  OrganizationPatch p;
  p.name = "A";
  auto d = decide(org("a", "A"), update("a", 1, p), superadmin(), {}, nullptr);
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->writes.empty());
}

TEST(UpdateOrganization, DefaultCannotBeRenamedOrMovedButCanBeDescribed) {
  auto def = org(std::string(kDefaultOrganizationId), "Default");
  OrganizationPatch rename;
  rename.name = "Other";
  auto d = decide(def, update(def.id, 1, rename), superadmin(), {}, nullptr);
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().rule, "default-organization");
  OrganizationPatch describe;
  describe.description = "where customers start";
  EXPECT_TRUE(decide(def, update(def.id, 1, describe), superadmin(), {}, nullptr));
}

// Default's customers see its subtree: no tenant's organization is created or moved there, nor
// below one that was before this rule.
TEST(UpdateOrganization, NothingIsPlacedUnderDefault) {
  const std::string default_id(kDefaultOrganizationId);
  auto created = decide(Organization{}, create("c", "C", default_id), superadmin(),
                        AncestorChain{org(default_id, "Default")});
  ASSERT_FALSE(created.has_value());
  EXPECT_EQ(created.error().rule, "default-organization");
  auto below = decide(Organization{}, create("c", "C", "old"), superadmin(),
                      AncestorChain{org("old", "Old", default_id), org(default_id, "Default")});
  ASSERT_FALSE(below.has_value());
  EXPECT_EQ(below.error().rule, "default-organization");
  auto x = org("x", "X");
  MoveContext move{{org(default_id, "Default")}, {}};
  OrganizationPatch p;
  p.parent_id = default_id;
  auto moved = decide(x, update("x", 1, p), superadmin(), {}, &move);
  ASSERT_FALSE(moved.has_value());
  EXPECT_EQ(moved.error().rule, "default-organization");
}

TEST(UpdateOrganization, MoveDetachesAttachesAndGuardsTheSubtree) {
  auto x = org("x", "X", "old");
  AncestorChain old_chain{org("old", "Old")};
  MoveContext move{{org("new", "New")}, {{"child", 4, 1}, {"grandchild", 2, 2}}, x.version};
  OrganizationPatch p;
  p.parent_id = "new";
  auto d = decide(x, update("x", 1, p), superadmin(), old_chain, &move);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->writes[0].expected_version, x.version);
  std::vector<std::string> streams;
  for (const auto& w : d->writes) streams.push_back(w.stream_id);
  EXPECT_EQ(streams, (std::vector<std::string>{"organization-x", "organization-old",
                                               "organization-new", "organization-child",
                                               "organization-grandchild"}));
  EXPECT_TRUE(std::holds_alternative<ChildOrganizationRemoved>(d->writes[1].events.at(0)));
  EXPECT_TRUE(std::holds_alternative<ChildOrganizationAdded>(d->writes[2].events.at(0)));
  EXPECT_EQ(d->writes[3].expected_version, 4u);
  EXPECT_TRUE(d->writes[3].events.empty());
}

// The subtree comes from a read model: listed at an earlier version of the moved organization,
// it may lack a child added since (its depth uncounted), so the move is written at the version
// the listing saw and loses to that change (the runner decides it again once the read model
// shows it); a listing that saw a later version than the log read does not pass it either.
TEST(UpdateOrganization, AMoveIsWrittenAtTheVersionItsSubtreeWasListedAt) {
  auto x = org("x", "X");
  x.version = 3;
  OrganizationPatch p;
  p.parent_id = "new";
  for (const std::uint64_t listed_at : {2u, 0u, 4u}) {
    SCOPED_TRACE(listed_at);
    MoveContext move{{org("new", "New")}, {}, listed_at};
    auto d = decide(x, update("x", 3, p), superadmin(), {}, &move);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->writes[0].stream_id, "organization-x");
    EXPECT_EQ(d->writes[0].expected_version, std::min<std::uint64_t>(listed_at, 3));
  }
  p = {};
  p.description = "no move";
  auto d = decide(x, update("x", 3, p), superadmin(), {}, nullptr);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->writes[0].expected_version, 3u) << "only a move reads a subtree";
}

TEST(UpdateOrganization, MoveUnderADescendantIsACycle) {
  auto x = org("x", "X");
  // new parent "child" sits below x: its ancestors are child -> x.
  MoveContext move{{org("child", "Child", "x"), x}, {{"child", 1, 1}}};
  OrganizationPatch p;
  p.parent_id = "child";
  auto d = decide(x, update("x", 1, p), superadmin(), {}, &move);
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().fields.at(0).field, "parentId");
  MoveContext self{{x}, {}};
  p.parent_id = "x";
  EXPECT_FALSE(decide(x, update("x", 1, p), superadmin(), {}, &self).has_value());
}

TEST(UpdateOrganization, MoveCountsTheSubtreeHeightAgainstTheDepthLimit) {
  auto x = org("x", "X");
  OrganizationPatch p;
  p.parent_id = "o13";
  // 13 ancestors + x + 2 levels below = 16: allowed; one more level below is not.
  MoveContext fits{chain_of(13), {{"c", 1, 1}, {"g", 1, 2}}};
  EXPECT_TRUE(decide(x, update("x", 1, p), superadmin(), {}, &fits));
  MoveContext too_deep{chain_of(13), {{"c", 1, 1}, {"g", 1, 2}, {"gg", 1, 3}}};
  EXPECT_FALSE(decide(x, update("x", 1, p), superadmin(), {}, &too_deep).has_value());
}

TEST(UpdateOrganization, OutsidersSeeNotFoundAndMembersAreForbidden) {
  auto a = org("a", "A");
  OrganizationPatch p;
  p.description = "x";
  auto outsider = decide(a, update("a", 1, p), member_of("b", OrganizationRole::owner), {}, nullptr);
  ASSERT_FALSE(outsider.has_value());
  EXPECT_EQ(outsider.error().code, DomainErrorCode::not_found);
  auto member = decide(a, update("a", 1, p), member_of("a", OrganizationRole::member), {}, nullptr);
  ASSERT_FALSE(member.has_value());
  EXPECT_EQ(member.error().code, DomainErrorCode::forbidden);
  EXPECT_TRUE(decide(a, update("a", 1, p), member_of("a", OrganizationRole::admin), {}, nullptr));
  Caller auditor{"au", PlatformRole::auditor, "", OrganizationRole::member};
  EXPECT_EQ(decide(a, update("a", 1, p), auditor, {}, nullptr).error().code,
            DomainErrorCode::forbidden);
}

TEST(DeleteOrganization, ReleasesNameAndDetachesFromParent) {
  auto c = org("c", "Child", "p");
  auto d = decide(c, DeleteOrganization{"c", 0}, superadmin(), {org("p", "P")}, Membership{});
  ASSERT_TRUE(d.has_value());
  ASSERT_EQ(d->writes.size(), 3u);  // itself, the parent, the (empty) membership guard
  EXPECT_EQ(std::get<OrganizationDeleted>(d->writes[0].events.at(0)).name, "Child");
  EXPECT_TRUE(std::holds_alternative<ChildOrganizationRemoved>(d->writes[1].events.at(0)));
  EXPECT_EQ(d->releases, (std::vector<UniqueValue>{{"organization-name", "child"}}));
}

TEST(DeleteOrganization, RemainingMembersMoveToDefaultGuardedByTheMembershipVersion) {
  auto a = org("a", "A");
  Membership members;
  members.members = {{"c1", OrganizationRole::owner}, {"c2", OrganizationRole::member}};
  members.version = 5;
  auto d = decide(a, DeleteOrganization{"a", 0}, superadmin(), {}, members);
  ASSERT_TRUE(d.has_value());
  auto find = [&](const std::string& stream) -> const StreamWrite* {
    for (const auto& w : d->writes) if (w.stream_id == stream) return &w;
    return nullptr;
  };
  ASSERT_NE(find("customer-c1"), nullptr);
  EXPECT_EQ(std::get<CustomerMoved>(find("customer-c1")->events.at(0)).organization_id,
            std::string(kDefaultOrganizationId));
  ASSERT_NE(find("members-a"), nullptr);
  EXPECT_EQ(find("members-a")->expected_version, 5u);
  EXPECT_EQ(find("members-a")->events.size(), 2u);
  EXPECT_EQ(find("members-" + std::string(kDefaultOrganizationId))->events.size(), 2u);
  auto empty = decide(a, DeleteOrganization{"a", 0}, superadmin(), {}, Membership{});
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(std::any_of(empty->writes.begin(), empty->writes.end(), [](const StreamWrite& w) {
    return w.stream_id == "members-a" && w.events.empty() && w.expected_version == 0;
  })) << "even an empty membership is guarded, so a concurrent join fails the delete";
}

TEST(CreateOrganization, CreatesTheTwoGlobalGroupsWhenGivenIds) {
  CreateOrganization c = create("a", "A");
  c.customers_group_id = "g1";
  c.things_group_id = "g2";
  auto d = decide(Organization{}, c, superadmin(), {});
  ASSERT_TRUE(d.has_value());
  ASSERT_EQ(d->writes.size(), 3u);
  const auto& customers = std::get<GroupCreated>(d->writes[1].events.at(0));
  EXPECT_EQ(customers.kind, "customers");
  EXPECT_TRUE(customers.global);
  EXPECT_EQ(std::get<GroupCreated>(d->writes[2].events.at(0)).kind, "things");
}

TEST(DeleteOrganization, RefusedWhileItHasChildren) {
  auto p = given({OrganizationCreated{"p", "P", "", "", "active", "", "", "", ""},
                  ChildOrganizationAdded{"c"}});
  EXPECT_EQ(p.child_count, 1u);
  auto d = decide(p, DeleteOrganization{"p", 0}, superadmin(), {}, Membership{});
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().rule, "has-children");
  auto emptied = given({OrganizationCreated{"p", "P", "", "", "active", "", "", "", ""},
                        ChildOrganizationAdded{"c"}, ChildOrganizationRemoved{"c"}});
  EXPECT_TRUE(decide(emptied, DeleteOrganization{"p", 0}, superadmin(), {}, Membership{}));
}

TEST(DeleteOrganization, DefaultAndAlreadyDeletedAndNonOwners) {
  auto def = org(std::string(kDefaultOrganizationId), "Default");
  EXPECT_EQ(decide(def, DeleteOrganization{def.id, 0}, superadmin(), {}, Membership{}).error().rule,
            "default-organization");
  auto gone = given({OrganizationCreated{"g", "G", "", "", "active", "", "", "", ""},
                     OrganizationDeleted{"G"}});
  EXPECT_EQ(decide(gone, DeleteOrganization{"g", 0}, superadmin(), {}, Membership{}).error().code,
            DomainErrorCode::not_found);
  auto a = org("a", "A");
  EXPECT_EQ(decide(a, DeleteOrganization{"a", 0}, member_of("a", OrganizationRole::admin), {}, Membership{})
                .error()
                .code,
            DomainErrorCode::forbidden);
  EXPECT_TRUE(decide(a, DeleteOrganization{"a", 0}, member_of("a", OrganizationRole::owner), {}, Membership{}));
  EXPECT_EQ(decide(a, DeleteOrganization{"a", 7}, superadmin(), {}, Membership{}).error().code,
            DomainErrorCode::version_conflict);
}

TEST(OrganizationState, ApplyTracksAuditFieldsFromEnvelopes) {
  Organization s;
  s = apply(s, OrganizationCreated{"a", "A", "", "", "active", "", "", "", "free"},
            {1, 1000, "alice"});
  s = apply(s, OrganizationUpdated{"B", "", "", "inactive", "", "", ""}, {2, 2000, "bob"});
  EXPECT_EQ(s.name, "B");
  EXPECT_EQ(s.status, "inactive");
  EXPECT_EQ(s.version, 2u);
  EXPECT_EQ(s.created_ms, 1000);
  EXPECT_EQ(s.created_by, "alice");
  EXPECT_EQ(s.updated_ms, 2000);
  EXPECT_EQ(s.updated_by, "bob");
  EXPECT_EQ(s.billing_plan, "free") << "billing plan is not touched by updates";
}

}  // namespace
}  // namespace orgd::domain
