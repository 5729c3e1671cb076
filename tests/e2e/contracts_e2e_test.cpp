// Contracts and the acceptance gate, groups and billing, end to end.

#include <set>
#include <utility>

#include "tests/e2e/orgd_fixture.hpp"

namespace orgd::e2e {
namespace {

class Contracts : public OrgdTest {
 protected:
  void SetUp() override {
    OrgdTest::SetUp();
    token_ = login();  // SuperAdmin
    acme_ = signup("Acme", "owner@acme.io");
    member_ = add_customer(acme_, "member@acme.io");
  }

  std::string publish(const std::string& version) {
    auto r = call("POST", "/api/v1/contracts",
                  R"({"title":"Terms of use","text":"Be nice.","version":")" + version + "\"}");
    EXPECT_EQ(r.status, 201) << r.body;
    return str(json(r), "id");
  }

  void assign(const std::string& contract) {
    auto r = call("POST", "/api/v1/organizations/" + acme_.organization_id + "/contracts",
                  R"({"contractId":")" + contract + "\"}");
    EXPECT_EQ(r.status, 201) << r.body;
  }

  // The member's answer on an ordinary endpoint: 200 when through, else the gate's 403.
  test::HttpResult ordinary(const Account& who) {
    return as(who.token, "GET", "/api/v1/organizations/" + acme_.organization_id);
  }

  static std::vector<std::string> pending_of(const test::HttpResult& r) {
    std::vector<std::string> ids;
    const auto body = json(r);  // kept alive: the loop walks into it
    for (const auto& id : body.at("pendingContracts").as_array()) ids.emplace_back(id.as_string());
    return ids;
  }

  Account acme_, member_;
};

// The gate's 403 comes before any command runs, and accepting lifts it: a command refused by
// it, repeated with the same Idempotency-Key once accepted, runs instead of replaying the 403.
TEST_F(Contracts, AGatedCommandRepeatedWithItsKeyRunsOnceAccepted) {
  const std::string terms = publish("1.0");
  assign(terms);
  ASSERT_EQ(as(acme_.token, "POST", "/api/v1/contracts/" + terms + "/accept",
               R"({"onBehalfOfOrganization":true})")
                .status,
            200);
  auto keyed = [&] {
    auto headers = auth(acme_.token);  // accepted for the organization, not for herself
    headers.emplace_back("Idempotency-Key", "key-gated");
    return client_->request("PUT", "/api/v1/organizations/" + acme_.organization_id,
                            R"({"description":"gated","updateVersion":1})", headers);
  };
  auto gated = keyed();
  ASSERT_EQ(gated.status, 403) << gated.body;
  ASSERT_TRUE(str(json(gated), "type").ends_with("contract-acceptance-required"));
  ASSERT_EQ(as(acme_.token, "POST", "/api/v1/contracts/" + terms + "/accept", "{}").status, 200);
  auto after = keyed();
  EXPECT_EQ(after.status, 200) << after.body;
  EXPECT_FALSE(after.has_header("Idempotent-Replayed"));
  EXPECT_EQ(keyed().header("Idempotent-Replayed"), "true") << "the 200 is recorded";
}

