#include <gtest/gtest.h>

#include "domain/billing/billing.hpp"
#include "domain/contract/contract_decisions.hpp"
#include "domain/group/group_decisions.hpp"
#include "domain/resource/resource.hpp"
#include "domain/resource/resource_events.hpp"
#include "tests/domain/organization_fixture.hpp"

namespace orgd::domain {
namespace {

using testing::member_of;
using testing::org;
using testing::superadmin;

template <class State>
State fold(std::vector<Event> events) {
  State s;
  std::uint64_t v = 0;
  for (const auto& e : events) s = apply(std::move(s), e, {++v, 0, "t"});
  return s;
}

Contract contract(std::uint64_t revisions = 1) {
  std::vector<Event> events{ContractPublished{"k", "Terms", "text", "", "v1"}};
  for (std::uint64_t r = 2; r <= revisions; ++r) {
    events.emplace_back(ContractRevised{"Terms", "text", "", "v" + std::to_string(r)});
  }
  return fold<Contract>(events);
}

TEST(Contracts, OnlySuperAdminsPublishWithTextOrUrl) {
  PublishContract p{"k", "Terms", "All yours.", "", "1.0"};
  EXPECT_TRUE(decide(Contract{}, p, superadmin()));
  EXPECT_EQ(decide(Contract{}, p, member_of("a", OrganizationRole::owner)).error().code,
            DomainErrorCode::forbidden);
  p.url = "https://example.org/terms";
  EXPECT_EQ(decide(Contract{}, p, superadmin()).error().fields.at(0).field, "text");
}

TEST(Contracts, ANewVersionIsTheNextRevision) {
  auto d = decide(contract(), ReviseContract{"k", "Terms", "new", "", "v2"}, superadmin());
  ASSERT_TRUE(d.has_value());
  auto revised = fold<Contract>({ContractPublished{"k", "T", "x", "", "v1"},
                                 std::get<ContractRevised>(d->writes[0].events.at(0))});
  EXPECT_EQ(revised.revision, 2u);
  EXPECT_FALSE(decide(contract(), ReviseContract{"k", "Terms", "new", "", "v1"}, superadmin()))
      << "the version label must change";
}

// Default never has an owner to accept for it: a contract there would hold up every customer
// in Default for good.
TEST(Contracts, NotAssignableToDefault) {
  Organization default_organization = org(std::string(kDefaultOrganizationId), "Default");
  auto d = decide(contract(), AssignContract{std::string(kDefaultOrganizationId), "k"},
                  superadmin(), default_organization, {}, ContractAssignments{});
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().rule, "default-organization");
}

// Default is no tenant: its customers wait there for an organization. Nobody bills it, and no
// group gathers those strangers -- not even at a SuperAdmin's word.
TEST(Default, IsNotBilledNorGrouped) {
  const std::string def(kDefaultOrganizationId);
  const Organization default_organization = org(def, "Default");
  auto plan = decide(default_organization, ChangeBillingPlan{def, "pro"}, superadmin(), {});
  ASSERT_FALSE(plan.has_value());
  EXPECT_EQ(plan.error().rule, "default-organization");
  auto invoice = decide(Invoice{}, IssueInvoice{"i", def, "2026-11", 100, "EUR"}, superadmin(),
                        default_organization);
  ASSERT_FALSE(invoice.has_value());
  EXPECT_EQ(invoice.error().rule, "default-organization");
  auto group = decide(Group{}, CreateGroup{"g", def, "Waiting", "customers"}, superadmin(),
                      default_organization, {});
  ASSERT_FALSE(group.has_value());
  EXPECT_EQ(group.error().rule, "default-organization");
  // Its global customers group lists the customers waiting there: not to one another.
  const Caller waiting{"w", PlatformRole::none, def, OrganizationRole::member};
  EXPECT_FALSE(can_view_group(waiting, def));
  EXPECT_TRUE(can_view_group(superadmin(), def));
  EXPECT_TRUE(can_view_group(member_of("a", OrganizationRole::member), "a"));
}

TEST(Contracts, OwnersAndAdminsAssignToTheirOrganization) {
  auto a = org("a", "A");
  auto d = decide(contract(), AssignContract{"a", "k"}, member_of("a", OrganizationRole::admin), a,
                  {}, ContractAssignments{});
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->writes[0].stream_id, "contract-assignments-a");
  EXPECT_EQ(decide(contract(), AssignContract{"a", "k"}, member_of("a", OrganizationRole::member),
                   a, {}, ContractAssignments{})
                .error()
                .code,
            DomainErrorCode::forbidden);
  EXPECT_EQ(decide(contract(), AssignContract{"a", "k"}, member_of("b", OrganizationRole::owner), a,
                   {}, ContractAssignments{})
                .error()
                .code,
            DomainErrorCode::not_found);
  auto assigned = fold<ContractAssignments>({ContractAssigned{"k"}});
  EXPECT_TRUE(
      decide(contract(), AssignContract{"a", "k"}, superadmin(), a, {}, assigned)->writes.empty())
      << "assigning twice changes nothing";
  EXPECT_TRUE(decide(UnassignContract{"a", "k"}, superadmin(), a, {}, assigned));
  EXPECT_EQ(decide(UnassignContract{"a", "k"}, superadmin(), a, {}, ContractAssignments{})
                .error()
                .code,
            DomainErrorCode::not_found);
}

