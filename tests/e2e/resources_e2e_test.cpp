// Resources and sharing against the real server: who may read and write a resource shared to
// a customer of another organization, to a group and to the owner's organization; revocation
// and ownership transfer on the next request; refused requests append nothing.

#include <set>
#include <thread>

#include "replay/verify.hpp"
#include "tests/e2e/orgd_fixture.hpp"

namespace orgd::e2e {
namespace {

using boost::json::object;
using boost::json::serialize;

class Resources : public OrgdTest {
 protected:
  void SetUp() override {
    OrgdTest::SetUp();
    token_ = login();
    alpha_owner_ = signup("Alpha", "owner@alpha.io");
    alpha_admin_ = add_customer(alpha_owner_, "admin@alpha.io", "admin");
    creator_ = add_customer(alpha_owner_, "creator@alpha.io");
    colleague_ = add_customer(alpha_owner_, "colleague@alpha.io");
    bravo_owner_ = signup("Bravo", "owner@bravo.io");
    friend_ = add_customer(bravo_owner_, "friend@bravo.io");
    reviewer_ = add_customer(bravo_owner_, "reviewer@bravo.io");
    stranger_ = add_customer(bravo_owner_, "stranger@bravo.io");
    auto r = call("POST", "/api/v1/customers",
                  R"({"email":"audit@orgd.test","password":"password1","firstName":"A",)"
                  R"("lastName":"Auditor","platformRole":"auditor"})");
    ASSERT_EQ(r.status, 201) << r.body;
    auditor_ = login("audit@orgd.test", "password1");
  }

  // The id of an organization's global customers group, as `token` lists its groups.
  std::string global_customers_group(const std::string& token, const std::string& organization) {
    auto groups = json(as(token, "GET", "/api/v1/organizations/" + organization + "/groups"));
    for (const auto& g : groups.at("groups").as_array()) {
      if (g.at("global").as_bool() && str(g, "kind") == "customers") return str(g, "id");
    }
    ADD_FAILURE() << "no global customers group: " << serialize(groups);
    return {};
  }

  // Creates a group of `account`'s organization as that account and returns its id.
  std::string create_group(const Account& account, const std::string& name,
                           const std::string& kind) {
    auto r =
        as(account.token, "POST", "/api/v1/organizations/" + account.organization_id + "/groups",
           serialize(object{{"name", name}, {"kind", kind}}));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? str(json(r), "id") : std::string();
  }

  // Creates a resource as `token` and returns its representation.
  object create(const std::string& token, const std::string& kind, const std::string& name) {
    auto r =
        as(token, "POST", "/api/v1/resources", serialize(object{{"kind", kind}, {"name", name}}));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? json(r).as_object() : object{};
  }

  test::HttpResult grant(const std::string& token, const std::string& resource,
                         const std::string& type, const std::string& principal,
                         const std::string& permission) {
    return as(
        token, "POST", "/api/v1/resources/" + resource + "/grants",
        serialize(object{
            {"principalType", type}, {"principalId", principal}, {"permission", permission}}));
  }

  int read(const std::string& token, const std::string& resource) {
    return as(token, "GET", "/api/v1/resources/" + resource).status;
  }

  // A PUT with the current version, so only the permission decides.
  int write(const std::string& token, const std::string& resource) {
    auto current = call("GET", "/api/v1/resources/" + resource);  // as the SuperAdmin
    const auto version = json(current).at("updateVersion").as_int64();
    const std::string body = serialize(
        object{{"description", "edit " + std::to_string(++edits_)}, {"updateVersion", version}});
    return as(token, "PUT", "/api/v1/resources/" + resource, body).status;
  }

  // The ids `token` finds listed, following every page.
  std::set<std::string> listed(const std::string& token, const std::string& query = {}) {
    std::set<std::string> ids;
    std::string target = "/api/v1/resources?pageSize=2" + query;
    for (int pages = 0; pages < 100; ++pages) {
      auto r = as(token, "GET", target);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      auto page = json(r);
      for (const auto& item : page.at("resources").as_array()) ids.insert(str(item, "id"));
      const auto& next = page.at("pageInfo").at("nextCursor");
      if (next.is_null()) break;
      target = "/api/v1/resources?pageSize=2" + query + "&cursor=" + std::string(next.as_string());
    }
    return ids;
  }

  struct Expect {
    std::string who;
    const std::string* token;
    int read, write;
  };

  void expect_access(const std::string& step, const std::string& resource,
                     const std::vector<Expect>& matrix) {
    for (const auto& e : matrix) {
      EXPECT_EQ(read(*e.token, resource), e.read) << step << ": " << e.who << " reads";
      EXPECT_EQ(write(*e.token, resource), e.write) << step << ": " << e.who << " writes";
      EXPECT_EQ(listed(*e.token).contains(resource), e.read == 200)
          << step << ": " << e.who << " lists exactly what it may read";
    }
  }