TEST_F(Contracts, TheGateOpensOnlyWhenOrganizationAndCustomerAccepted) {
  const std::string terms = publish("1.0");
  EXPECT_EQ(ordinary(member_).status, 200);
  assign(terms);
  auto locked = ordinary(member_);
  ASSERT_EQ(locked.status, 403);
  EXPECT_TRUE(str(json(locked), "type").ends_with("contract-acceptance-required"));
  EXPECT_EQ(pending_of(locked), std::vector<std::string>{terms});
  // What stays open while locked: reading and accepting contracts, /me, logout.
  EXPECT_EQ(as(member_.token, "GET", "/api/v1/contracts").status, 200);
  EXPECT_EQ(as(member_.token, "GET", "/api/v1/contracts/" + terms).status, 200);
  EXPECT_EQ(pending_of(as(member_.token, "GET", "/api/v1/me")), std::vector<std::string>{terms});

  // The organization accepts (an owner, on its behalf): the member is still locked.
  auto for_org = as(acme_.token, "POST", "/api/v1/contracts/" + terms + "/accept",
                    R"({"onBehalfOfOrganization":true})");
  ASSERT_EQ(for_org.status, 200) << for_org.body;
  EXPECT_EQ(ordinary(member_).status, 403);
  EXPECT_EQ(as(member_.token, "POST", "/api/v1/contracts/" + terms + "/accept",
               R"({"onBehalfOfOrganization":true})")
                .status,
            403)
      << "only owners accept for the organization";
  // The member accepts: unlocked.
  EXPECT_EQ(as(member_.token, "POST", "/api/v1/contracts/" + terms + "/accept", "{}").status, 200);
  EXPECT_EQ(ordinary(member_).status, 200);
  EXPECT_EQ(ordinary(acme_).status, 403) << "the owner has not accepted for herself yet";

  // Status per contract: organization accepted, who still has to.
  auto status = json(call("GET", "/api/v1/organizations/" + acme_.organization_id + "/contracts"));
  const auto& entry = status.at("contracts").at(0);
  EXPECT_TRUE(entry.at("organizationAccepted").as_bool());
  ASSERT_EQ(entry.at("pendingMembers").as_array().size(), 1u);
  EXPECT_EQ(entry.at("pendingMembers").at(0).as_string(), acme_.customer_id);
  EXPECT_TRUE(entry.at("pendingMembersComplete").as_bool()) << "two members, all checked";
  EXPECT_EQ(status.at("pageInfo").at("pageSize").as_int64(), 10) << "the default, as everywhere";
  EXPECT_EQ(status.at("pageInfo").at("totalElements").as_int64(), 1);
}

// The status pages by number like every listing (it had one page of everything, and pageInfo's
// pageSize was the number of contracts); a cursor it does not take.
TEST_F(Contracts, TheOrganizationsContractStatusPages) {
  for (const char* version : {"1.0", "2.0", "3.0"}) assign(publish(version));
  const std::string path = "/api/v1/organizations/" + acme_.organization_id + "/contracts";
  auto first = json(call("GET", path + "?pageSize=2"));
  EXPECT_EQ(first.at("contracts").as_array().size(), 2u);
  EXPECT_EQ(first.at("pageInfo").at("totalElements").as_int64(), 3);
  EXPECT_EQ(first.at("pageInfo").at("totalPages").as_int64(), 2);
  auto second = json(call("GET", path + "?pageSize=2&page=2"));
  ASSERT_EQ(second.at("contracts").as_array().size(), 1u);
  EXPECT_NE(second.at("contracts").at(0).at("contract"),
            first.at("contracts").at(0).at("contract"));
  EXPECT_NE(second.at("contracts").at(0).at("contract"),
            first.at("contracts").at(1).at("contract"));
  EXPECT_EQ(json(call("GET", path + "?page=3")).at("contracts").as_array().size(), 0u);
  EXPECT_EQ(call("GET", path + "?cursor=00").status, 400);
}

// Past its limit of members checked, the status says its list is not complete.
TEST_F(Contracts, AStatusPastItsLimitSaysItIsIncomplete) {
  assign(publish("1.0"));
  api::ApiOptions options;
  options.most_members_listed = 1;
  restart(options);
  token_ = login();
  auto status = json(call("GET", "/api/v1/organizations/" + acme_.organization_id + "/contracts"));
  const auto& entry = status.at("contracts").at(0);
  EXPECT_EQ(entry.at("pendingMembers").as_array().size(), 1u) << "of two members, one checked";
  EXPECT_FALSE(entry.at("pendingMembersComplete").as_bool());
}

// A customer's own listing of its organization's contracts pages like every listing.
TEST_F(Contracts, ACustomersListingPages) {
  for (const char* version : {"1.0", "2.0", "3.0"}) assign(publish(version));
  auto all = json(as(member_.token, "GET", "/api/v1/contracts"));
  EXPECT_EQ(all.at("contracts").as_array().size(), 3u);
  auto second = json(as(member_.token, "GET", "/api/v1/contracts?pageSize=2&page=2"));
  EXPECT_EQ(second.at("contracts").as_array().size(), 1u);
  EXPECT_EQ(second.at("pageInfo").at("totalElements").as_int64(), 3);
  EXPECT_EQ(second.at("pageInfo").at("totalPages").as_int64(), 2);
  EXPECT_EQ(as(member_.token, "GET", "/api/v1/contracts?cursor=00").status, 400);
}