TEST(Contracts, CustomersAcceptForThemselvesOwnersForTheOrganization) {
  auto assigned = fold<ContractAssignments>({ContractAssigned{"k"}});
  auto member = member_of("a", OrganizationRole::member);
  auto mine = decide(contract(2), AcceptContract{"k", false}, member, assigned, {}, 0);
  ASSERT_TRUE(mine.has_value());
  EXPECT_EQ(mine->writes[0].stream_id, "contract-acceptances-c-a");
  EXPECT_EQ(std::get<ContractAccepted>(mine->writes[0].events.at(0)).revision, 2u);
  EXPECT_TRUE(mine->writes[1].events.empty()) << "the revision accepted is guarded";
  EXPECT_EQ(decide(contract(), AcceptContract{"k", true}, member, assigned, {}, 0).error().code,
            DomainErrorCode::forbidden);
  auto for_org = decide(contract(), AcceptContract{"k", true},
                        member_of("a", OrganizationRole::owner), assigned, {}, 0);
  ASSERT_TRUE(for_org.has_value());
  EXPECT_EQ(for_org->writes[0].stream_id, "contract-assignments-a");
  EXPECT_EQ(decide(contract(), AcceptContract{"k", false}, member, ContractAssignments{}, {}, 0)
                .error()
                .code,
            DomainErrorCode::not_found)
      << "only assigned contracts are accepted";
  auto accepted = fold<ContractAcceptances>({ContractAccepted{"k", 1}});
  EXPECT_TRUE(decide(contract(), AcceptContract{"k", false}, member, assigned, accepted, 0)
                  ->writes.empty());
  EXPECT_FALSE(decide(contract(2), AcceptContract{"k", false}, member, assigned, accepted, 0)
                   ->writes.empty())
      << "a new version needs accepting again";
}