  Account alpha_owner_, alpha_admin_, creator_, colleague_;
  Account bravo_owner_, friend_, reviewer_, stranger_;
  std::string auditor_;
  int edits_{0};
};

TEST_F(Resources, CreatedPrivateToTheCreatorAndItsOrganizationsManagers) {
  auto r = as(creator_.token, "POST", "/api/v1/resources",
              R"({"kind":"plugin","name":"Charts","description":"Bar charts"})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto created = json(r);
  EXPECT_EQ(str(created, "ownerId"), creator_.customer_id);
  EXPECT_EQ(str(created, "organizationId"), alpha_owner_.organization_id);
  EXPECT_EQ(str(created, "permission"), "admin");
  EXPECT_EQ(created.at("updateVersion").as_int64(), 1);
  EXPECT_TRUE(created.at("grants").as_array().empty());
  EXPECT_FALSE(created.as_object().contains("apiKey"));
  const std::string id = str(created, "id");
  ASSERT_FALSE(r.header("X-Event-Position").empty());
  EXPECT_EQ(r.header("Location"), "/api/v1/resources/" + id);
  expect_access("private", id,
                {{"owner", &creator_.token, 200, 200},
                 {"org owner", &alpha_owner_.token, 200, 200},
                 {"org admin", &alpha_admin_.token, 200, 200},
                 {"colleague", &colleague_.token, 404, 404},
                 {"other org owner", &bravo_owner_.token, 404, 404},
                 {"other org member", &friend_.token, 404, 404},
                 {"superadmin", &token_, 200, 200},
                 {"auditor", &auditor_, 200, 403}});
  EXPECT_EQ(as(auditor_, "POST", "/api/v1/resources", R"({"kind":"plugin","name":"x"})").status,
            403);
}

TEST_F(Resources, AccessMatrixForCustomerGroupAndOrganizationGrants) {
  const std::string id = str(create(creator_.token, "dataset", "Sales"), "id");

  // 1. To a customer of another organization: that customer reads, nobody else there does.
  auto to_friend = grant(creator_.token, id, "customer", friend_.customer_id, "read");
  ASSERT_EQ(to_friend.status, 201) << to_friend.body;
  const std::string friend_grant = str(json(to_friend), "id");
  EXPECT_EQ(str(json(to_friend), "principalType"), "customer");
  EXPECT_EQ(to_friend.header("Location"), "/api/v1/resources/" + id + "/grants/" + friend_grant);
  expect_access("customer grant", id,
                {{"friend", &friend_.token, 200, 403},
                 {"friend's org owner", &bravo_owner_.token, 404, 404},
                 {"reviewer", &reviewer_.token, 404, 404},
                 {"colleague", &colleague_.token, 404, 404}});
  auto seen_by_friend = json(as(friend_.token, "GET", "/api/v1/resources/" + id));
  EXPECT_EQ(str(seen_by_friend, "permission"), "read");
  EXPECT_FALSE(seen_by_friend.as_object().contains("grants")) << "grants are for admins";

  // 2. To a group of the other organization: its members write, the rest of it does not.
  const std::string reviewers = create_group(bravo_owner_, "Reviewers", "customers");
  auto joined = as(bravo_owner_.token, "POST", "/api/v1/groups/" + reviewers + "/members",
                   serialize(object{{"memberId", reviewer_.customer_id}}));
  ASSERT_LT(joined.status, 300) << joined.body;
  ASSERT_EQ(grant(creator_.token, id, "group", reviewers, "write").status, 201);
  expect_access("group grant", id,
                {{"reviewer", &reviewer_.token, 200, 200},
                 {"friend", &friend_.token, 200, 403},
                 {"stranger", &stranger_.token, 404, 404},
                 {"friend's org owner", &bravo_owner_.token, 404, 404},
                 {"colleague", &colleague_.token, 404, 404}});

  // 3. To the owner's organization: every customer of it reads; only its own organization.
  auto cross = grant(creator_.token, id, "organization", bravo_owner_.organization_id, "read");
  EXPECT_EQ(cross.status, 409) << cross.body;
  EXPECT_NE(cross.body.find("cross-organization-grant"), std::string::npos);
  ASSERT_EQ(grant(creator_.token, id, "organization", alpha_owner_.organization_id, "read").status,
            201);
  expect_access("organization grant", id,
                {{"colleague", &colleague_.token, 200, 403},
                 {"owner", &creator_.token, 200, 200},
                 {"reviewer", &reviewer_.token, 200, 200},
                 {"friend", &friend_.token, 200, 403},
                 {"stranger", &stranger_.token, 404, 404},
                 {"friend's org owner", &bravo_owner_.token, 404, 404}});
  auto seen_by_owner = json(as(creator_.token, "GET", "/api/v1/resources/" + id));
  EXPECT_EQ(seen_by_owner.at("grants").as_array().size(), 3u);

  // Revoking and leaving the group take effect on the next request.
  EXPECT_EQ(
      as(creator_.token, "DELETE", "/api/v1/resources/" + id + "/grants/" + friend_grant).status,
      204);
  EXPECT_EQ(read(friend_.token, id), 404);
  EXPECT_FALSE(listed(friend_.token).contains(id));
  EXPECT_LT(as(bravo_owner_.token, "DELETE",
               "/api/v1/groups/" + reviewers + "/members/" + reviewer_.customer_id)
                .status,
            300);
  EXPECT_EQ(read(reviewer_.token, id), 404);
  EXPECT_EQ(
      as(creator_.token, "DELETE", "/api/v1/resources/" + id + "/grants/" + friend_grant).status,
      404)
      << "a revoked grant is gone";
}

// A customer removed from its organization leaves that organization's groups: brought back, it
// is in none of them (no access through them, not listed) until added again.
TEST_F(Resources, LeavingAnOrganizationLeavesItsGroups) {
  const std::string id = str(create(creator_.token, "dataset", "Reviewed"), "id");
  const std::string reviewers = create_group(bravo_owner_, "Reviewers", "customers");
  const std::string group = "/api/v1/groups/" + reviewers;
  const std::string join = serialize(object{{"memberId", reviewer_.customer_id}});
  ASSERT_LT(as(bravo_owner_.token, "POST", group + "/members", join).status, 300);
  ASSERT_EQ(grant(creator_.token, id, "group", reviewers, "write").status, 201);
  EXPECT_EQ(read(reviewer_.token, id), 200);
  auto member_count = [&] {
    return json(as(bravo_owner_.token, "GET", group)).at("memberCount").to_number<int>();
  };
  EXPECT_EQ(member_count(), 1);

  const std::string members = "/api/v1/organizations/" + bravo_owner_.organization_id + "/members";
  ASSERT_EQ(as(bravo_owner_.token, "DELETE", members + "/" + reviewer_.customer_id).status, 204);
  EXPECT_EQ(read(reviewer_.token, id), 404);
  EXPECT_EQ(member_count(), 0);
  auto back = as(bravo_owner_.token, "POST", members,
                 serialize(object{{"customerId", reviewer_.customer_id}}));
  ASSERT_EQ(back.status, 201) << back.body;
  EXPECT_EQ(read(reviewer_.token, id), 404) << "back in Bravo, but in none of its groups";
  EXPECT_EQ(member_count(), 0);

  ASSERT_LT(as(bravo_owner_.token, "POST", group + "/members", join).status, 300);
  EXPECT_EQ(read(reviewer_.token, id), 200);
  EXPECT_EQ(member_count(), 1);
  EXPECT_EQ(members_left_behind(), std::make_pair(std::string(), std::uint64_t{1}))
      << "joined again since it came back: no member left behind to verify";
  // Deleted, it leaves them too.
  ASSERT_EQ(as(bravo_owner_.token, "DELETE", "/api/v1/customers/" + reviewer_.customer_id).status,
            204);
  EXPECT_EQ(member_count(), 0);
}

// A resource deleted, or handed by a SuperAdmin to another organization's customer, leaves the
// things groups of its organization.
TEST_F(Resources, DeletedOrMovedResourcesLeaveTheirThingsGroups) {
  const std::string deleted = str(create(creator_.token, "thing", "Sensor"), "id");
  const std::string moved = str(create(creator_.token, "thing", "Gateway"), "id");
  const std::string kept = str(create(creator_.token, "thing", "Meter"), "id");
  const std::string group = "/api/v1/groups/" + create_group(alpha_owner_, "Devices", "things");
  for (const auto& id : {deleted, moved, kept}) {
    auto added =
        as(alpha_owner_.token, "POST", group + "/members", serialize(object{{"memberId", id}}));
    ASSERT_LT(added.status, 300) << added.body;
  }
  auto members = [&] {
    std::set<std::string> ids;
    auto body = json(as(alpha_owner_.token, "GET", group));
    for (const auto& m : body.at("members").as_array()) ids.insert(std::string(m.as_string()));
    EXPECT_EQ(body.at("memberCount").to_number<std::size_t>(), ids.size());
    return ids;
  };
  EXPECT_EQ(members(), (std::set<std::string>{deleted, moved, kept}));

  ASSERT_EQ(as(creator_.token, "DELETE", "/api/v1/resources/" + deleted).status, 204);
  EXPECT_EQ(members(), (std::set<std::string>{moved, kept}));
  auto handed = call("POST", "/api/v1/resources/" + moved + "/owner",
                     serialize(object{{"customerId", friend_.customer_id}}));
  ASSERT_EQ(handed.status, 200) << handed.body;
  EXPECT_EQ(str(json(handed), "organizationId"), bravo_owner_.organization_id);
  EXPECT_EQ(members(), (std::set<std::string>{kept}));
  auto within = as(creator_.token, "POST", "/api/v1/resources/" + kept + "/owner",
                   serialize(object{{"customerId", colleague_.customer_id}}));
  ASSERT_EQ(within.status, 200) << within.body;
  EXPECT_EQ(members(), (std::set<std::string>{kept})) << "a transfer within Alpha keeps it";
  EXPECT_EQ(members_left_behind(), std::make_pair(std::string(), std::uint64_t{1}));
}

TEST_F(Resources, TheGlobalCustomersGroupStandsForTheWholeOrganization) {
  const std::string id = str(create(creator_.token, "dashboard", "KPIs"), "id");
  const std::string everyone =
      global_customers_group(bravo_owner_.token, bravo_owner_.organization_id);
  ASSERT_FALSE(everyone.empty());
  ASSERT_EQ(grant(creator_.token, id, "group", everyone, "read").status, 201);
  for (const auto* bravo : {&bravo_owner_, &friend_, &reviewer_, &stranger_}) {
    EXPECT_EQ(read(bravo->token, id), 200) << "every Bravo customer, " << bravo->customer_id;
  }
  EXPECT_EQ(read(colleague_.token, id), 404);
  // Leaving Bravo (back to Default) ends it on the next request.
  ASSERT_EQ(as(bravo_owner_.token, "DELETE",
               "/api/v1/organizations/" + bravo_owner_.organization_id + "/members/" +
                   stranger_.customer_id)
                .status,
            204);
  EXPECT_EQ(read(stranger_.token, id), 404);
}

// Default's global customers group would share with every customer waiting in Default, as an
// organization grant to Default would: refused alike.
TEST_F(Resources, NothingIsSharedWithAllOfDefaultThroughItsGlobalGroup) {
  const std::string id = str(create(creator_.token, "dashboard", "KPIs"), "id");
  const std::string everyone =
      global_customers_group(login(), "00000000-0000-7000-8000-000000000001");  // SuperAdmin
  ASSERT_FALSE(everyone.empty());
  const auto before = head();
  auto refused = grant(creator_.token, id, "group", everyone, "read");
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_TRUE(str(json(refused), "type").ends_with("default-organization")) << refused.body;
  EXPECT_EQ(head(), before);
}

// Platform accounts own nothing and hold no grants, even at a SuperAdmin's word: an auditor
// owner could not manage what it owned, and both reach every resource already.
TEST_F(Resources, NoPlatformAccountOwnsOrIsGrantedAResource) {
  const std::string id = str(create(creator_.token, "thing", "Sensor"), "id");
  const std::string auditor_id = auditor_.substr(0, auditor_.find('.'));
  const std::string superadmin_id = token_.substr(0, token_.find('.'));
  const auto before = head();
  for (const auto& platform : {auditor_id, superadmin_id}) {
    auto transfer = call("POST", "/api/v1/resources/" + id + "/owner",
                         serialize(object{{"customerId", platform}}));
    EXPECT_EQ(transfer.status, 409) << transfer.body;
    EXPECT_TRUE(str(json(transfer), "type").ends_with("platform-account")) << transfer.body;
    auto granted = grant(token_, id, "customer", platform, "read");
    EXPECT_EQ(granted.status, 409) << granted.body;
    EXPECT_TRUE(str(json(granted), "type").ends_with("platform-account")) << granted.body;
    EXPECT_EQ(grant(creator_.token, id, "customer", platform, "read").status, 400)
        << "a tenant is told nothing about it";
  }
  EXPECT_EQ(head(), before);
  EXPECT_EQ(str(json(as(creator_.token, "GET", "/api/v1/resources/" + id)), "ownerId"),
            creator_.customer_id);
}

// If-Match is a precondition on every command that changes a resource or an organization's
// billing plan: a stale one is 409 and changes nothing (it was ignored on these until
// 2026-12-04); one on a resource the caller cannot see is still 404.
TEST_F(Resources, IfMatchGuardsGrantsTransfersAndThePlan) {
  const std::string id = str(create(creator_.token, "plugin", "Guarded"), "id");
  const std::string base = "/api/v1/resources/" + id;
  auto with_if_match = [&](const std::string& token, const std::string& method,
                           const std::string& target, const std::string& body,
                           const std::string& version) {
    auto headers = auth(token);
    headers.emplace_back("If-Match", "\"" + version + "\"");
    return client_->request(method, target, body, headers);
  };
  const std::string to_colleague = serialize(object{{"principalType", "customer"},
                                                    {"principalId", colleague_.customer_id},
                                                    {"permission", "read"}});
  const auto before = head();
  EXPECT_EQ(with_if_match(stranger_.token, "POST", base + "/grants", to_colleague, "9").status,
            404);
  EXPECT_EQ(with_if_match(creator_.token, "POST", base + "/grants", to_colleague, "9").status, 409);
  EXPECT_EQ(with_if_match(creator_.token, "POST", base + "/owner",
                          serialize(object{{"customerId", colleague_.customer_id}}), "9")
                .status,
            409);
  EXPECT_EQ(with_if_match(alpha_owner_.token, "PUT",
                          "/api/v1/organizations/" + alpha_owner_.organization_id + "/billing-plan",
                          R"({"billingPlan":"team"})", "999")
                .status,
            409);
  EXPECT_EQ(head(), before) << "a failed precondition changes nothing";
  auto granted = with_if_match(creator_.token, "POST", base + "/grants", to_colleague, "1");
  ASSERT_EQ(granted.status, 201) << granted.body;
  const std::string grant = base + "/grants/" + str(json(granted), "id");
  EXPECT_EQ(with_if_match(creator_.token, "DELETE", grant, "", "1").status, 409);
  EXPECT_EQ(with_if_match(creator_.token, "DELETE", grant, "", "2").status, 204);
}

// Grants to one principal racing each other replace one another. Each answer is the grant its
// own command recorded: it used to be read back from the read model, where a concurrent
// replacement could have revoked it already, and a grant that had succeeded answered 404 (a
// review saw 1 to 7 of every 360 such requests).
TEST_F(Resources, RacingGrantsEachAnswerTheirOwnGrant) {
  const std::string id = str(create(creator_.token, "dataset", "Shared"), "id");
  const char* permissions[] = {"read", "write", "admin"};
  constexpr int kThreads = 6;
  for (int round = 0; round < 20; ++round) {
    std::vector<test::HttpResult> answers(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        test::HttpClient client(app_->port());
        answers[t] = client.request("POST", "/api/v1/resources/" + id + "/grants",
                                    serialize(object{{"principalType", "customer"},
                                                     {"principalId", colleague_.customer_id},
                                                     {"permission", permissions[(t + round) % 3]}}),
                                    auth(creator_.token));
      });
    }
    for (auto& thread : threads) thread.join();
    for (int t = 0; t < kThreads; ++t) {
      const auto& answer = answers[t];
      ASSERT_TRUE(answer.status == 201 || answer.status == 409)
          << "round " << round << ": " << answer.status << " " << answer.body;
      if (answer.status != 201) continue;
      EXPECT_EQ(str(json(answer), "permission"), permissions[(t + round) % 3]);
      EXPECT_EQ(str(json(answer), "principalId"), colleague_.customer_id);
      EXPECT_EQ(answer.header("Location"),
                "/api/v1/resources/" + id + "/grants/" + str(json(answer), "id"));
    }
  }
  auto resource = json(as(creator_.token, "GET", "/api/v1/resources/" + id));
  EXPECT_EQ(resource.at("grants").as_array().size(), 1u) << "one grant per principal";
}

// A resource is its organization's: a creator removed from it stops seeing it (it had gone on
// reading the tenant's edits and grants, sharing it, and probing who was still there), the
// organization keeps it, and the creator's rights come back with the creator. What it makes
// while waiting in Default stays its own.
TEST_F(Resources, AnOwnerRemovedFromItsOrganizationLeavesItsResourcesThere) {
  const std::string made = str(create(creator_.token, "dashboard", "Quarterly"), "id");
  ASSERT_EQ(remove_member(alpha_owner_, creator_.customer_id).status, 204);
  EXPECT_EQ(read(creator_.token, made), 404);
  EXPECT_FALSE(listed(creator_.token).contains(made));
  EXPECT_EQ(
      grant(creator_.token, made, "organization", alpha_owner_.organization_id, "read").status,
      404);
  auto kept = as(alpha_owner_.token, "GET", "/api/v1/resources/" + made);
  ASSERT_EQ(kept.status, 200) << kept.body;
  EXPECT_EQ(str(json(kept), "ownerId"), creator_.customer_id);
  auto regranted = grant(alpha_owner_.token, made, "customer", creator_.customer_id, "read");
  EXPECT_EQ(regranted.status, 201)
      << "gone, its owner holds what it is granted: " << regranted.body;
  EXPECT_EQ(read(creator_.token, made), 200);
  EXPECT_EQ(write(creator_.token, made), 403);
  const std::string waiting = str(create(creator_.token, "thing", "Notebook"), "id");
  EXPECT_EQ(read(creator_.token, waiting), 200);
  ASSERT_EQ(add_member(alpha_owner_, creator_.customer_id).status, 201);
  EXPECT_EQ(read(creator_.token, made), 200) << "back in its organization, it owns it again";
  EXPECT_EQ(read(creator_.token, waiting), 200) << "made in Default, it stays its own";
  EXPECT_EQ(listed(creator_.token), (std::set<std::string>{made, waiting}));
  auto handed = as(alpha_owner_.token, "POST", "/api/v1/resources/" + made + "/owner",
                   serialize(object{{"customerId", colleague_.customer_id}}));
  EXPECT_EQ(handed.status, 200) << handed.body;
}

TEST_F(Resources, OwnershipTransferTakesEffectOnTheNextRequest) {
  const std::string id = str(create(creator_.token, "module", "Billing"), "id");
  auto outside = as(creator_.token, "POST", "/api/v1/resources/" + id + "/owner",
                    serialize(object{{"customerId", friend_.customer_id}}));
  EXPECT_EQ(outside.status, 400) << "only within the organization: " << outside.body;
  auto r = as(creator_.token, "POST", "/api/v1/resources/" + id + "/owner",
              serialize(object{{"customerId", colleague_.customer_id}}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "ownerId"), colleague_.customer_id);
  EXPECT_TRUE(json(r).at("permission").is_null()) << "the previous owner kept nothing";
  EXPECT_EQ(read(creator_.token, id), 404);
  EXPECT_EQ(read(colleague_.token, id), 200);
  EXPECT_EQ(write(colleague_.token, id), 200);
  EXPECT_EQ(grant(colleague_.token, id, "customer", creator_.customer_id, "write").status, 201);
  EXPECT_EQ(write(creator_.token, id), 200);
  EXPECT_EQ(as(creator_.token, "POST", "/api/v1/resources/" + id + "/owner",
               serialize(object{{"customerId", creator_.customer_id}}))
                .status,
            403)
      << "a grantee does not take ownership";
  // The organization's admins manage its resources whoever owns them.
  EXPECT_EQ(as(alpha_admin_.token, "POST", "/api/v1/resources/" + id + "/owner",
               serialize(object{{"customerId", creator_.customer_id}}))
                .status,
            200);
  EXPECT_EQ(read(creator_.token, id), 200);
  EXPECT_EQ(str(json(as(creator_.token, "GET", "/api/v1/resources/" + id)), "permission"), "admin");
}

// A group outlives its organization's deletion in the log, but stands for nobody: a grant
// naming it is refused as one naming a deleted customer or organization is (it was a 201 for a
// grant that gave nobody access).
TEST_F(Resources, AGroupOfADeletedOrganizationIsNoGroupToGrantTo) {
  const std::string group = create_group(bravo_owner_, "Reviewers", "customers");
  const std::string id = str(create(creator_.token, "plugin", "Shared"), "id");
  ASSERT_EQ(call("DELETE", "/api/v1/organizations/" + bravo_owner_.organization_id).status, 204);
  const auto before = head();
  auto r = grant(creator_.token, id, "group", group, "read");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("no such group"), std::string::npos) << r.body;
  EXPECT_EQ(head(), before);
}