// Who still has to accept names customers: those above a child organization who may not list
// its members (a plain member of the parent) see the child, not that list.
TEST_F(Contracts, AChildsAcceptanceStatusIsForThoseWhoManageIt) {
  auto child = as(acme_.token, "POST", "/api/v1/organizations",
                  R"({"name":"Acme Labs","parentId":")" + acme_.organization_id + "\"}");
  ASSERT_EQ(child.status, 201) << child.body;
  const std::string labs = "/api/v1/organizations/" + str(json(child), "id");
  EXPECT_EQ(as(member_.token, "GET", labs).status, 200) << "the member sees the child";
  auto by_member = as(member_.token, "GET", labs + "/contracts");
  EXPECT_EQ(by_member.status, 404) << by_member.body;
  EXPECT_EQ(as(acme_.token, "GET", labs + "/contracts").status, 200) << "the parent's owner";
  EXPECT_EQ(
      as(member_.token, "GET", "/api/v1/organizations/" + acme_.organization_id + "/contracts")
          .status,
      200)
      << "a member follows its own organization";
}

// Default has no owner to accept for it: a contract there would hold up everyone in Default.
// Assigning a contract already assigned records nothing, and says so: 200, not 201.
TEST_F(Contracts, AssigningAgainCreatesNothing) {
  const auto terms = publish("1");
  assign(terms);
  const auto before = head();
  auto again = call("POST", "/api/v1/organizations/" + acme_.organization_id + "/contracts",
                    R"({"contractId":")" + terms + "\"}");
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_TRUE(again.header("Location").empty());
  EXPECT_EQ(str(json(again), "id"), terms);
  EXPECT_EQ(head(), before) << "no event";
}

TEST_F(Contracts, NoneIsAssignedToDefault) {
  const std::string terms = publish("1.0");
  const auto before = head();
  auto r = call("POST", "/api/v1/organizations/00000000-0000-7000-8000-000000000001/contracts",
                R"({"contractId":")" + terms + "\"}");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_TRUE(str(json(r), "type").ends_with("default-organization")) << r.body;
  EXPECT_EQ(head(), before);
}

TEST_F(Contracts, ANewVersionLocksAgainAndMovedCustomersMustAccept) {
  const std::string terms = publish("1.0");
  assign(terms);
  EXPECT_EQ(as(acme_.token, "POST", "/api/v1/contracts/" + terms + "/accept",
               R"({"onBehalfOfOrganization":true})").status, 200);
  EXPECT_EQ(as(member_.token, "POST", "/api/v1/contracts/" + terms + "/accept", "").status, 200);
  EXPECT_EQ(ordinary(member_).status, 200);
  auto revised = call("POST", "/api/v1/contracts/" + terms + "/versions",
                      R"({"title":"Terms of use","text":"Be nicer.","version":"2.0"})");
  ASSERT_EQ(revised.status, 200) << revised.body;
  EXPECT_EQ(json(revised).at("revision").as_int64(), 2);
  EXPECT_EQ(ordinary(member_).status, 403) << "version 2 needs accepting again";

  // A customer moved in from Default is locked until it accepts.
  EXPECT_EQ(as(acme_.token, "POST", "/api/v1/contracts/" + terms + "/accept",
               R"({"onBehalfOfOrganization":true})").status, 200);
  EXPECT_EQ(as(acme_.token, "POST", "/api/v1/contracts/" + terms + "/accept", "").status, 200);
  auto newcomer = call("POST", "/api/v1/customers",
                       R"({"email":"new@x.io","password":"password1","firstName":"N","lastName":"N"})");
  const std::string newcomer_id = str(json(newcomer), "id");
  const std::string newcomer_token = login("new@x.io", "password1");
  EXPECT_EQ(as(acme_.token, "POST", "/api/v1/organizations/" + acme_.organization_id + "/members",
               R"({"customerId":")" + newcomer_id + "\"}").status, 201);
  EXPECT_EQ(as(newcomer_token, "GET", "/api/v1/organizations/" + acme_.organization_id).status, 403);
  EXPECT_EQ(as(newcomer_token, "POST", "/api/v1/contracts/" + terms + "/accept", "").status, 200);
  EXPECT_EQ(as(newcomer_token, "GET", "/api/v1/organizations/" + acme_.organization_id).status, 200);
}

