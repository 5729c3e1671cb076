#include <thread>

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