// An acceptance counts for the customer's present stay in its organization: one made before
// it last came there (left, then came back) is not, and the customer accepts again.
TEST(Contracts, AcceptanceIsForTheCustomersPresentStay) {
  ContractAcceptances accepted_at_10 =
      apply(ContractAcceptances{}, ContractAccepted{"k", 1, "a"}, {1, 0, "t", 10});
  EXPECT_TRUE(accepted_at_10.has_accepted("k", 1, "a", 5)) << "joined at 5, accepted at 10";
  EXPECT_FALSE(accepted_at_10.has_accepted("k", 1, "a", 20)) << "left and came back at 20";
  auto assigned = fold<ContractAssignments>({ContractAssigned{"k"}});
  auto member = member_of("a", OrganizationRole::member);
  EXPECT_TRUE(decide(contract(), AcceptContract{"k", false}, member, assigned, accepted_at_10, 5)
                  ->writes.empty());
  auto again = decide(contract(), AcceptContract{"k", false}, member, assigned, accepted_at_10, 20);
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(again->writes.empty()) << "accepted again";
  Customer customer =
      apply(Customer{}, CustomerRegistered{.id = "c", .organization_id = "a"}, {1, 0, "t", 3});
  EXPECT_EQ(customer.joined_position, 3u);
  customer = apply(std::move(customer), CustomerMoved{"b", "member"}, {2, 0, "t", 8});
  EXPECT_EQ(customer.joined_position, 8u);
  customer = apply(std::move(customer), CustomerRoleChanged{"admin"}, {3, 0, "t", 9});
  EXPECT_EQ(customer.joined_position, 8u) << "a role change is no move";
}

// A customer accepts its organization's contracts: accepted while in another organization,
// the same revision is accepted again after a move. Acceptances logged before they named an
// organization count in any.
TEST(Contracts, AcceptanceIsForTheOrganizationTheCustomerIsIn) {
  auto assigned = fold<ContractAssignments>({ContractAssigned{"k"}});
  auto member = member_of("a", OrganizationRole::member);
  auto first = decide(contract(), AcceptContract{"k", false}, member, assigned, {}, 0);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(std::get<ContractAccepted>(first->writes[0].events.at(0)).organization_id, "a");
  auto in_a = fold<ContractAcceptances>({ContractAccepted{"k", 1, "a"}});
  EXPECT_TRUE(in_a.has_accepted("k", 1, "a", 0));
  EXPECT_FALSE(in_a.has_accepted("k", 1, "b", 0));
  EXPECT_TRUE(
      decide(contract(), AcceptContract{"k", false}, member, assigned, in_a, 0)->writes.empty());
  auto moved = member_of("b", OrganizationRole::member);
  moved.customer_id = member.customer_id;
  auto again = decide(contract(), AcceptContract{"k", false}, moved,
                      fold<ContractAssignments>({ContractAssigned{"k"}}), in_a, 0);
  ASSERT_TRUE(again.has_value());
  ASSERT_FALSE(again->writes.empty()) << "accepted in a is not accepted in b";
  EXPECT_EQ(std::get<ContractAccepted>(again->writes[0].events.at(0)).organization_id, "b");
  EXPECT_TRUE(fold<ContractAcceptances>({ContractAccepted{"k", 1}}).has_accepted("k", 1, "b", 0))
      << "an acceptance logged before 2026-12-04 names no organization";
}

TEST(Billing, PlanBySuperAdminOrOwner) {
  auto a = org("a", "A");
  EXPECT_TRUE(
      decide(a, ChangeBillingPlan{"a", "pro"}, member_of("a", OrganizationRole::owner), {}));
  EXPECT_EQ(decide(a, ChangeBillingPlan{"a", "pro"}, member_of("a", OrganizationRole::admin), {})
                .error()
                .code,
            DomainErrorCode::forbidden);
  EXPECT_EQ(decide(a, ChangeBillingPlan{"a", "Pro Plan"}, superadmin(), {}).error().code,
            DomainErrorCode::invalid);
  auto changed = apply(a, BillingPlanChanged{"pro"}, {2, 0, "t"});
  EXPECT_EQ(changed.billing_plan, "pro");
}