// Accepting a contract is for the organization one is in, and for the present stay there: a
// customer who accepted it in one organization and moves to another that has it too accepts it
// again there, and again when it comes back to the first.
TEST_F(Contracts, AcceptedInOneOrganizationIsNotAcceptedInTheNext) {
  const std::string terms = publish("1.0");
  const Account globex = signup("Globex", "owner@globex.io");
  for (const Account& owner : {acme_, globex}) {
    ASSERT_EQ(call("POST", "/api/v1/organizations/" + owner.organization_id + "/contracts",
                   R"({"contractId":")" + terms + "\"}")
                  .status,
              201);
    ASSERT_EQ(as(owner.token, "POST", "/api/v1/contracts/" + terms + "/accept",
                 R"({"onBehalfOfOrganization":true})")
                  .status,
              200);
    ASSERT_EQ(as(owner.token, "POST", "/api/v1/contracts/" + terms + "/accept", "").status, 200);
  }
  ASSERT_EQ(as(member_.token, "POST", "/api/v1/contracts/" + terms + "/accept", "").status, 200);
  EXPECT_EQ(ordinary(member_).status, 200);
  ASSERT_EQ(remove_member(acme_, member_.customer_id).status, 204);
  ASSERT_EQ(add_member(globex, member_.customer_id).status, 201);
  const std::string in_globex = "/api/v1/organizations/" + globex.organization_id;
  auto locked = as(member_.token, "GET", in_globex);
  ASSERT_EQ(locked.status, 403) << locked.body;
  EXPECT_EQ(pending_of(locked), std::vector<std::string>{terms});
  auto status = json(as(globex.token, "GET", in_globex + "/contracts"));
  EXPECT_EQ(status.at("contracts").at(0).at("pendingMembers").as_array().size(), 1u)
      << boost::json::serialize(status);
  EXPECT_EQ(as(member_.token, "POST", "/api/v1/contracts/" + terms + "/accept", "").status, 200);
  EXPECT_EQ(as(member_.token, "GET", in_globex).status, 200);

  // Back to Acme, then out to Default and back again: each stay starts with nothing accepted,
  // also right after an acceptance in Acme itself (its latest, which a rule by organization
  // alone would count again).
  const auto comes_back = [&](const Account& from) {
    ASSERT_EQ(remove_member(from, member_.customer_id).status, 204);
    ASSERT_EQ(add_member(acme_, member_.customer_id).status, 201);
    auto back = ordinary(member_);
    ASSERT_EQ(back.status, 403) << back.body;
    EXPECT_EQ(pending_of(back), std::vector<std::string>{terms});
    // The gate opens only if this acceptance is written: the read model dropped the last one.
    ASSERT_EQ(as(member_.token, "POST", "/api/v1/contracts/" + terms + "/accept", "").status, 200);
    EXPECT_EQ(ordinary(member_).status, 200);
  };
  comes_back(globex);
  comes_back(acme_);
}

