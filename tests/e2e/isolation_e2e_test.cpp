// Tenant isolation: every role of one organization, against every endpoint of another.

#include "tests/e2e/orgd_fixture.hpp"

namespace orgd::e2e {
namespace {

class Isolation : public OrgdTest {
 protected:
  struct Tenant {
    Account owner, admin, member;
  };

  void SetUp() override {
    OrgdTest::SetUp();
    a_ = make_tenant("Alpha", "alpha.io");
    b_ = make_tenant("Bravo", "bravo.io");
    token_ = login();
    auto r = call("POST", "/api/v1/customers",
                  R"({"email":"waiting@x.io","password":"password1","firstName":"W","lastName":"W"})");
    waiting_ = str(json(r), "id");
    child_ = str(json(as(a_.owner.token, "POST", "/api/v1/organizations",
                         R"({"name":"Alpha Child","parentId":")" + a_.owner.organization_id +
                             "\"}")),
                 "id");
  }

  Tenant make_tenant(const std::string& name, const std::string& domain) {
    Tenant t;
    t.owner = signup(name, "owner@" + domain);
    t.admin = add_customer(t.owner, "admin@" + domain, "admin");
    t.member = add_customer(t.owner, "member@" + domain, "member");
    return t;
  }

  Tenant a_, b_;
  std::string waiting_, child_;
};

struct Attempt {
  std::string method, target, body;
  std::vector<int> allowed;  // what an outsider may get
};

TEST_F(Isolation, OtherTenantsGetNotFoundOrForbiddenAndChangeNothing) {
  const std::string org = "/api/v1/organizations/" + a_.owner.organization_id;
  const std::string child = "/api/v1/organizations/" + child_;
  const std::string join = boost::json::serialize(boost::json::object{{"customerId", waiting_}});
  std::vector<Attempt> attempts{
      {"GET", org, "", {404}},
      {"GET", child, "", {404}},
      {"GET", org + "/children", "", {404}},
      {"GET", org + "/ancestors", "", {404}},
      {"GET", child + "/ancestors", "", {404}},
      {"GET", org + "/members", "", {404}},
      {"PUT", org, R"({"description":"pwned","updateVersion":2})", {404}},
      {"DELETE", org, "", {404}},
      {"DELETE", child, "", {404}},
      {"POST",
       "/api/v1/organizations",
       R"({"name":"Intruder","parentId":")" + a_.owner.organization_id + "\"}",
       {400}},
      {"POST", org + "/members", join, {404}},
      {"PUT", org + "/members/" + a_.member.customer_id + "/role", R"({"role":"owner"})", {404}},
      {"DELETE", org + "/members/" + a_.member.customer_id, "", {404}},
      {"POST",
       "/api/v1/customers",
       R"({"email":"x@evil.io","password":"password1","firstName":"X","lastName":"X","organizationId":")" +
           a_.owner.organization_id + "\"}",
       {400}},
  };
  for (const auto* victim : {&a_.owner, &a_.admin, &a_.member}) {
    const std::string customer = "/api/v1/customers/" + victim->customer_id;
    attempts.push_back({"GET", customer, "", {404}});
    attempts.push_back({"PATCH", customer, R"({"firstName":"Pwned","updateVersion":1})", {404}});
    attempts.push_back({"DELETE", customer, "", {404}});
  }
  const auto before = head();
  for (const auto* intruder : {&b_.owner, &b_.admin, &b_.member}) {
    for (const auto& a : attempts) {
      auto r = as(intruder->token, a.method, a.target, a.body);
      EXPECT_TRUE(std::find(a.allowed.begin(), a.allowed.end(), r.status) != a.allowed.end())
          << a.method << " " << a.target << " by " << intruder->customer_id << " -> " << r.status
          << " " << r.body;
      EXPECT_EQ(r.body.find("Alpha"), std::string::npos) << "nothing of Alpha leaks";
    }
    auto listing = json(as(intruder->token, "GET", "/api/v1/organizations?pageSize=100"));
    for (const auto& o : listing.at("organizations").as_array()) {
      EXPECT_EQ(str(o, "id"), b_.owner.organization_id) << "only their own organization is listed";
    }
    auto by_parent = json(as(intruder->token, "GET",
                             "/api/v1/organizations?parentId=" + a_.owner.organization_id));
    EXPECT_EQ(by_parent.at("pageInfo").at("totalElements").as_int64(), 0);
  }
  EXPECT_EQ(head(), before) << "no refused request appended anything";
}