// An organization below the caller's is in its reach (it sees it exists): its plan is 403 there.
// One out of reach is unknown to the caller: 404, as for every id it may not see.
TEST(Billing, APlanBelowTheCallersOrganizationIsForbiddenOneOutOfReachUnknown) {
  auto child = org("c", "C");
  child.parent_id = "a";
  const AncestorChain ancestors{org("a", "A")};
  const ChangeBillingPlan plan{"c", "pro"};
  EXPECT_EQ(decide(child, plan, member_of("a", OrganizationRole::owner), ancestors).error().code,
            DomainErrorCode::forbidden);
  EXPECT_EQ(decide(child, plan, member_of("z", OrganizationRole::owner), ancestors).error().code,
            DomainErrorCode::not_found);
  EXPECT_TRUE(decide(child, plan, member_of("c", OrganizationRole::owner), ancestors));
  EXPECT_EQ(check_invoice_listing(member_of("a", OrganizationRole::owner), "c", ancestors)->code,
            DomainErrorCode::forbidden);
  EXPECT_EQ(check_invoice_listing(member_of("z", OrganizationRole::owner), "c", ancestors)->code,
            DomainErrorCode::not_found);
  EXPECT_EQ(check_invoice_listing(member_of("c", OrganizationRole::admin), "c", ancestors)->code,
            DomainErrorCode::forbidden)
      << "owners read invoices";
  EXPECT_FALSE(check_invoice_listing(member_of("c", OrganizationRole::owner), "c", ancestors));
  EXPECT_EQ(check_group_listing(member_of("a", OrganizationRole::owner), "c", ancestors)->code,
            DomainErrorCode::forbidden);
  EXPECT_EQ(check_group_listing(member_of("z", OrganizationRole::member), "c", ancestors)->code,
            DomainErrorCode::not_found);
  EXPECT_FALSE(check_group_listing(member_of("c", OrganizationRole::member), "c", ancestors));
}

TEST(Billing, InvoicesAreIssuedBySuperAdminsAndSettledOnce) {
  auto a = org("a", "A");
  IssueInvoice issue{"i", "a", "2026-11", 4999, "EUR"};
  auto d = decide(Invoice{}, issue, superadmin(), a);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(decide(Invoice{}, issue, member_of("a", OrganizationRole::owner), a).error().code,
            DomainErrorCode::forbidden);
  IssueInvoice bad{"i", "a", "2026-13", -1, "EURO"};
  EXPECT_EQ(decide(Invoice{}, bad, superadmin(), a).error().fields.size(), 3u);
  auto invoice = fold<Invoice>({std::get<InvoiceIssued>(d->writes[0].events.at(0))});
  EXPECT_EQ(invoice.status, "open");
  EXPECT_TRUE(decide(invoice, PayInvoice{"i"}, member_of("a", OrganizationRole::owner)));
  EXPECT_EQ(decide(invoice, PayInvoice{"i"}, member_of("b", OrganizationRole::owner)).error().code,
            DomainErrorCode::not_found);
  EXPECT_EQ(decide(invoice, VoidInvoice{"i"}, member_of("a", OrganizationRole::owner)).error().code,
            DomainErrorCode::forbidden);
  auto paid = apply(invoice, InvoicePaid{"a"}, {2, 0, "t"});
  EXPECT_EQ(decide(paid, VoidInvoice{"i"}, superadmin()).error().rule, "invoice-not-open");
}