// A customer accepts the text it read: the `revision` it read, or the ETag of its GET as
// If-Match, must still be the contract's, or nothing is accepted (409). Without either, the
// current revision is accepted, as before.
TEST_F(Contracts, AnAcceptanceNamesTheRevisionItRead) {
  const std::string terms = publish("1.0");
  assign(terms);
  const std::string path = "/api/v1/contracts/" + terms;
  ASSERT_EQ(as(acme_.token, "POST", path + "/accept", R"({"onBehalfOfOrganization":true})").status,
            200);
  auto read = as(member_.token, "GET", path);
  ASSERT_EQ(read.status, 200) << read.body;
  ASSERT_EQ(json(read).at("revision").as_int64(), 1);
  const std::string etag = read.header("ETag");
  ASSERT_FALSE(etag.empty());
  ASSERT_EQ(call("POST", path + "/versions",
                 R"({"title":"Terms of use","text":"Be nicer.","version":"2.0"})")
                .status,
            200);

  auto stale = as(member_.token, "POST", path + "/accept", R"({"revision":1})");
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_TRUE(str(json(stale), "type").ends_with("version-conflict")) << stale.body;
  auto headers = auth(member_.token);
  headers.emplace_back("If-Match", etag);
  auto stale_etag = client_->request("POST", path + "/accept", "", headers);
  EXPECT_EQ(stale_etag.status, 409) << stale_etag.body;
  EXPECT_EQ(ordinary(member_).status, 403) << "nothing was accepted";
  EXPECT_EQ(as(member_.token, "POST", path + "/accept", R"({"revision":0})").status, 400);

  auto current = as(member_.token, "GET", path);
  headers = auth(member_.token);
  headers.emplace_back("If-Match", current.header("ETag"));
  auto fresh = client_->request("POST", path + "/accept", R"({"revision":2})", headers);
  EXPECT_EQ(fresh.status, 200) << fresh.body;
  // The organization accepted revision 1 only: the member waits for its owner again.
  EXPECT_EQ(
      as(acme_.token, "POST", path + "/accept", R"({"onBehalfOfOrganization":true,"revision":2})")
          .status,
      200);
  EXPECT_EQ(ordinary(member_).status, 200);
}

TEST_F(Contracts, OnlySuperAdminsPublishAndUnassignedContractsAreInvisible) {
  const auto before = head();
  EXPECT_EQ(as(acme_.token, "POST", "/api/v1/contracts",
               R"({"title":"Mine","text":"x","version":"1"})").status, 403);
  EXPECT_EQ(head(), before);
  const std::string terms = publish("1.0");
  EXPECT_EQ(as(member_.token, "GET", "/api/v1/contracts/" + terms).status, 404);
  EXPECT_EQ(as(member_.token, "POST", "/api/v1/contracts/" + terms + "/accept", "").status, 404);
  assign(terms);
  EXPECT_EQ(call("DELETE", "/api/v1/organizations/" + acme_.organization_id + "/contracts/" + terms)
                .status,
            204);
  EXPECT_EQ(ordinary(member_).status, 200) << "unassigning lifts the gate";
}

// Published contracts are a catalogue for the organizations' owners and admins, who choose from
// it what to assign to their organization (SPEC); other customers read only those assigned to
// theirs. (An owner once assigned a contract it could not read, and so read it.)
TEST_F(Contracts, OwnersAndAdminsReadTheCatalogueAndAssignFromIt) {
  const std::string terms = publish("catalogue-1");
  EXPECT_EQ(as(member_.token, "GET", "/api/v1/contracts/" + terms).status, 404);
  EXPECT_EQ(json(as(member_.token, "GET", "/api/v1/contracts")).at("contracts").as_array().size(),
            0u);
  ASSERT_EQ(as(acme_.token, "GET", "/api/v1/contracts/" + terms).status, 200);
  auto listed = json(as(acme_.token, "GET", "/api/v1/contracts"));
  ASSERT_EQ(listed.at("contracts").as_array().size(), 1u);
  EXPECT_EQ(str(listed.at("contracts").at(0), "id"), terms);
  EXPECT_EQ(as(acme_.token, "POST", "/api/v1/contracts/" + terms + "/accept", "{}").status, 404)
      << "read, but not assigned: nothing to accept";
  auto assigned =
      as(acme_.token, "POST", "/api/v1/organizations/" + acme_.organization_id + "/contracts",
         R"({"contractId":")" + terms + "\"}");
  EXPECT_EQ(assigned.status, 201) << assigned.body;
  EXPECT_EQ(as(member_.token, "GET", "/api/v1/contracts/" + terms).status, 200) << "assigned now";
}

using GroupsAndBilling = OrgdTest;

