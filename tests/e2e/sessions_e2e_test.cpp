#include <chrono>
#include <thread>

#include "domain/event_codec.hpp"
#include "domain/organization/organization.hpp"
#include "tests/e2e/orgd_fixture.hpp"

namespace orgd::e2e {
namespace {

using Sessions = OrgdTest;

TEST_F(Sessions, LoginReturnsATokenThatWorksUntilLogout) {
  auto r = client_->request("POST", "/api/v1/sessions",
                            R"({"email":"ROOT@orgd.test","password":"correct horse battery"})",
                            {{"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 201) << r.body;
  auto body = json(r);
  const std::string token = str(body, "securityToken");
  EXPECT_EQ(token.substr(0, token.find('.')), str(body, "id"));
  EXPECT_TRUE(str(body, "expiresAt").ends_with("Z"));
  EXPECT_EQ(client_->request("GET", "/api/v1/organizations", {}, auth(token)).status, 200);
  EXPECT_EQ(client_->request("DELETE", "/api/v1/sessions/current", {}, auth(token)).status, 204);
  EXPECT_EQ(client_->request("GET", "/api/v1/organizations", {}, auth(token)).status, 401);
}

// A token that worked a moment ago is checked again on every request: its customer part, and
// its own session (a logout of another session of the same customer leaves it alone).
TEST_F(Sessions, EveryRequestChecksTheWholeToken) {
  const std::string first = login();
  const std::string second = login();
  for (const auto& token : {first, second}) {
    ASSERT_EQ(client_->request("GET", "/api/v1/organizations", {}, auth(token)).status, 200);
  }
  // The same secret presented for another customer id.
  const std::string forged = "00000000-0000-7000-8000-00000000dead" + first.substr(first.find('.'));
  EXPECT_EQ(client_->request("GET", "/api/v1/organizations", {}, auth(forged)).status, 401);
  EXPECT_EQ(client_->request("GET", "/api/v1/organizations", {}, auth(first)).status, 200);
  EXPECT_EQ(client_->request("DELETE", "/api/v1/sessions/current", {}, auth(first)).status, 204);
  EXPECT_EQ(client_->request("GET", "/api/v1/organizations", {}, auth(first)).status, 401);
  EXPECT_EQ(client_->request("GET", "/api/v1/organizations", {}, auth(second)).status, 200);
}

// Authenticated tokens are remembered until the read models' position moves. Once one read
// model stopped, the others go on past it while that position stays, so nothing may be
// reused from memory: a logout must still end the token.
TEST_F(Sessions, ALogoutEndsTheTokenWhileAnotherReadModelIsStopped) {
  const std::string token = login();
  ASSERT_EQ(client_->request("GET", "/api/v1/me", {}, auth(token)).status, 200);  // remembered
  // An update of an organization the log never created stops the organizations read model
  // alone; the sessions read model goes on.
  const auto ghost =
      domain::encode_event(domain::OrganizationUpdated{"Ghost", "", "", "active", "", "", ""});
  eventstore::AppendRequest append;
  append.actor = "system";
  append.correlation_id = "test";
  append.streams.push_back({domain::organization_stream("00000000-0000-7000-8000-00000000a605"),
                            eventstore::ExpectedVersion::any(),
                            {{ghost.type, ghost.schema_version, ghost.payload}}});
  ASSERT_TRUE(app_->store().append(std::move(append)));
  int ready = 200;
  for (int i = 0; i < 500 && ready != 503; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ready = client_->request("GET", "/readyz").status;
  }
  ASSERT_EQ(ready, 503) << "the organizations read model should have stopped";
  ASSERT_EQ(client_->request("GET", "/api/v1/me", {}, auth(token)).status, 200);

  EXPECT_EQ(client_->request("DELETE", "/api/v1/sessions/current", {}, auth(token)).status, 204);
  // The logout's answer does not wait for the read models once one stopped: give the sessions
  // read model a moment to apply it.
  int status = 200;
  for (int i = 0; i < 500 && status != 401; ++i) {
    status = client_->request("GET", "/api/v1/me", {}, auth(token)).status;
    if (status != 401) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(status, 401) << "a token ended while a read model is stopped was still accepted";
}

TEST_F(Sessions, WrongPasswordAndUnknownEmailAreTheSame401) {
  const std::uint64_t before = head();
  auto wrong = client_->request("POST", "/api/v1/sessions",
                                R"({"email":"root@orgd.test","password":"nope"})",
                                {{"Content-Type", "application/json"}});
  auto unknown = client_->request("POST", "/api/v1/sessions",
                                  R"({"email":"nobody@orgd.test","password":"nope"})",
                                  {{"Content-Type", "application/json"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(str(json(wrong), "detail"), str(json(unknown), "detail"));
  EXPECT_EQ(head(), before);
}

TEST_F(Sessions, TokensExpire) {
  restart({.signup_enabled = true, .token_ttl_seconds = 1});
  const std::string token = login();
  EXPECT_EQ(client_->request("GET", "/api/v1/organizations", {}, auth(token)).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(client_->request("GET", "/api/v1/organizations", {}, auth(token)).status, 401);
}

TEST_F(Sessions, NoSecretInAnyResponse) {
  const std::string token = login();
  auto me = client_->request("GET", "/api/v1/organizations/00000000-0000-7000-8000-000000000001",
                             {}, auth(token));
  EXPECT_EQ(me.body.find("argon2"), std::string::npos);
  EXPECT_EQ(me.body.find(token.substr(token.find('.') + 1)), std::string::npos);
}

TEST_F(Sessions, HealthAndReadiness) {
  EXPECT_EQ(client_->request("GET", "/healthz").status, 200);
  auto ready = client_->request("GET", "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(str(json(ready), "status"), "ready");
}

}  // namespace
}  // namespace orgd::e2e
