// Login against guessing: failed logins per account (apart for each address it logged in
// from) and attempts per address are limited (429 with Retry-After, before any password is
// hashed), and an unknown email costs the same
// argon2id verification as a wrong password, so the answer time does not tell which emails
// exist.

#include <algorithm>
#include <chrono>
#include <thread>

#include "tests/e2e/disk_faults_fixture.hpp"
#include "tests/e2e/orgd_fixture.hpp"

namespace orgd::e2e {
namespace {

class LoginSecurity : public OrgdTest {
 protected:
  test::HttpResult attempt(const std::string& email, const std::string& password) {
    return client_->request(
        "POST", "/api/v1/sessions",
        boost::json::serialize(boost::json::object{{"email", email}, {"password", password}}),
        {{"Content-Type", "application/json"}});
  }

  // A login from another loopback address (all of 127/8 is this host).
  test::HttpResult attempt_from(const std::string& address, const std::string& email,
                                const std::string& password) {
    test::HttpClient client(app_->port());
    client.set_source_address(address);
    return client.request(
        "POST", "/api/v1/sessions",
        boost::json::serialize(boost::json::object{{"email", email}, {"password", password}}),
        {{"Content-Type", "application/json"}});
  }

  void expect_too_many(const test::HttpResult& r) {
    EXPECT_EQ(r.status, 429) << r.body;
    EXPECT_EQ(r.header("Content-Type"), "application/problem+json");
    EXPECT_GE(std::stoi(r.header("Retry-After")), 1);
    EXPECT_TRUE(str(json(r), "type").ends_with("too-many-login-attempts")) << r.body;
  }
};

TEST_F(LoginSecurity, AnEmailIsLockedAfterFiveFailuresEvenForTheRightPassword) {
  for (int i = 0; i < 5; ++i) EXPECT_EQ(attempt(kAdminEmail, "wrong").status, 401);
  const auto head_before = head();
  expect_too_many(attempt(kAdminEmail, "wrong"));
  expect_too_many(attempt(kAdminEmail, kAdminPassword));
  EXPECT_EQ(head(), head_before) << "a refused login records nothing";
  // Another email from the same address is not affected.
  EXPECT_EQ(attempt("nobody@orgd.test", "whatever").status, 401);
}

// Anyone who knows an email can send five wrong passwords for it. From addresses the account
// has not logged in from, they lock out those addresses only: the owner still logs in from
// where it logged in before (a familiar address), and guessing from new addresses stays locked.
TEST_F(LoginSecurity, FailuresFromElsewhereDoNotLockOutTheAddressTheOwnerLogsInFrom) {
  ASSERT_EQ(attempt(kAdminEmail, kAdminPassword).status, 201);  // from 127.0.0.1
  auto from = [&](const std::string& address, const std::string& password) {
    return attempt_from(address, kAdminEmail, password);
  };
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(from("127.0.0." + std::to_string(10 + i), "wrong").status, 401);
  }
  expect_too_many(from("127.0.0.20", kAdminPassword));
  expect_too_many(from("127.0.0.10", kAdminPassword));
  EXPECT_EQ(attempt(kAdminEmail, kAdminPassword).status, 201)
      << "the SuperAdmin's own address is not locked out by strangers";
  // The familiar address has a limit of its own.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(attempt(kAdminEmail, "wrong").status, 401);
  expect_too_many(attempt(kAdminEmail, kAdminPassword));
}

// A customer's familiar addresses are its id's, not its email's: the address it signed up from
// is one, and a renamed email keeps them, so strangers lock out neither a new owner at home nor
// one that changed its email (the email's own count held no familiar address).
TEST_F(LoginSecurity, TheAddressACustomerSignedUpFromStaysFamiliarAcrossAnEmailChange) {
  const Account ann = signup("Globex", "ann@globex.test");
  ASSERT_FALSE(ann.token.empty());
  const std::string password = "password-ann@globex.test";
  auto renamed = as(ann.token, "PATCH", "/api/v1/customers/" + ann.customer_id,
                    R"({"email":"ann2@globex.test","updateVersion":1})");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(attempt_from("127.0.0." + std::to_string(30 + i), "ann2@globex.test", "wrong").status,
              401);
  }
  expect_too_many(attempt_from("127.0.0.40", "ann2@globex.test", password));
  EXPECT_EQ(attempt("ann2@globex.test", password).status, 201)
      << "127.0.0.1 signed up, so it is familiar under the new email too";
}