TEST_F(GroupsAndBilling, GroupsOfAnOrganization) {
  auto acme = signup("Acme", "owner@acme.io");
  auto bob = add_customer(acme, "bob@acme.io");
  auto other = signup("Other", "o@other.io");
  const std::string groups = "/api/v1/organizations/" + acme.organization_id + "/groups";
  auto listed = json(as(acme.token, "GET", groups));
  EXPECT_EQ(listed.at("pageInfo").at("totalElements").as_int64(), 2) << "the two global groups";
  auto created = as(acme.token, "POST", groups, R"({"name":"Ops","kind":"customers"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string ops = "/api/v1/groups/" + str(json(created), "id");
  auto added = as(acme.token, "POST", ops + "/members", R"({"memberId":")" + bob.customer_id + "\"}");
  ASSERT_EQ(added.status, 200) << added.body;
  EXPECT_EQ(json(added).at("memberCount").as_int64(), 1);
  EXPECT_EQ(as(acme.token, "POST", ops + "/members",
               R"({"memberId":")" + other.customer_id + "\"}").status, 400)
      << "customers of another organization cannot join";
  EXPECT_EQ(as(bob.token, "POST", ops + "/members", R"({"memberId":")" + acme.customer_id + "\"}")
                .status,
            403);
  EXPECT_EQ(as(other.token, "GET", ops).status, 404);
  EXPECT_EQ(as(other.token, "GET", groups).status, 404);
  const std::string global = str(json(as(acme.token, "GET", groups)).at("groups").at(0), "id");
  EXPECT_EQ(as(acme.token, "DELETE", "/api/v1/groups/" + global).status, 409);
  EXPECT_EQ(as(acme.token, "DELETE", ops + "/members/" + bob.customer_id).status, 204);
  EXPECT_EQ(as(acme.token, "DELETE", ops).status, 204);
  EXPECT_EQ(as(acme.token, "GET", ops).status, 404);
}

// A group's commands honour If-Match as a resource's do: the ETag of a GET that another change
// has overtaken makes them 409 and changes nothing.
TEST_F(GroupsAndBilling, GroupCommandsHonourIfMatch) {
  auto acme = signup("Acme", "owner@acme.io");
  auto bob = add_customer(acme, "bob@acme.io");
  auto eve = add_customer(acme, "eve@acme.io");
  auto created = as(acme.token, "POST", "/api/v1/organizations/" + acme.organization_id + "/groups",
                    R"({"name":"Ops","kind":"customers"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string ops = "/api/v1/groups/" + str(json(created), "id");
  const std::string read = as(acme.token, "GET", ops).header("ETag");
  ASSERT_FALSE(read.empty());
  auto matching = [&](const std::string& etag) {
    auto headers = auth(acme.token);
    headers.emplace_back("If-Match", etag);
    return headers;
  };
  auto added = client_->request("POST", ops + "/members",
                                R"({"memberId":")" + bob.customer_id + "\"}", matching(read));
  ASSERT_EQ(added.status, 200) << added.body;
  // `read` is stale now.
  auto stale_add = client_->request("POST", ops + "/members",
                                    R"({"memberId":")" + eve.customer_id + "\"}", matching(read));
  EXPECT_EQ(stale_add.status, 409) << stale_add.body;
  EXPECT_TRUE(str(json(stale_add), "type").ends_with("version-conflict"));
  EXPECT_EQ(
      client_->request("DELETE", ops + "/members/" + bob.customer_id, "", matching(read)).status,
      409);
  EXPECT_EQ(client_->request("DELETE", ops, "", matching(read)).status, 409);
  auto unchanged = as(acme.token, "GET", ops);
  ASSERT_EQ(unchanged.status, 200) << "not deleted";
  EXPECT_EQ(json(unchanged).at("memberCount").as_int64(), 1) << "Bob in, Eve not";
  EXPECT_EQ(client_->request("DELETE", ops, "", matching(unchanged.header("ETag"))).status, 204);
}