TEST_F(Resources, RefusedRequestsAppendNothing) {
  const std::string id = str(create(creator_.token, "plugin", "Secret"), "id");
  ASSERT_EQ(grant(creator_.token, id, "customer", friend_.customer_id, "read").status, 201);
  auto owner_view = json(as(creator_.token, "GET", "/api/v1/resources/" + id));
  const std::string grant_id = str(owner_view.at("grants").as_array().at(0), "id");
  const std::string base = "/api/v1/resources/" + id;
  const std::string grant_body = serialize(object{{"principalType", "customer"},
                                                  {"principalId", stranger_.customer_id},
                                                  {"permission", "admin"}});
  const std::string owner_body = serialize(object{{"customerId", stranger_.customer_id}});
  struct Attempt {
    std::string who;
    const std::string* token;
    std::string method, target, body;
    int status;
  };
  const std::vector<Attempt> attempts{
      {"outsider", &stranger_.token, "GET", base, "", 404},
      {"outsider", &stranger_.token, "PUT", base, R"({"name":"x","updateVersion":2})", 404},
      {"outsider", &stranger_.token, "DELETE", base, "", 404},
      {"outsider", &stranger_.token, "POST", base + "/grants", grant_body, 404},
      {"outsider", &stranger_.token, "DELETE", base + "/grants/" + grant_id, "", 404},
      {"outsider", &stranger_.token, "POST", base + "/owner", owner_body, 404},
      {"colleague", &colleague_.token, "PUT", base, R"({"name":"x","updateVersion":2})", 404},
      {"reader", &friend_.token, "PUT", base, R"({"name":"x","updateVersion":2})", 403},
      {"reader", &friend_.token, "DELETE", base, "", 403},
      {"reader", &friend_.token, "POST", base + "/grants", grant_body, 403},
      {"reader", &friend_.token, "DELETE", base + "/grants/" + grant_id, "", 403},
      {"reader", &friend_.token, "POST", base + "/owner", owner_body, 403},
      {"auditor", &auditor_, "PUT", base, R"({"name":"x","updateVersion":2})", 403},
      {"auditor", &auditor_, "DELETE", base, "", 403},
      {"auditor", &auditor_, "POST", base + "/grants", grant_body, 403},
      {"owner", &creator_.token, "PUT", base, R"({"name":"x"})", 428},
      {"owner", &creator_.token, "PUT", base, R"({"name":"x","updateVersion":1})", 409},
      {"owner", &creator_.token, "PUT", base, R"({"name":"","updateVersion":2})", 400},
      {"owner", &creator_.token, "PUT", base, R"({"colour":"red","updateVersion":2})", 400},
      {"owner", &creator_.token, "POST", base + "/grants",
       serialize(object{{"principalType", "customer"},
                        {"principalId", friend_.customer_id},
                        {"permission", "read"}}),
       409},
      {"owner", &creator_.token, "POST", base + "/grants",
       serialize(object{{"principalType", "customer"},
                        {"principalId", "00000000-0000-7000-8000-00000000dead"},
                        {"permission", "read"}}),
       400},
      {"owner", &creator_.token, "POST", base + "/grants",
       R"({"principalType":"robot","principalId":"x","permission":"own"})", 400},
      {"owner", &creator_.token, "DELETE", base + "/grants/00000000-0000-7000-8000-00000000dead",
       "", 404},
      {"owner", &creator_.token, "DELETE", "/api/v1/resources/not-a-uuid", "", 404},
      {"owner", &creator_.token, "POST", "/api/v1/resources", R"({"kind":"robot","name":"R"})",
       400},
      {"owner", &creator_.token, "POST", "/api/v1/resources",
       R"({"kind":"module","name":"M","attributes":{"active":{"dev":true}}})", 400},
  };
  const auto before = head();
  for (const auto& a : attempts) {
    auto r = as(*a.token, a.method, a.target, a.body);
    EXPECT_EQ(r.status, a.status) << a.who << " " << a.method << " " << a.target << " " << a.body
                                  << " -> " << r.body;
    if (r.status >= 400) {
      EXPECT_EQ(r.header("Content-Type"), "application/problem+json")
          << a.method << " " << a.target;
    }
    if (a.status == 404) {
      EXPECT_EQ(r.body.find("Secret"), std::string::npos) << "nothing leaks";
    }
  }
  EXPECT_EQ(head(), before) << "no refused request appended anything";
}