// A customer of a child organization cannot see its parent, yet its own organization is one
// of that parent's children: filtering by the parent lists it (and none of its siblings).
TEST_F(Isolation, ACustomerOfAChildFindsItsOwnOrganizationUnderItsParent) {
  auto sibling = as(a_.owner.token, "POST", "/api/v1/organizations",
                    R"({"name":"Alpha Sibling","parentId":")" + a_.owner.organization_id + "\"}");
  ASSERT_EQ(sibling.status, 201) << sibling.body;
  auto moved = call("POST", "/api/v1/organizations/" + child_ + "/members",
                    R"({"customerId":")" + waiting_ + "\"}");
  ASSERT_EQ(moved.status, 201) << moved.body;
  const std::string token = login("waiting@x.io", "password1");
  ASSERT_EQ(as(token, "GET", "/api/v1/organizations/" + a_.owner.organization_id).status, 404);
  auto by_parent =
      json(as(token, "GET", "/api/v1/organizations?parentId=" + a_.owner.organization_id));
  ASSERT_EQ(by_parent.at("pageInfo").at("totalElements").as_int64(), 1) << by_parent;
  EXPECT_EQ(str(by_parent.at("organizations").at(0), "id"), child_);
  auto filtered = json(as(
      token, "GET", "/api/v1/organizations?status=inactive&parentId=" + a_.owner.organization_id));
  EXPECT_EQ(filtered.at("pageInfo").at("totalElements").as_int64(), 0) << filtered;
  auto top = json(as(token, "GET", "/api/v1/organizations?parentId=null"));
  EXPECT_EQ(top.at("pageInfo").at("totalElements").as_int64(), 0)
      << "its organization is no top-level one";
}

TEST_F(Isolation, NamingAnotherTenantsOrganizationAnswersAsNamingNoneDoes) {
  auto register_in = [&](const std::string& organization) {
    boost::json::object body{{"email", "x@evil.io"},
                             {"password", "password1"},
                             {"firstName", "X"},
                             {"lastName", "X"},
                             {"organizationId", organization}};
    return as(b_.owner.token, "POST", "/api/v1/customers", boost::json::serialize(body));
  };
  auto foreign = register_in(a_.owner.organization_id);
  auto unknown = register_in("00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(foreign.status, 400) << foreign.body;
  EXPECT_EQ(foreign.status, unknown.status);
  EXPECT_EQ(json(foreign).at("errors"), json(unknown).at("errors"))
      << "whether the organization exists does not show";
}

// The SuperAdmin sits in Default, where owners pick new members from by id: it must be neither
// listed there nor movable into an owner's organization, where its email could be changed and
// its account taken.
TEST_F(Isolation, PlatformAccountsAreOutOfEveryOwnersReach) {
  const std::string superadmin = str(json(call("GET", "/api/v1/me")), "id");
  ASSERT_FALSE(superadmin.empty());
  const std::string org = "/api/v1/organizations/" + a_.owner.organization_id;
  const auto before = head();
  auto listing =
      json(call("GET", "/api/v1/organizations/" + std::string(domain::kDefaultOrganizationId) +
                           "/members?pageSize=100"));
  bool waiting_listed = false;
  for (const auto& m : listing.at("members").as_array()) {
    EXPECT_NE(str(m, "id"), superadmin) << "Default's member list leaves platform accounts out";
    waiting_listed = waiting_listed || str(m, "id") == waiting_;
  }
  EXPECT_TRUE(waiting_listed) << "ordinary customers waiting in Default are listed to the platform";
  const std::string customer = "/api/v1/customers/" + superadmin;
  const std::string join = boost::json::serialize(boost::json::object{{"customerId", superadmin}});
  EXPECT_EQ(as(a_.owner.token, "GET", customer).status, 404);
  EXPECT_EQ(as(a_.owner.token, "PATCH", customer, R"({"email":"mine@alpha.io","updateVersion":1})")
                .status,
            404);
  EXPECT_EQ(as(a_.owner.token, "DELETE", customer).status, 404);
  EXPECT_EQ(as(a_.owner.token, "GET", customer + "/history").status, 404);
  auto moved = as(a_.owner.token, "POST", org + "/members", join);
  EXPECT_EQ(moved.status, 404) << moved.body;
  EXPECT_EQ(head(), before) << "nothing was appended";
  // Even the SuperAdmin cannot make a platform account a member of an organization.
  auto self_move = call("POST", org + "/members", join);
  EXPECT_EQ(self_move.status, 409) << self_move.body;
  EXPECT_EQ(str(json(self_move), "type").find("platform-account") != std::string::npos, true)
      << self_move.body;
  EXPECT_FALSE(login().empty()) << "the SuperAdmin still logs in";
}

// Default is where customers removed from any organization wait: strangers from different
// tenants, who must not see each other's names and emails, nor may any organization's owners
// and admins (with public signup, anyone can be one). Those add a waiting customer by the id
// it gave them.
TEST_F(Isolation, CustomersWaitingInDefaultDoNotSeeEachOther) {
  ASSERT_EQ(remove_member(a_.owner, a_.member.customer_id).status, 204);
  ASSERT_EQ(remove_member(b_.owner, b_.member.customer_id).status, 204);
  const std::string default_org = std::string(domain::kDefaultOrganizationId);
  const std::string default_members = "/api/v1/organizations/" + default_org + "/members";
  for (const auto* waiting : {&a_.member, &b_.member}) {
    const auto* stranger = waiting == &a_.member ? &b_.member : &a_.member;
    for (const std::string& other : {stranger->customer_id, waiting_}) {
      EXPECT_EQ(as(waiting->token, "GET", "/api/v1/customers/" + other).status, 404);
      EXPECT_EQ(as(waiting->token, "GET", "/api/v1/customers/" + other + "/history").status, 404);
    }
    auto own = as(waiting->token, "GET", "/api/v1/customers/" + waiting->customer_id);
    EXPECT_EQ(own.status, 200) << own.body;
    EXPECT_EQ(str(json(own), "organizationId"), domain::kDefaultOrganizationId);
    EXPECT_EQ(as(waiting->token, "GET", default_members).status, 404)
        << "Default's member list is for the platform's accounts";
    // ... and so is how many wait there, in Default's representation and in its listing.
    auto seen = as(waiting->token, "GET", "/api/v1/organizations/" + default_org);
    ASSERT_EQ(seen.status, 200) << seen.body;
    EXPECT_TRUE(json(seen).at("memberCount").is_null()) << seen.body;
    auto listed = json(as(waiting->token, "GET", "/api/v1/organizations"));
    ASSERT_EQ(listed.at("organizations").as_array().size(), 1U);
    EXPECT_TRUE(listed.at("organizations").at(0).at("memberCount").is_null());
  }
  auto counted = json(call("GET", "/api/v1/organizations/" + default_org));
  EXPECT_GE(counted.at("memberCount").as_int64(), 3) << "the platform counts them";
  // Nor through Default's global customers group, which lists them...
  std::string everyone;
  const auto groups = json(call("GET", "/api/v1/organizations/" + default_org + "/groups"));
  for (const auto& g : groups.at("groups").as_array()) {
    if (g.at("global").as_bool() && str(g, "kind") == "customers") everyone = str(g, "id");
  }
  ASSERT_FALSE(everyone.empty());
  EXPECT_EQ(as(a_.member.token, "GET", "/api/v1/groups/" + everyone).status, 404);
  EXPECT_EQ(as(a_.member.token, "GET", "/api/v1/organizations/" + default_org + "/groups").status,
            403);
  // ... nor by handing one a resource: that answers as for a customer who does not exist.
  auto resource =
      as(a_.member.token, "POST", "/api/v1/resources", R"({"kind":"thing","name":"Mine"})");
  ASSERT_EQ(resource.status, 201) << resource.body;
  const std::string owner = "/api/v1/resources/" + str(json(resource), "id") + "/owner";
  auto to_stranger = as(a_.member.token, "POST", owner, R"({"customerId":")" + waiting_ + "\"}");
  auto to_nobody = as(a_.member.token, "POST", owner,
                      R"({"customerId":"00000000-0000-4000-8000-000000000000"})");
  EXPECT_EQ(to_stranger.status, 400) << to_stranger.body;
  EXPECT_EQ(json(to_stranger).at("errors"), json(to_nobody).at("errors"));
  // ... nor to any organization's owners and admins: Default's customers are for the platform.
  for (const auto* manager : {&b_.owner, &b_.admin}) {
    const auto before = head();
    EXPECT_EQ(as(manager->token, "GET", default_members + "?pageSize=100").status, 404);
    for (const std::string& other : {a_.member.customer_id, waiting_}) {
      EXPECT_EQ(as(manager->token, "GET", "/api/v1/customers/" + other).status, 404);
      EXPECT_EQ(as(manager->token, "GET", "/api/v1/customers/" + other + "/history").status, 404);
    }
    EXPECT_EQ(head(), before);
  }
  // Given its id, an admin adds a waiting customer; then sees it, as one of its own.
  EXPECT_EQ(add_member(b_.admin, a_.member.customer_id).status, 201);
  EXPECT_EQ(as(b_.admin.token, "GET", "/api/v1/customers/" + a_.member.customer_id).status, 200);
  EXPECT_EQ(as(a_.owner.token, "GET", "/api/v1/customers/" + a_.member.customer_id).status, 404)
      << "its former organization lost sight of it";
}