// The global customers group is every customer of its organization, whoever added them and
// however they left: its members follow the organization's membership.
TEST_F(GroupsAndBilling, TheGlobalCustomersGroupFollowsTheOrganization) {
  auto acme = signup("Acme", "owner@acme.io");
  auto bob = add_customer(acme, "bob@acme.io");
  const std::string groups = "/api/v1/organizations/" + acme.organization_id + "/groups";
  std::string everyone;
  const auto listed = json(as(acme.token, "GET", groups));  // kept alive: the loop walks into it
  for (const auto& g : listed.at("groups").as_array()) {
    if (g.at("global").as_bool() && str(g, "kind") == "customers") {
      everyone = str(g, "id");
      EXPECT_EQ(g.at("memberCount").as_int64(), 2) << "in the listing too";
    }
  }
  ASSERT_FALSE(everyone.empty());
  auto group = json(as(acme.token, "GET", "/api/v1/groups/" + everyone));
  EXPECT_EQ(group.at("memberCount").as_int64(), 2);
  std::set<std::string> members;
  for (const auto& m : group.at("members").as_array()) members.emplace(m.as_string());
  EXPECT_EQ(members, (std::set<std::string>{acme.customer_id, bob.customer_id}));
  ASSERT_EQ(as(acme.token, "DELETE",
               "/api/v1/organizations/" + acme.organization_id + "/members/" + bob.customer_id)
                .status,
            204);
  group = json(as(acme.token, "GET", "/api/v1/groups/" + everyone));
  EXPECT_EQ(group.at("memberCount").as_int64(), 1);
  EXPECT_EQ(group.at("members").as_array().size(), 1u);
  // Past the limit of members listed, memberCount still counts them all.
  add_customer(acme, "cy@acme.io");
  api::ApiOptions options;
  options.most_members_listed = 1;
  restart(options);
  group = json(as(acme.token, "GET", "/api/v1/groups/" + everyone));
  EXPECT_EQ(group.at("memberCount").as_int64(), 2);
  EXPECT_EQ(group.at("members").as_array().size(), 1u);
}

// A things group holds the organization's resources: not ids from anywhere.
TEST_F(GroupsAndBilling, AThingsGroupHoldsTheOrganizationsResources) {
  auto acme = signup("Acme", "owner@acme.io");
  auto other = signup("Other", "o@other.io");
  const std::string groups = "/api/v1/organizations/" + acme.organization_id + "/groups";
  auto created = as(acme.token, "POST", groups, R"({"name":"Devices","kind":"things"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string devices = "/api/v1/groups/" + str(json(created), "id") + "/members";
  auto own = as(acme.token, "POST", "/api/v1/resources", R"({"kind":"thing","name":"Sensor"})");
  ASSERT_EQ(own.status, 201) << own.body;
  auto foreign = as(other.token, "POST", "/api/v1/resources", R"({"kind":"thing","name":"Cam"})");
  ASSERT_EQ(foreign.status, 201) << foreign.body;
  const auto member = [](const std::string& id) { return R"({"memberId":")" + id + "\"}"; };
  const auto before = head();
  EXPECT_EQ(as(acme.token, "POST", devices, member(str(json(foreign), "id"))).status, 400);
  EXPECT_EQ(as(acme.token, "POST", devices, member(acme.customer_id)).status, 400);
  EXPECT_EQ(as(acme.token, "POST", devices, member("0190a000-0000-7000-8000-000000000000")).status,
            400);
  EXPECT_EQ(head(), before);
  auto added = as(acme.token, "POST", devices, member(str(json(own), "id")));
  ASSERT_EQ(added.status, 200) << added.body;
  EXPECT_EQ(json(added).at("memberCount").as_int64(), 1);
}

// An organization that does not exist (or no longer does) has no groups and no invoices to
// list, for a SuperAdmin too: 404, as for every unknown id.
TEST_F(GroupsAndBilling, UnknownOrganizationsListNothing) {
  token_ = login();
  const std::string unknown = "/api/v1/organizations/0190a000-0000-7000-8000-000000000000";
  EXPECT_EQ(call("GET", unknown + "/groups").status, 404);
  EXPECT_EQ(call("GET", unknown + "/invoices").status, 404);
  auto acme = signup("Acme", "owner@acme.io");
  const std::string org = "/api/v1/organizations/" + acme.organization_id;
  EXPECT_EQ(call("GET", org + "/groups").status, 200);
  EXPECT_EQ(call("GET", org + "/invoices").status, 200);
  ASSERT_EQ(call("DELETE", org).status, 204);
  EXPECT_EQ(call("GET", org + "/groups").status, 404);
  EXPECT_EQ(call("GET", org + "/invoices").status, 404);
}