TEST_F(Resources, AppBackendKeyIsShownOnceAndRotatedByAdmins) {
  auto r = as(creator_.token, "POST", "/api/v1/resources",
              R"({"kind":"app-backend","name":"Shop API","attributes":{"active":{"live":true}}})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto created = json(r);
  const std::string id = str(created, "id");
  const std::string key = str(created, "apiKey");
  EXPECT_EQ(key.size(), 64u);
  const auto& active = created.at("attributes").at("active");
  EXPECT_FALSE(active.at("dev").as_bool());
  EXPECT_FALSE(active.at("staging").as_bool());
  EXPECT_TRUE(active.at("live").as_bool());
  auto read_back = as(creator_.token, "GET", "/api/v1/resources/" + id);
  EXPECT_EQ(read_back.body.find(key), std::string::npos) << "the key is never shown again";
  EXPECT_FALSE(json(read_back).as_object().contains("apiKey"));

  // Flags are partial updates; the history never shows the key or its hash.
  auto flags = as(creator_.token, "PUT", "/api/v1/resources/" + id,
                  R"({"attributes":{"active":{"dev":true}},"updateVersion":1})");
  ASSERT_EQ(flags.status, 200) << flags.body;
  EXPECT_TRUE(json(flags).at("attributes").at("active").at("dev").as_bool());
  EXPECT_TRUE(json(flags).at("attributes").at("active").at("live").as_bool());
  auto events = call("GET", "/api/v1/events?from=1&limit=1000");
  ASSERT_EQ(events.status, 200) << events.body;
  EXPECT_EQ(events.body.find(key), std::string::npos);
  EXPECT_NE(events.body.find("ResourceCreated"), std::string::npos);

  ASSERT_EQ(grant(creator_.token, id, "customer", colleague_.customer_id, "write").status, 201);
  EXPECT_EQ(as(colleague_.token, "PUT", "/api/v1/resources/" + id,
               R"({"rotateApiKey":true,"updateVersion":3})")
                .status,
            403)
      << "rotating needs admin";
  auto rotated = as(creator_.token, "PUT", "/api/v1/resources/" + id,
                    R"({"rotateApiKey":true,"updateVersion":3})");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const std::string new_key = str(json(rotated), "apiKey");
  EXPECT_EQ(new_key.size(), 64u);
  EXPECT_NE(new_key, key);
  EXPECT_EQ(json(rotated).at("updateVersion").as_int64(), 4);
  auto on_module = as(creator_.token, "PUT",
                      "/api/v1/resources/" + str(create(creator_.token, "module", "M"), "id"),
                      R"({"rotateApiKey":true,"updateVersion":1})");
  EXPECT_EQ(on_module.status, 400) << on_module.body;
}

TEST_F(Resources, ListingFiltersByKindAndPages) {
  std::set<std::string> mine, plugins;
  for (int i = 0; i < 5; ++i) {
    const std::string kind = i % 2 == 0 ? "plugin" : "thing";
    const std::string id = str(create(creator_.token, kind, "R" + std::to_string(i)), "id");
    mine.insert(id);
    if (kind == "plugin") plugins.insert(id);
  }
  const std::string shared = str(create(friend_.token, "plugin", "Shared"), "id");
  ASSERT_EQ(grant(friend_.token, shared, "customer", creator_.customer_id, "read").status, 201);
  mine.insert(shared);
  plugins.insert(shared);
  create(friend_.token, "plugin", "Not shared");

  EXPECT_EQ(listed(creator_.token), mine) << "owned and granted, nothing else";
  EXPECT_EQ(listed(creator_.token, "&kind=plugin"), plugins);
  auto first = json(as(creator_.token, "GET", "/api/v1/resources?pageSize=4"));
  EXPECT_EQ(first.at("pageInfo").at("totalElements").as_int64(), 6);
  EXPECT_EQ(first.at("pageInfo").at("totalPages").as_int64(), 2);
  auto second = json(as(creator_.token, "GET", "/api/v1/resources?pageSize=4&page=2"));
  EXPECT_EQ(second.at("resources").as_array().size(), 2u);
  EXPECT_TRUE(second.at("pageInfo").at("nextCursor").is_null());
  const std::string cursor(first.at("pageInfo").at("nextCursor").as_string());
  EXPECT_EQ(as(creator_.token, "GET", "/api/v1/resources?kind=thing&cursor=" + cursor).status, 400)
      << "a cursor belongs to its listing";
  EXPECT_EQ(as(creator_.token, "GET", "/api/v1/resources?pageSize=5&cursor=" + cursor).status, 400)
      << "and to its page size";
  // Its first 16 hex digits are the page it leads to, the next 16 the page size, the next 16
  // the last position shown.
  for (const std::string& forged :
       {"ffffffffffffffff" + cursor.substr(16), "0020000000000001" + cursor.substr(16),
        cursor.substr(0, 32) + "ffffffffffffffff" + cursor.substr(48)}) {
    EXPECT_EQ(as(creator_.token, "GET", "/api/v1/resources?pageSize=4&cursor=" + forged).status,
              400)
        << forged;
  }
  EXPECT_EQ(as(creator_.token, "GET", "/api/v1/resources?kind=robot").status, 400);
  EXPECT_EQ(as(creator_.token, "GET", "/api/v1/resources?owner=me").status, 400);
  auto all = json(call("GET", "/api/v1/resources?pageSize=100"));
  EXPECT_EQ(all.at("pageInfo").at("totalElements").as_int64(), 7) << "the SuperAdmin sees all";
  std::set<std::string> alphas = mine;
  alphas.erase(shared);
  EXPECT_EQ(listed(alpha_admin_.token), alphas)
      << "an admin of Alpha sees every Alpha resource (and nothing of Bravo it was not given)";
}

TEST_F(Resources, DeletedResourcesAreGoneAndSurviveARestart) {
  const std::string keep = str(create(creator_.token, "dataset", "Keep"), "id");
  const std::string drop = str(create(creator_.token, "dataset", "Drop"), "id");
  ASSERT_EQ(grant(creator_.token, keep, "customer", friend_.customer_id, "write").status, 201);
  EXPECT_EQ(as(friend_.token, "DELETE", "/api/v1/resources/" + keep).status, 403)
      << "a write grant does not delete";
  EXPECT_EQ(as(creator_.token, "DELETE", "/api/v1/resources/" + drop).status, 204);
  EXPECT_EQ(read(creator_.token, drop), 404);
  EXPECT_EQ(as(creator_.token, "DELETE", "/api/v1/resources/" + drop).status, 404);
  restart();
  token_ = login();
  EXPECT_EQ(read(friend_.token, keep), 200);
  EXPECT_EQ(write(friend_.token, keep), 200);
  EXPECT_EQ(listed(creator_.token), (std::set<std::string>{keep}));
}

TEST_F(Resources, ReadModelEqualsAFreshReplayAndSurvivesAnOnlineRebuild) {
  const std::string a = str(create(creator_.token, "plugin", "A"), "id");
  const std::string b = str(create(creator_.token, "thing", "B"), "id");
  const std::string c = str(create(friend_.token, "dataset", "C"), "id");
  const std::string readers = create_group(bravo_owner_, "Readers", "customers");
  as(bravo_owner_.token, "POST", "/api/v1/groups/" + readers + "/members",
     serialize(object{{"memberId", stranger_.customer_id}}));
  ASSERT_EQ(grant(creator_.token, a, "group", readers, "read").status, 201);
  ASSERT_EQ(grant(creator_.token, b, "organization", alpha_owner_.organization_id, "write").status,
            201);
  ASSERT_EQ(grant(friend_.token, c, "customer", colleague_.customer_id, "admin").status, 201);
  ASSERT_EQ(as(creator_.token, "POST", "/api/v1/resources/" + a + "/owner",
               serialize(object{{"customerId", colleague_.customer_id}}))
                .status,
            200);
  ASSERT_EQ(as(friend_.token, "DELETE", "/api/v1/resources/" + c).status, 204);
  const std::vector<const std::string*> all{&creator_.token,  &colleague_.token,   &friend_.token,
                                            &stranger_.token, &alpha_admin_.token, &token_};
  std::vector<std::set<std::string>> before;
  for (std::size_t i = 0; i < all.size(); ++i) before.push_back(listed(*all[i]));
  EXPECT_EQ(before[3], (std::set<std::string>{a})) << "the stranger reads through its group";

  auto started = call("POST", "/api/v1/projections/resources/rebuild");
  ASSERT_EQ(started.status, 202) << started.body;
  for (;;) {
    auto status = json(call("GET", "/api/v1/projections/resources"));
    const auto& rebuild = status.at("rebuild");
    if (!rebuild.is_null() && rebuild.at("state").as_string() != "running") {
      EXPECT_EQ(rebuild.at("state").as_string(), "done") << serialize(status);
      break;
    }
    std::this_thread::yield();
  }
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(listed(*all[i]), before[i]) << "after the rebuild " << i;
  }

  restart();
  token_ = login();
  auto report = replay::verify(app_->store());
  ASSERT_TRUE(report.has_value()) << report.error();
  EXPECT_TRUE(report->ok()) << serialize(replay::verify_report_json(*report));
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(listed(*all[i]), before[i]) << "after restart " << i;
  }
}

}  // namespace
}  // namespace orgd::e2e