// Wrong passwords sent at once: each login counts its failure before argon2id runs, so no more
// than 5 are checked (a black-box probe got 6 of 40 sent at once: both password threads had
// passed the check before either counted).
TEST_F(LoginSecurity, LoginsSentAtOnceGetNoMoreGuessesThanTheLimit) {
  const Account ann = signup("Globex", "ann@globex.test");
  ASSERT_FALSE(ann.token.empty());
  std::vector<int> statuses(16);
  std::vector<std::thread> senders;
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    senders.emplace_back([&, i] {
      statuses[i] =
          attempt_from("127.0.1." + std::to_string(i + 1), "ann@globex.test", "wrong").status;
    });
  }
  for (auto& sender : senders) sender.join();
  EXPECT_EQ(std::ranges::count(statuses, 401), 5);
  EXPECT_EQ(std::ranges::count(statuses, 429), 11);
}

TEST_F(LoginSecurity, AnAddressIsLimitedInAttemptsOfAnyOutcome) {
  api::ApiOptions options;
  options.login_limits.attempts_per_ip = 4;
  restart(options);
  EXPECT_EQ(attempt(kAdminEmail, kAdminPassword).status, 201);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(attempt("user" + std::to_string(i) + "@orgd.test", "x").status, 401);
  }
  expect_too_many(attempt(kAdminEmail, kAdminPassword));
}

// Behind a reverse proxy every login comes from the proxy's address. With the proxy trusted
// (--trusted-proxies), the address limit counts each client it names in X-Forwarded-For; a
// peer that is not trusted cannot pick the address it is counted under.
TEST_F(LoginSecurity, BehindATrustedProxyTheAddressLimitCountsTheClientsItNames) {
  api::ApiOptions options;
  options.login_limits.attempts_per_ip = 3;
  trusted_proxies_ = *api::TrustedProxies::parse("127.0.0.1");
  restart(options);
  int attempts = 0;  // each for an email of its own: only the address limit may refuse
  const auto attempt_via = [&](const std::string& peer, const std::string& forwarded_for) {
    test::HttpClient client(app_->port());
    client.set_source_address(peer);
    const std::string email = "nobody" + std::to_string(++attempts) + "@orgd.test";
    return client.request(
        "POST", "/api/v1/sessions",
        boost::json::serialize(
            boost::json::object{{"email", email}, {"password", "wrong-password"}}),
        {{"Content-Type", "application/json"}, {"X-Forwarded-For", forwarded_for}});
  };
  for (int i = 0; i < 3; ++i) EXPECT_EQ(attempt_via("127.0.0.1", "198.51.100.1").status, 401);
  expect_too_many(attempt_via("127.0.0.1", "198.51.100.1"));
  EXPECT_EQ(attempt_via("127.0.0.1", "198.51.100.2").status, 401) << "another client of it";
  EXPECT_EQ(attempt_via("127.0.0.1", "198.51.100.1, 203.0.113.5").status, 401)
      << "the nearest hop names the client, not what the client wrote first (.1 is limited)";

  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(attempt_via("127.0.0.2", "192.0.2." + std::to_string(i)).status, 401);
  }
  expect_too_many(attempt_via("127.0.0.2", "192.0.2.99"));
}