TEST_F(Isolation, InsideATenantRolesDecide) {
  const std::string org = "/api/v1/organizations/" + a_.owner.organization_id;
  EXPECT_EQ(as(a_.member.token, "GET", org).status, 200);
  EXPECT_EQ(as(a_.member.token, "GET", org + "/members").status, 200);
  EXPECT_EQ(as(a_.member.token, "PUT", org, R"({"description":"x","updateVersion":2})").status, 403);
  EXPECT_EQ(as(a_.admin.token, "PUT", org, R"({"description":"x","updateVersion":2})").status, 200);
  EXPECT_EQ(as(a_.admin.token, "DELETE", org).status, 403) << "only owners delete";
  // Owners see and manage their subtree; the child sees only itself and below.
  EXPECT_EQ(as(a_.owner.token, "GET", "/api/v1/organizations/" + child_).status, 200);
  for (const auto* account : {&a_.member, &a_.admin, &a_.owner}) {
    EXPECT_EQ(as(account->token, "GET", "/api/v1/customers/" + waiting_).status, 404)
        << "nobody in a tenant browses Default";
  }
  auto listing = json(as(a_.owner.token, "GET", "/api/v1/organizations?sort=name"));
  EXPECT_EQ(listing.at("pageInfo").at("totalElements").as_int64(), 2) << "Alpha and its child";
}

}  // namespace
}  // namespace orgd::e2e