// An organization below the caller's is in reach: the caller sees it exists, so what it may
// not do there is 403. Another tenant's is unknown to it: 404, as for every id it may not see.
TEST_F(GroupsAndBilling, BelowTheCallersOrganizationForbiddenElsewhereUnknown) {
  auto acme = signup("Acme", "owner@acme.io");
  auto globex = signup("Globex", "owner@globex.io");
  auto child = as(acme.token, "POST", "/api/v1/organizations",
                  boost::json::serialize(boost::json::object{{"name", "Acme Labs"},
                                                             {"parentId", acme.organization_id}}));
  ASSERT_EQ(child.status, 201) << child.body;
  const std::string org = "/api/v1/organizations/" + str(json(child), "id");
  ASSERT_EQ(as(acme.token, "GET", org).status, 200);
  const std::uint64_t before = head();
  for (const auto& [account, status] : {std::pair{acme, 403}, std::pair{globex, 404}}) {
    auto plan = as(account.token, "PUT", org + "/billing-plan", R"({"billingPlan":"pro"})");
    EXPECT_EQ(plan.status, status) << plan.body;
    EXPECT_EQ(as(account.token, "GET", org + "/groups").status, status);
    EXPECT_EQ(as(account.token, "GET", org + "/invoices").status, status);
    EXPECT_EQ(
        as(account.token, "POST", org + "/groups", R"({"name":"Ops","kind":"customers"})").status,
        status);
  }
  EXPECT_EQ(head(), before);
}

TEST_F(GroupsAndBilling, PlansAndInvoices) {
  auto acme = signup("Acme", "owner@acme.io");
  auto bob = add_customer(acme, "bob@acme.io", "admin");
  token_ = login();
  const std::string org = "/api/v1/organizations/" + acme.organization_id;
  auto plan = as(acme.token, "PUT", org + "/billing-plan", R"({"billingPlan":"pro"})");
  ASSERT_EQ(plan.status, 200) << plan.body;
  EXPECT_EQ(str(json(plan), "billingPlan"), "pro");
  EXPECT_EQ(as(bob.token, "PUT", org + "/billing-plan", R"({"billingPlan":"free"})").status, 403);
  EXPECT_EQ(as(acme.token, "POST", org + "/invoices",
               R"({"period":"2026-11","amount":4999,"currency":"EUR"})").status, 403);
  auto bad = call("POST", org + "/invoices", R"({"period":"2026-13","amount":-5,"currency":"EURO"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json(bad).at("errors").as_array().size(), 3u);
  auto issued = call("POST", org + "/invoices", R"({"period":"2026-11","amount":4999,"currency":"EUR"})");
  ASSERT_EQ(issued.status, 201) << issued.body;
  const std::string invoice = str(json(issued), "id");
  EXPECT_EQ(str(json(issued), "status"), "open");
  auto listed = json(as(acme.token, "GET", org + "/invoices"));
  EXPECT_EQ(listed.at("pageInfo").at("totalElements").as_int64(), 1);
  EXPECT_EQ(listed.at("invoices").at(0).at("amount").as_int64(), 4999);
  EXPECT_EQ(as(bob.token, "GET", org + "/invoices").status, 403) << "owners read invoices";
  // Paying says nothing but the invoice's id: a body with anything in it is refused, and
  // changes nothing.
  const std::string pay = "/api/v1/invoices/" + invoice + "/pay";
  EXPECT_EQ(as(acme.token, "POST", pay, R"({"amount":1,"status":"void"})").status, 400);
  EXPECT_EQ(as(acme.token, "POST", pay, "{not json").status, 400);
  EXPECT_EQ(
      client_
          ->request("POST", pay, "garbage",
                    {{"Authorization", "Bearer " + acme.token}, {"Content-Type", "text/plain"}})
          .status,
      415);
  EXPECT_EQ(str(json(as(acme.token, "GET", org + "/invoices")).at("invoices").at(0), "status"),
            "open");
  auto paid = as(acme.token, "POST", pay, "{}");
  ASSERT_EQ(paid.status, 200) << paid.body;
  EXPECT_EQ(str(json(paid), "status"), "paid");
  EXPECT_EQ(call("POST", "/api/v1/invoices/" + invoice + "/void", R"({"reason":"late"})").status,
            400)
      << "void takes no body either";
  EXPECT_EQ(call("POST", "/api/v1/invoices/" + invoice + "/void").status, 409) << "settled once";
}

}  // namespace
}  // namespace orgd::e2e