TEST_F(LoginSecurity, UnknownEmailAndWrongPasswordTakeTheSameTimeAndLookTheSame) {
  api::ApiOptions options;
  options.login_limits.failures_per_email = 1000;
  options.login_limits.attempts_per_ip = 1000;
  restart(options);
  using Clock = std::chrono::steady_clock;
  std::vector<double> unknown_ms;
  std::vector<double> wrong_ms;
  auto timed = [](auto&& send, std::vector<double>& ms) {
    const auto start = Clock::now();
    auto r = send();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    return r;
  };
  // Interleaved, so that load on the machine weighs on both alike, and in turns ABBA: under
  // load each argon2id verification's 64 MiB costs more when the allocator hands out fresh
  // pages than reused ones, and in a strict ABAB order one kind always got the fresh ones (two
  // CI runs under a concurrent build: every unknown email's at least 168 ms, a wrong password's
  // fastest 79 ms; alone they agree within 3 %).
  for (int i = 0; i < 15; ++i) {
    auto unknown_attempt = [&] {
      return attempt("nobody-" + std::to_string(i) + "@orgd.test", "guess");
    };
    auto wrong_attempt = [&] { return attempt(kAdminEmail, "guess"); };
    test::HttpResult unknown, wrong;
    if (i % 2 == 0) {
      unknown = timed(unknown_attempt, unknown_ms);
      wrong = timed(wrong_attempt, wrong_ms);
    } else {
      wrong = timed(wrong_attempt, wrong_ms);
      unknown = timed(unknown_attempt, unknown_ms);
    }
    ASSERT_EQ(unknown.status, 401);
    ASSERT_EQ(wrong.status, 401);
    auto a = json(unknown).as_object();
    auto b = json(wrong).as_object();
    for (auto* body : {&a, &b}) {
      body->erase("traceId");
      body->erase("instance");
    }
    EXPECT_EQ(a, b) << "the two failures must be indistinguishable";
  }
  auto median = [](std::vector<double> v) {
    std::ranges::sort(v);
    return v[v.size() / 2];
  };
  // Each unknown email against the wrong password sent right beside it, which met the same
  // load: the median of those ratios. The fastest of each kind, and before that the medians,
  // moved apart under a concurrent build in CI (168-170 against 79-80 ms, 2.1x) where alone
  // they stay within 3 %. Without the dummy hash an unknown email answers ~100x faster.
  std::vector<double> ratios;
  for (std::size_t i = 0; i < unknown_ms.size(); ++i) ratios.push_back(unknown_ms[i] / wrong_ms[i]);
  const double ratio = median(ratios);
  EXPECT_GT(ratio, 0.5) << median(unknown_ms) << " ms vs " << median(wrong_ms) << " ms";
  EXPECT_LT(ratio, 2.0) << median(unknown_ms) << " ms vs " << median(wrong_ms) << " ms";
  const double fastest_unknown = std::ranges::min(unknown_ms);
  const double fastest_wrong = std::ranges::min(wrong_ms);
  std::printf(
      "login timing: unknown email fastest %.1f ms (median %.1f), wrong password fastest %.1f ms "
      "(median %.1f): paired ratio %.2fx\n",
      fastest_unknown, median(unknown_ms), fastest_wrong, median(wrong_ms), ratio);
}

// A token is not a way around the login limits: wrong currentPasswords count against the
// customer (by id: changing the email, which needs no password, does not reset them) and its
// address, so a stolen token cannot guess the password at argon2id's pace. A SuperAdmin's reset
// is not counted against the customer, and is not held up by the customer's failures.
TEST_F(LoginSecurity, WrongCurrentPasswordsAreLimitedPerCustomer) {
  const std::string email = "ann@globex.test";
  const Account ann = signup("Globex", email);
  ASSERT_FALSE(ann.token.empty());
  const std::string path = "/api/v1/customers/" + ann.customer_id;
  const std::string guess =
      R"({"password":"a-new-password","currentPassword":"guess","updateVersion":1})";
  for (int i = 0; i < 3; ++i) EXPECT_EQ(as(ann.token, "PATCH", path, guess).status, 400);
  auto renamed = as(ann.token, "PATCH", path, R"({"email":"other@globex.test","updateVersion":1})");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  const std::string guess2 =
      R"({"password":"a-new-password","currentPassword":"guess","updateVersion":2})";
  // A change that lost a race (a stale version) is 409 before any password is checked: not
  // counted, whatever it sent.
  const std::string stale =
      R"({"password":"a-new-password","currentPassword":"guess","updateVersion":1})";
  for (int i = 0; i < 3; ++i) EXPECT_EQ(as(ann.token, "PATCH", path, stale).status, 409);
  for (int i = 0; i < 2; ++i) EXPECT_EQ(as(ann.token, "PATCH", path, guess2).status, 400);
  const auto before = head();
  expect_too_many(as(ann.token, "PATCH", path, guess2));
  expect_too_many(attempt("other@globex.test", "password-" + email));  // logins too, by id
  EXPECT_EQ(head(), before);

  token_ = login();  // the SuperAdmin resets it, currentPassword sent or not, and lifts the lock
  auto reset = call("PATCH", path,
                    R"({"password":"reset-by-admin","currentPassword":"x","updateVersion":2})");
  EXPECT_EQ(reset.status, 200) << reset.body;
  const std::string fresh = login("other@globex.test", "reset-by-admin");
  auto own =
      as(fresh, "PATCH", path,
         R"({"password":"chosen-by-ann","currentPassword":"reset-by-admin","updateVersion":3})");
  EXPECT_EQ(own.status, 200) << own.body;
}