TEST(Groups, OwnersAndAdminsCreateAndFillGroupsOfTheirOrganization) {
  auto a = org("a", "A");
  auto created = decide(Group{}, CreateGroup{"g", "a", "Ops", "customers"},
                        member_of("a", OrganizationRole::admin), a, {});
  ASSERT_TRUE(created.has_value());
  auto group = fold<Group>({std::get<GroupCreated>(created->writes[0].events.at(0))});
  EXPECT_EQ(decide(Group{}, CreateGroup{"g", "a", "Ops", "people"}, superadmin(), a, {})
                .error()
                .fields.at(0)
                .field,
            "kind");
  Customer bob;
  bob = apply(bob, CustomerRegistered{"bob", "b@x.io", "B", "B", "", "a", "member", "", "h", "", ""},
              {1, 0, "t"});
  Customer stranger;
  stranger = apply(stranger,
                   CustomerRegistered{"s", "s@x.io", "S", "S", "", "b", "member", "", "h", "", ""},
                   {1, 0, "t"});
  auto admin = member_of("a", OrganizationRole::admin);
  EXPECT_TRUE(decide(group, AddGroupMember{"g", "bob"}, admin, bob));
  EXPECT_EQ(decide(group, AddGroupMember{"g", "s"}, admin, stranger).error().code,
            DomainErrorCode::invalid);
  EXPECT_EQ(decide(group, AddGroupMember{"g", "bob"}, member_of("a", OrganizationRole::member), bob)
                .error()
                .code,
            DomainErrorCode::forbidden);
  auto with_bob = apply(group, GroupMemberAdded{"bob"}, {2, 0, "t"});
  EXPECT_TRUE(decide(with_bob, RemoveGroupMember{"g", "bob"}, admin));
  EXPECT_TRUE(decide(with_bob, DeleteGroup{"g"}, admin));
}

TEST(Groups, PlatformAccountsJoinNoGroup) {
  const std::string def(kDefaultOrganizationId);
  auto group = fold<Group>({GroupCreated{"g", def, "Helpers", "customers", false}});
  Customer auditor;
  auditor = apply(
      auditor,
      CustomerRegistered{"au", "au@x.io", "A", "U", "", def, "member", "auditor", "h", "", ""},
      {1, 0, "t"});
  auto d = decide(group, AddGroupMember{"g", "au"}, superadmin(), auditor);
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().rule, "platform-account");
}

// A things group takes resources of its own organization, and nothing else.
TEST(Groups, AThingsGroupTakesTheOrganizationsResources) {
  auto things = fold<Group>({GroupCreated{"g", "a", "Devices", "things", false}});
  auto resource_in = [](std::string id, std::string organization) {
    Resource r;
    return apply(r, ResourceCreated{id, "thing", "Sensor", "", "bob", organization, "", {}},
                 {1, 0, "t"});
  };
  const auto admin = member_of("a", OrganizationRole::admin);
  auto added = decide(things, AddGroupMember{"g", "t1"}, admin, resource_in("t1", "a"));
  ASSERT_TRUE(added.has_value());
  EXPECT_EQ(added->writes.at(1).stream_id, resource_stream("t1")) << "it must still exist";
  EXPECT_EQ(decide(things, AddGroupMember{"g", "t2"}, admin, resource_in("t2", "b")).error().code,
            DomainErrorCode::invalid)
      << "another organization's";
  Resource unknown;
  EXPECT_EQ(decide(things, AddGroupMember{"g", "t3"}, admin, unknown).error().code,
            DomainErrorCode::invalid);
  Customer bob;
  bob =
      apply(bob, CustomerRegistered{"bob", "b@x.io", "B", "B", "", "a", "member", "", "h", "", ""},
            {1, 0, "t"});
  EXPECT_EQ(decide(things, AddGroupMember{"g", "bob"}, admin, bob).error().code,
            DomainErrorCode::invalid)
      << "a customer is no thing";
  auto customers = fold<Group>({GroupCreated{"c", "a", "Ops", "customers", false}});
  EXPECT_EQ(
      decide(customers, AddGroupMember{"c", "t1"}, admin, resource_in("t1", "a")).error().code,
      DomainErrorCode::invalid)
      << "a resource is no customer";
}

TEST(Groups, GlobalGroupsAreNeitherEditedNorDeleted) {
  auto global = fold<Group>({GroupCreated{"g", "a", "All customers", "customers", true}});
  EXPECT_EQ(decide(global, DeleteGroup{"g"}, superadmin()).error().rule, "global-group");
  EXPECT_EQ(decide(global, RemoveGroupMember{"g", "x"}, superadmin()).error().rule, "global-group");
}

}  // namespace
}  // namespace orgd::domain
