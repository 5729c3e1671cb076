// Signup, customers, membership and roles, end to end.

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "api/command_executor.hpp"
#include "domain/customer/customer_decisions.hpp"
#include "domain/event_codec.hpp"
#include "tests/e2e/orgd_fixture.hpp"
#include "tools/orgctl/seeder.hpp"

namespace orgd::e2e {
namespace {

using Customers = OrgdTest;
const std::string kDefault = "00000000-0000-7000-8000-000000000001";

std::string member_path(const std::string& org, const std::string& customer = {}) {
  return "/api/v1/organizations/" + org + "/members" + (customer.empty() ? "" : "/" + customer);
}

TEST_F(Customers, SignupCreatesAWorkingOwnerInANewOrganization) {
  auto owner = signup("Acme", "ada@acme.io");
  auto me = json(as(owner.token, "GET", "/api/v1/me"));
  EXPECT_EQ(str(me, "role"), "owner");
  EXPECT_EQ(str(me, "organizationId"), owner.organization_id);
  EXPECT_TRUE(me.at("platformRole").is_null());
  EXPECT_TRUE(me.at("pendingContracts").as_array().empty());
  auto org = json(as(owner.token, "GET", "/api/v1/organizations/" + owner.organization_id));
  EXPECT_EQ(org.at("memberCount").as_int64(), 1);
  EXPECT_EQ(str(org, "createdBy"), owner.customer_id);
}

// A caller's organization and role come from the customers read model, which may not show yet
// a change that just committed. An admin demoted a moment before acted as an admin once more,
// and its event landed in the log after the demotion; its command now guards its own customer
// stream at the version its rights were read at, and loses. The projections are held, so the
// admin's request is decided on the stale read model every time.
TEST_F(Customers, ACommandRacingTheCallersDemotionIsRefused) {
  const Account owner = signup("Acme", "owner@acme.io");
  const Account admin = add_customer(owner, "admin@acme.io", "admin");
  const std::string groups = "/api/v1/organizations/" + owner.organization_id + "/groups";
  const auto group = [](const std::string& name) {
    return boost::json::serialize(boost::json::object{{"name", name}, {"kind", "customers"}});
  };
  ASSERT_EQ(as(admin.token, "POST", groups, group("Before")).status, 201);
  std::optional<HeldProjections> held(std::in_place, *app_, "customers");
  test::HttpResult demoted;
  const std::uint64_t before = head();
  std::thread demote = send_apart(
      "PUT",
      "/api/v1/organizations/" + owner.organization_id + "/members/" + admin.customer_id + "/role",
      R"({"role":"member"})", owner.token, demoted);
  const std::uint64_t demoted_at = head_past(before, std::chrono::seconds(10));
  // Appended, its answer would wait for the held read models.
  test::HttpResult racing;
  std::thread race = send_apart("POST", groups, group("After"), admin.token, racing);
  const std::uint64_t after = head_past(demoted_at, std::chrono::seconds(2));
  held.reset();
  demote.join();
  race.join();
  EXPECT_GT(demoted_at, before) << "the demotion did not commit";
  EXPECT_EQ(demoted.status, 200);
  EXPECT_EQ(after, demoted_at) << "the demoted admin's group was appended after the demotion";
  EXPECT_EQ(racing.status, 409) << racing.body;
  EXPECT_NE(racing.body.find("concurrent-modification"), std::string::npos) << racing.body;
  EXPECT_EQ(as(admin.token, "POST", groups, group("Again")).status, 403)
      << "sent again, it is decided on the demotion";
}

TEST_F(Customers, SignupRefusalsWriteNothing) {
  signup("Acme", "ada@acme.io");
  const auto before = head();
  auto body = [](std::string org, std::string email, int agree) {
    return boost::json::serialize(boost::json::object{
        {"organizationName", org}, {"organizationDescription", ""}, {"firstName", "B"},
        {"lastName", "B"}, {"userDescription", ""}, {"userEmailAddress", email},
        {"userPassword", "password1"}, {"agreeToTermsAndPolicies", agree}});
  };
  const test::Headers json_type{{"Content-Type", "application/json"}};
  auto taken_org = client_->request("POST", "/api/v1/signup", body("ACME", "b@x.io", 1), json_type);
  EXPECT_EQ(taken_org.status, 409);
  EXPECT_EQ(str(json(taken_org), "title"), "organization already exists");
  auto taken_email =
      client_->request("POST", "/api/v1/signup", body("Other", "ADA@acme.io", 1), json_type);
  EXPECT_EQ(taken_email.status, 409);
  EXPECT_NE(str(json(taken_email), "detail").find("ada@acme.io"), std::string::npos);
  auto no_terms = client_->request("POST", "/api/v1/signup", body("Other", "c@x.io", 0), json_type);
  EXPECT_EQ(no_terms.status, 400);
  EXPECT_EQ(head(), before);
}

// Every field to fix at once: a too-short password (the JSON reader's rule) beside an email
// that is none and terms not agreed to (the domain's). The password was reported alone, in a
// signup and in a customer's creation.
TEST_F(Customers, AShortPasswordIsReportedWithEveryOtherFieldToFix) {
  const auto fields_of = [](const test::HttpResult& r) {
    EXPECT_EQ(r.status, 400) << r.body;
    std::set<std::string> fields;
    const auto problem = json(r);
    EXPECT_EQ(str(problem, "type"), "urn:orgd:problem:validation-failed") << r.body;
    for (const auto& error : problem.at("errors").as_array()) {
      fields.insert(std::string(error.at("field").as_string()));
    }
    return fields;
  };
  token_ = login();
  const auto before = head();
  const auto signup = client_->request(
      "POST", "/api/v1/signup",
      R"({"organizationName":"Initech","firstName":"P","lastName":"G","userEmailAddress":"peter",)"
      R"("userPassword":"short","agreeToTermsAndPolicies":0})",
      {{"Content-Type", "application/json"}});
  EXPECT_EQ(fields_of(signup),
            (std::set<std::string>{"userPassword", "userEmailAddress", "agreeToTermsAndPolicies"}))
      << signup.body;
  const auto created = call("POST", "/api/v1/customers",
                            R"({"email":"peter","password":"short","firstName":"P",)"
                            R"("lastName":"G","role":"boss"})");
  EXPECT_EQ(fields_of(created), (std::set<std::string>{"password", "email", "role"}))
      << created.body;
  EXPECT_EQ(head(), before);
}

TEST_F(Customers, SignupCanBeSwitchedOff) {
  restart({.signup_enabled = false, .token_ttl_seconds = 86400});
  auto r = client_->request("POST", "/api/v1/signup", "{}", {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 404);
}

TEST_F(Customers, ConcurrentSignupsForOneNameOrEmailLetExactlyOneThrough) {
  for (const bool same_name : {true, false}) {
    std::atomic<int> created{0}, conflicts{0};
    std::vector<std::thread> racers;
    for (int i = 0; i < 6; ++i) {
      racers.emplace_back([&, i] {
        test::HttpClient client(app_->port());
        const std::string suffix = same_name ? std::to_string(i) : "";
        boost::json::object body{
            {"organizationName", same_name ? "Race" : "Race " + std::to_string(i)},
            {"organizationDescription", ""}, {"firstName", "R"}, {"lastName", "R"},
            {"userDescription", ""},
            {"userEmailAddress", same_name ? "r" + suffix + "@race.io" : "same@race.io"},
            {"userPassword", "password1"}, {"agreeToTermsAndPolicies", 1}};
        auto r = client.request("POST", "/api/v1/signup", boost::json::serialize(body),
                                {{"Content-Type", "application/json"}});
        (r.status == 201 ? created : conflicts) += r.status == 201 || r.status == 409 ? 1 : 0;
      });
    }
    for (auto& t : racers) t.join();
    EXPECT_EQ(created.load(), 1) << (same_name ? "same name" : "same email");
    EXPECT_EQ(conflicts.load(), 5);
  }
}

// A customer's history, as the owners of the organization it is in now read it, starts where
// it came to them: what it did in an organization before is that organization's (SPEC: nobody
// sees another organization's history). The platform's accounts read all of it.
TEST_F(Customers, AnOwnerReadsAMovedCustomersHistoryFromItsArrival) {
  const Account acme = signup("Acme", "owner@acme.io");
  const Account globex = signup("Globex", "owner@globex.io");
  const Account mia = add_customer(acme, "mia@acme.io");
  ASSERT_EQ(
      as(acme.token, "PUT",
         "/api/v1/organizations/" + acme.organization_id + "/members/" + mia.customer_id + "/role",
         R"({"role":"admin"})")
          .status,
      200);
  ASSERT_EQ(remove_member(acme, mia.customer_id).status, 204);
  ASSERT_EQ(add_member(globex, mia.customer_id).status, 201);
  const std::string history = "/api/v1/customers/" + mia.customer_id + "/history";
  auto seen = as(globex.token, "GET", history);
  ASSERT_EQ(seen.status, 200) << seen.body;
  const auto page = json(seen);
  const auto& events = page.at("events").as_array();
  ASSERT_EQ(events.size(), 1u) << seen.body;
  EXPECT_EQ(events[0].at("type").as_string(), "CustomerMoved");
  EXPECT_EQ(events[0].at("data").at("organizationId").as_string(), globex.organization_id);
  EXPECT_EQ(page.at("pageInfo").at("totalElements").as_int64(), 1);
  EXPECT_EQ(seen.body.find(acme.customer_id), std::string::npos) << "Acme's owner acted before";

  auto all = json(call("GET", history));  // the SuperAdmin
  EXPECT_GT(all.at("pageInfo").at("totalElements").as_int64(), 3) << "registered, sessions, "
                                                                     "role, moves";
  EXPECT_EQ(all.at("events").at(0).at("type").as_string(), "CustomerRegistered");
  EXPECT_EQ(as(acme.token, "GET", history).status, 404) << "no longer Acme's";
}

TEST_F(Customers, MoveRulesRolesAndTheLastOwner) {
  auto owner = signup("Acme", "ada@acme.io");
  token_ = login();  // SuperAdmin
  // A customer the SuperAdmin creates without a target lands in Default.
  auto r = call("POST", "/api/v1/customers",
                R"({"email":"dan@x.io","password":"password1","firstName":"Dan","lastName":"D"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string dan = str(json(r), "id");
  EXPECT_EQ(str(json(r), "organizationId"), kDefault);
  // The owner adds Dan from Default.
  auto added = as(owner.token, "POST", member_path(owner.organization_id),
                  boost::json::serialize(boost::json::object{{"customerId", dan}}));
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(str(json(added), "organizationId"), owner.organization_id);
  // Once in Acme, another organization cannot take him.
  auto other = signup("Other", "otto@other.io");
  auto stolen = as(other.token, "POST", member_path(other.organization_id),
                   boost::json::serialize(boost::json::object{{"customerId", dan}}));
  EXPECT_EQ(stolen.status, 404) << "Dan is not visible to Other";
  // Roles: promote Dan to owner, then the original owner may step down.
  auto promoted = as(owner.token, "PUT", member_path(owner.organization_id, dan) + "/role",
                     R"({"role":"owner"})");
  ASSERT_EQ(promoted.status, 200) << promoted.body;
  EXPECT_EQ(as(owner.token, "PUT", member_path(owner.organization_id, owner.customer_id) + "/role",
               R"({"role":"member"})")
                .status,
            200);
  // Dan is now the last owner: not demotable, not removable.
  auto demote = call("PUT", member_path(owner.organization_id, dan) + "/role", R"({"role":"admin"})");
  EXPECT_EQ(demote.status, 409);
  EXPECT_TRUE(str(json(demote), "type").ends_with("last-owner"));
  EXPECT_EQ(call("DELETE", member_path(owner.organization_id, dan)).status, 409);
  // Removing the former owner sends her to Default.
  EXPECT_EQ(call("DELETE", member_path(owner.organization_id, owner.customer_id)).status, 204);
  auto ada = json(call("GET", "/api/v1/customers/" + owner.customer_id));
  EXPECT_EQ(str(ada, "organizationId"), kDefault);
  auto acme = json(call("GET", "/api/v1/organizations/" + owner.organization_id));
  EXPECT_EQ(acme.at("memberCount").as_int64(), 1);
}

TEST_F(Customers, DeletingAnOrganizationMovesItsMembersToDefault) {
  auto owner = signup("Doomed", "o@doomed.io");
  auto member = add_customer(owner, "m@doomed.io");
  EXPECT_EQ(as(owner.token, "DELETE", "/api/v1/organizations/" + owner.organization_id).status, 204);
  token_ = login();
  for (const auto& id : {owner.customer_id, member.customer_id}) {
    auto c = json(call("GET", "/api/v1/customers/" + id));
    EXPECT_EQ(str(c, "organizationId"), kDefault);
    EXPECT_EQ(str(c, "role"), "member");
  }
  auto members = json(call("GET", member_path(kDefault) + "?pageSize=100"));
  // Not the SuperAdmin: platform accounts are in no organization's member list.
  EXPECT_EQ(members.at("pageInfo").at("totalElements").as_int64(), 2);
}

TEST_F(Customers, ProfileUpdatesNeedTheVersionAndEmailsStayUnique) {
  auto owner = signup("Acme", "ada@acme.io");
  auto bob = add_customer(owner, "bob@acme.io");
  const std::string path = "/api/v1/customers/" + bob.customer_id;
  EXPECT_EQ(as(bob.token, "PATCH", path, R"({"firstName":"Robert"})").status, 428);
  auto ok = as(bob.token, "PATCH", path, R"({"firstName":"Robert","locale":"de-DE","updateVersion":1})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(str(json(ok), "firstName"), "Robert");
  auto taken = as(bob.token, "PATCH", path, R"({"email":"ADA@acme.io","updateVersion":2})");
  EXPECT_EQ(taken.status, 409);
  auto me = json(as(bob.token, "GET", "/api/v1/me"));
  EXPECT_EQ(str(me, "effectiveLocale"), "de-DE");
}

// DELETE honours If-Match as PATCH does: the ETag of a GET another change has overtaken makes
// it 409 and deletes nothing (it was ignored, and the customer deleted).
TEST_F(Customers, DeletionHonoursIfMatch) {
  auto owner = signup("Acme", "ada@acme.io");
  auto bob = add_customer(owner, "bob@acme.io");
  const std::string path = "/api/v1/customers/" + bob.customer_id;
  const std::string read = as(owner.token, "GET", path).header("ETag");
  ASSERT_FALSE(read.empty());
  auto renamed = as(owner.token, "PATCH", path, R"({"firstName":"Robert","updateVersion":1})");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  auto matching = [&](const std::string& etag) {
    auto headers = auth(owner.token);
    headers.emplace_back("If-Match", etag);
    return headers;
  };
  auto stale = client_->request("DELETE", path, "", matching(read));
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_TRUE(str(json(stale), "type").ends_with("version-conflict")) << stale.body;
  EXPECT_EQ(as(owner.token, "GET", path).status, 200) << "not deleted";
  EXPECT_EQ(client_->request("DELETE", path, "", matching("W/\"2\"")).status, 400);
  EXPECT_EQ(client_->request("DELETE", path, "", matching(renamed.header("ETag"))).status, 204);
  EXPECT_EQ(as(owner.token, "GET", path).status, 404);
}

TEST_F(Customers, PasswordChangeAndDeletionRevokeSessions) {
  auto owner = signup("Acme", "ada@acme.io");
  auto bob = add_customer(owner, "bob@acme.io");
  const std::string path = "/api/v1/customers/" + bob.customer_id;
  auto wrong = as(bob.token, "PATCH", path,
                  R"({"password":"new-password","currentPassword":"nope","updateVersion":1})");
  EXPECT_EQ(wrong.status, 400);
  // Refused before any hashing: the owner may not set it, an outsider does not see bob.
  const auto before = head();
  EXPECT_EQ(
      as(owner.token, "PATCH", path, R"({"password":"owners-choice","updateVersion":1})").status,
      403);
  auto outsider = signup("Globex", "eve@globex.io");
  const auto after_signup = head();
  EXPECT_EQ(
      as(outsider.token, "PATCH", path, R"({"password":"eves-choice","updateVersion":1})").status,
      404);
  EXPECT_GT(after_signup, before);
  EXPECT_EQ(head(), after_signup) << "refused password changes append nothing";
  auto changed = as(bob.token, "PATCH", path,
                    R"({"password":"new-password","currentPassword":"password-bob@acme.io","updateVersion":1})");
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(as(bob.token, "GET", "/api/v1/me").status, 401) << "old session revoked";
  const std::string fresh = login("bob@acme.io", "new-password");
  EXPECT_EQ(as(fresh, "GET", "/api/v1/me").status, 200);
  EXPECT_EQ(as(owner.token, "DELETE", path).status, 204);
  EXPECT_EQ(as(fresh, "GET", "/api/v1/me").status, 401) << "deleted customers lose their sessions";
  // The email is free again.
  add_customer(owner, "bob@acme.io");
}

// What a refused password change says: a missing current password is required, a wrong one
// is wrong, and a change that lost to another (a stale updateVersion) is a conflict whatever
// its current password proved (it is checked against the hash the other one replaced).
TEST_F(Customers, APasswordChangeSaysWhyItWasRefused) {
  auto owner = signup("Acme", "ada@acme.io");
  auto bob = add_customer(owner, "bob@acme.io");
  const std::string path = "/api/v1/customers/" + bob.customer_id;
  const auto before = head();
  auto missing = as(bob.token, "PATCH", path, R"({"password":"new-password","updateVersion":1})");
  ASSERT_EQ(missing.status, 400) << missing.body;
  EXPECT_EQ(str(json(missing).at("errors").at(0), "message"),
            "is required to change your own password");
  auto wrong = as(bob.token, "PATCH", path,
                  R"({"password":"new-password","currentPassword":"nope","updateVersion":1})");
  ASSERT_EQ(wrong.status, 400) << wrong.body;
  EXPECT_EQ(str(json(wrong).at("errors").at(0), "message"), "is wrong");
  EXPECT_EQ(head(), before);
  auto changed = as(
      bob.token, "PATCH", path,
      R"({"password":"new-password","currentPassword":"password-bob@acme.io","updateVersion":1})");
  ASSERT_EQ(changed.status, 200) << changed.body;
  const std::string fresh = login("bob@acme.io", "new-password");
  auto lost = as(
      fresh, "PATCH", path,
      R"({"password":"other-password","currentPassword":"password-bob@acme.io","updateVersion":1})");
  EXPECT_EQ(lost.status, 409) << lost.body;
}

TEST_F(Customers, AuditorsReadEverythingAndChangeNothing) {
  auto owner = signup("Acme", "ada@acme.io");
  token_ = login();
  ASSERT_EQ(call("POST", "/api/v1/customers",
                 R"({"email":"audit@x.io","password":"password1","firstName":"A","lastName":"A","platformRole":"auditor"})")
                .status,
            201);
  const std::string auditor = login("audit@x.io", "password1");
  EXPECT_EQ(str(json(as(auditor, "GET", "/api/v1/me")), "platformRole"), "auditor");
  EXPECT_EQ(as(auditor, "GET", "/api/v1/organizations/" + owner.organization_id).status, 200);
  EXPECT_EQ(as(auditor, "GET", "/api/v1/customers/" + owner.customer_id).status, 200);
  EXPECT_EQ(as(auditor, "GET", member_path(owner.organization_id)).status, 200);
  const auto before = head();
  EXPECT_EQ(as(auditor, "POST", "/api/v1/organizations", R"({"name":"Nope"})").status, 403);
  EXPECT_EQ(as(auditor, "PUT", "/api/v1/organizations/" + owner.organization_id,
               R"({"description":"x","updateVersion":1})")
                .status,
            403);
  EXPECT_EQ(as(auditor, "DELETE", "/api/v1/organizations/" + owner.organization_id).status, 403);
  EXPECT_EQ(as(auditor, "DELETE", "/api/v1/customers/" + owner.customer_id).status, 403);
  // Its own profile too, but for its sign-in (it changed its name: 200).
  const std::string self = "/api/v1/customers/" + str(json(as(auditor, "GET", "/api/v1/me")), "id");
  EXPECT_EQ(as(auditor, "PATCH", self, R"({"firstName":"Changed","updateVersion":1})").status, 403);
  EXPECT_EQ(head(), before);
  EXPECT_EQ(as(auditor, "PATCH", self, R"({"email":"audit2@x.io","updateVersion":1})").status, 200);
}

// The configured SuperAdmin is created once per data directory: one that moved to another
// email keeps being the only one, and the configured email and password open nothing after a
// restart (they made a second SuperAdmin).
TEST_F(Customers, TheConfiguredSuperAdminIsCreatedOnce) {
  token_ = login();
  auto me = json(call("GET", "/api/v1/me"));
  const std::string id = str(me, "id");
  auto moved = call("PATCH", "/api/v1/customers/" + id,
                    R"({"email":"root.moved@x.io","updateVersion":)" +
                        std::to_string(me.at("updateVersion").as_int64()) + "}");
  ASSERT_EQ(moved.status, 200) << moved.body;
  const auto before = head();
  restart();
  EXPECT_EQ(head(), before) << "nothing appended at the restart";
  auto old = try_login(kAdminEmail, kAdminPassword);
  EXPECT_EQ(old.status, 401) << old.body;
  token_ = login("root.moved@x.io", kAdminPassword);
  EXPECT_EQ(str(json(call("GET", "/api/v1/me")), "platformRole"), "superadmin");
}

// A fresh store holding Default and a SuperAdmin of a release before the fixed id (an id of its
// own, `email`), written as that release did; started without ORGD_ADMIN_*.
class EarlierSuperAdmin : public OrgdTest {
 protected:
  void start_over_with_earlier_superadmin(const std::string& email) {
    client_.reset();
    app_.reset();
    std::filesystem::remove_all(dir_.path() / "data");
    bootstrap_ = {};
    start();
    const domain::RegisterCustomer registered{"0190a000-0000-7000-8000-0000000000e1",
                                              email,
                                              "Super",
                                              "Admin",
                                              "",
                                              kDefault,
                                              "member",
                                              "superadmin",
                                              "not-a-hash",
                                              "",
                                              ""};
    domain::Organization organization;
    organization.id = kDefault;
    organization.name = "Default";
    organization.version = 1;
    auto decision =
        domain::decide(domain::Customer{}, registered, domain::system_caller(), organization);
    ASSERT_TRUE(decision.has_value());
    ASSERT_TRUE(app_->store().append(api::to_append_request(*decision, {"system", "old", "", 0})));
  }
};

// A store bootstrapped before the fixed id holds its SuperAdmin under an id of its own; one that
// has moved to another email is found among the platform accounts, and no second is created.
TEST_F(EarlierSuperAdmin, ThatMovedIsNotJoinedByASecond) {
  ASSERT_NO_FATAL_FAILURE(start_over_with_earlier_superadmin("moved.root@x.io"));
  const auto before = head();
  bootstrap_ = {kAdminEmail, kAdminPassword};
  restart();
  EXPECT_EQ(head(), before) << "nothing created";
  auto configured = try_login(kAdminEmail, kAdminPassword);
  EXPECT_EQ(configured.status, 401) << configured.body;
}

// Every start that creates no SuperAdmin though ORGD_ADMIN_EMAIL is set says why (two did not).
TEST_F(EarlierSuperAdmin, StartsThatCreateNoSuperAdminSayWhy) {
  // What orgd logs while it starts; stopped around the swap of the logger, so that no other
  // thread logs meanwhile.
  auto logged_start = [this] {
    std::ostringstream out;
    auto previous = spdlog::default_logger();
    client_.reset();
    app_.reset();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>(
        "bootstrap-capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(out)));
    start();
    client_.reset();
    app_.reset();
    spdlog::set_default_logger(previous);
    spdlog::drop("bootstrap-capture");  // nothing may keep writing to `out`
    start();
    return out.str();
  };
  bootstrap_ = {kAdminEmail, "another-password"};
  EXPECT_NE(logged_start().find("the SuperAdmin exists: nothing created (ORGD_ADMIN_PASSWORD"),
            std::string::npos);
  EXPECT_EQ(try_login(kAdminEmail, "another-password").status, 401) << "the password is unchanged";

  ASSERT_NO_FATAL_FAILURE(start_over_with_earlier_superadmin(kAdminEmail));
  const auto before = head();
  bootstrap_ = {kAdminEmail, kAdminPassword};
  EXPECT_NE(logged_start().find("ORGD_ADMIN_EMAIL names an account already"), std::string::npos);
  EXPECT_EQ(head(), before) << "nothing created";
}

// A first start on a store orgctl seeded (it holds no Default) creates Default without
// waiting for the read models to catch up with the log: it listens at once, and /readyz
// answers 503 until they have, Default included. It waited for them, saying nothing (5.4 s for
// 500,000 events); and /readyz said 200 once they reached the head from before bootstrap's
// appends (a run of the suite saw 80,000 applied of 80,003).
TEST(Bootstrap, AFirstStartOnASeededStoreListensBeforeTheReadModelsCatchUp) {
  TempDir dir;
  {
    eventstore::StoreOptions options;
    options.data_dir = dir.path() / "data";
    auto store = eventstore::Store::open(options);
    ASSERT_TRUE(store.has_value()) << store.error().message;
    auto seeded = tools::seed(**store, {.organizations = 20'000, .events_per_organization = 4});
    ASSERT_TRUE(seeded.has_value()) << seeded.error();
  }
  api::OrgdOptions options;
  options.listen_port = 0;
  options.data_dir = dir.path() / "data";
  options.io_threads = 2;
  auto app = api::Application::start(options);
  ASSERT_TRUE(app.has_value()) << app.error().message;
  const auto head = (*app)->store().head_position();
  EXPECT_LT((*app)->projections().applied_position(), head) << "the start waited for them";
  EXPECT_EQ((*app)->store().stream_version("organization-" + kDefault).value(), 1u);
  test::HttpClient client((*app)->port());
  EXPECT_EQ(client.request("GET", "/readyz").status, 503);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(240);
  while (client.request("GET", "/readyz").status != 200 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ((*app)->projections().applied_position(), head);
}

// A parent's owners manage the child organization, not its customers: they add none to it.
TEST_F(Customers, AParentsOwnerAddsNoMembersToItsChild) {
  auto acme = signup("Acme", "ada@acme.io");
  auto child = as(acme.token, "POST", "/api/v1/organizations",
                  R"({"name":"Acme Labs","parentId":")" + acme.organization_id + "\"}");
  ASSERT_EQ(child.status, 201) << child.body;
  token_ = login();
  auto dan =
      json(call("POST", "/api/v1/customers",
                R"({"email":"dan@x.io","password":"password1","firstName":"D","lastName":"N"})"));
  const auto before = head();
  auto added = as(acme.token, "POST", member_path(str(json(child), "id")),
                  R"({"customerId":")" + str(dan, "id") + "\"}");
  EXPECT_EQ(added.status, 403) << added.body;
  auto nobody = as(acme.token, "POST", member_path(str(json(child), "id")),
                   R"({"customerId":"00000000-0000-4000-8000-000000000000"})");
  EXPECT_EQ(nobody.status, added.status) << "which ids wait in Default does not show";
  EXPECT_EQ(head(), before);
  EXPECT_EQ(as(acme.token, "POST", member_path(acme.organization_id),
               R"({"customerId":")" + str(dan, "id") + "\"}")
                .status,
            201)
      << "into its own organization";
}

// Default's memberCount counts what its member list shows: customers, not the platform
// accounts (the SuperAdmin, auditors) that live there too.
TEST_F(Customers, DefaultsMemberCountLeavesPlatformAccountsOut) {
  token_ = login();
  ASSERT_EQ(
      call(
          "POST", "/api/v1/customers",
          R"({"email":"audit@x.io","password":"password1","firstName":"A","lastName":"A","platformRole":"auditor"})")
          .status,
      201);
  ASSERT_EQ(call("POST", "/api/v1/customers",
                 R"({"email":"cy@x.io","password":"password1","firstName":"C","lastName":"Y"})")
                .status,
            201);
  auto members = json(call("GET", member_path(kDefault)));
  EXPECT_EQ(members.at("pageInfo").at("totalElements").as_int64(), 1);
  auto org = json(call("GET", "/api/v1/organizations/" + kDefault));
  EXPECT_EQ(org.at("memberCount").as_int64(), 1) << "Cy alone, not the SuperAdmin or the auditor";
  auto listed = json(call("GET", "/api/v1/organizations?q=default"));
  EXPECT_EQ(listed.at("organizations").at(0).at("memberCount").as_int64(), 1);
  auto as_of =
      json(call("GET", "/api/v1/organizations/" + kDefault + "?asOf=" + std::to_string(head())));
  EXPECT_EQ(as_of.at("memberCount").as_int64(), 1) << "history counts as the read model does";
}

// Folds the whole log and checks, after every command (a run of one correlation id), that each
// customer is in exactly one organization and in that organization's membership only.
TEST_F(Customers, EveryCustomerIsInExactlyOneOrganizationAtEveryCommand) {
  auto acme = signup("Acme", "ada@acme.io");
  auto bob = add_customer(acme, "bob@acme.io");
  auto beta = signup("Beta", "bea@beta.io");
  EXPECT_EQ(as(acme.token, "DELETE", member_path(acme.organization_id, bob.customer_id)).status, 204);
  EXPECT_EQ(as(beta.token, "POST", member_path(beta.organization_id),
               boost::json::serialize(boost::json::object{{"customerId", bob.customer_id}}))
                .status,
            201);
  add_customer(beta, "cy@beta.io");
  // The owner deletes Beta: Bea, Bob and Cy all go to Default in that one command.
  EXPECT_EQ(as(beta.token, "DELETE", "/api/v1/organizations/" + beta.organization_id).status, 204);

  auto log = app_->store().read_all(1, SIZE_MAX);
  ASSERT_TRUE(log.has_value());
  std::map<std::string, std::string> organization_of;             // customer -> organization
  std::map<std::string, std::set<std::string>> members_of;        // organization -> customers
  auto check = [&](std::uint64_t position) {
    for (const auto& [customer, org] : organization_of) {
      int memberships = 0;
      for (const auto& [o, members] : members_of) memberships += members.count(customer) ? 1 : 0;
      EXPECT_EQ(memberships, 1) << customer << " at position " << position;
      EXPECT_TRUE(members_of[org].count(customer)) << customer << " at position " << position;
    }
  };
  for (std::size_t i = 0; i < log->size(); ++i) {
    const auto& e = (*log)[i];
    auto event = domain::decode_event(e.type, e.schema_version, e.payload);
    ASSERT_TRUE(event.has_value());
    const std::string stream_tail = e.stream_id.substr(e.stream_id.find('-') + 1);
    if (auto* r = std::get_if<domain::CustomerRegistered>(&*event)) organization_of[r->id] = r->organization_id;
    if (auto* m = std::get_if<domain::CustomerMoved>(&*event)) organization_of[stream_tail] = m->organization_id;
    if (std::get_if<domain::CustomerDeleted>(&*event)) organization_of.erase(stream_tail);
    if (auto* j = std::get_if<domain::MemberJoined>(&*event)) members_of[stream_tail].insert(j->customer_id);
    if (auto* l = std::get_if<domain::MemberLeft>(&*event)) members_of[stream_tail].erase(l->customer_id);
    const bool command_ends = i + 1 == log->size() || (*log)[i + 1].correlation_id != e.correlation_id;
    if (command_ends) check(e.position);
  }
  EXPECT_EQ(organization_of[bob.customer_id], kDefault);
}

}  // namespace
}  // namespace orgd::e2e