// Failed logins count under the customer as well as under the email: a token holder who
// renames the email (no password needed) gets no fresh guesses with the new one.
TEST_F(LoginSecurity, ARenamedEmailBringsNoFreshLoginGuesses) {
  const Account ann = signup("Globex", "ann@globex.test");
  ASSERT_FALSE(ann.token.empty());
  const std::string path = "/api/v1/customers/" + ann.customer_id;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(attempt("ann@globex.test", "guess").status, 401);
  auto renamed = as(ann.token, "PATCH", path, R"({"email":"ann2@globex.test","updateVersion":1})");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  for (int i = 0; i < 2; ++i) EXPECT_EQ(attempt("ann2@globex.test", "guess").status, 401);
  expect_too_many(attempt("ann2@globex.test", "guess"));
  expect_too_many(attempt("ann2@globex.test", "password-ann@globex.test"));
  // Another customer is not affected.
  EXPECT_EQ(attempt(kAdminEmail, kAdminPassword).status, 201);
}

// A login checks the password (argon2id, slow) and then starts its session. A password change
// that commits in between ends every session before it in the log, so the login must not
// start one after it on the strength of the old password. Every sync is slowed here, so the
// change is held between its decision and its commit while the login reads the customer.
using LoginRacingAPasswordChange = WithDiskFaults<LoginSecurity>;

TEST_F(LoginRacingAPasswordChange, TheOldPasswordStartsNoSessionThatOutlivesTheChange) {
  const std::string email = "ann@globex.test";
  const std::string old_password = "password-" + email;
  const Account ann = signup("Globex", email);
  ASSERT_FALSE(ann.token.empty());
  const std::string path = "/api/v1/customers/" + ann.customer_id;
  auto read = as(ann.token, "GET", path);
  ASSERT_EQ(read.status, 200) << read.body;
  const auto version = json(read).at("updateVersion").as_int64();

  const std::uint64_t before = head();
  const std::uint64_t syncs = faults_.syncs_started();
  faults_.slow_syncs(std::chrono::milliseconds(1000));
  test::HttpResult changed;
  std::thread changing([&] {
    test::HttpClient client(app_->port());
    boost::json::object body{{"password", "a-new-password"},
                             {"currentPassword", old_password},
                             {"updateVersion", version}};
    changed = client.request("PATCH", path, boost::json::serialize(body), auth(ann.token));
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (faults_.syncs_started() == syncs && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const bool in_flight = head() == before;
  auto racing = attempt(email, old_password);
  changing.join();
  faults_.slow_syncs(std::chrono::milliseconds(0));

  ASSERT_EQ(changed.status, 200) << changed.body;
  ASSERT_TRUE(in_flight) << "the change committed before the login read the customer";
  EXPECT_EQ(racing.status, 401) << racing.body;
  if (racing.status == 201) {
    const std::string token = str(json(racing), "securityToken");
    EXPECT_EQ(as(token, "GET", "/api/v1/me").status, 401)
        << "a session started with the old password outlived its change";
  }
  EXPECT_EQ(attempt(email, old_password).status, 401);
  EXPECT_EQ(attempt(email, "a-new-password").status, 201);
}

}  // namespace
}  // namespace orgd::e2e
