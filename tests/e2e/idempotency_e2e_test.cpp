// Idempotency-Key on command requests (api/idempotency.hpp) against the real server.

#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "api/idempotency_records.hpp"
#include "eventstore/store.hpp"
#include "projections/projection_runner.hpp"
#include "replay/verify.hpp"
#include "tests/e2e/disk_faults_fixture.hpp"
#include "tests/e2e/orgd_fixture.hpp"

namespace orgd::e2e {
namespace {

class Idempotency : public OrgdTest {
 protected:
  test::HttpResult send(const std::string& token, const std::string& method,
                        const std::string& target, const std::string& body,
                        const std::string& key) {
    auto headers = auth(token);
    headers.emplace_back("Idempotency-Key", key);
    return client_->request(method, target, body, headers);
  }
  test::HttpResult post_org(const std::string& name, const std::string& key) {
    if (token_.empty()) token_ = login();
    return send(token_, "POST", "/api/v1/organizations",
                boost::json::serialize(boost::json::object{{"name", name}}), key);
  }
  std::int64_t organization_count() {
    auto r = call("GET", "/api/v1/organizations");
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r).at("pageInfo").at("totalElements").as_int64();
  }
  std::string my_id() { return str(json(call("GET", "/api/v1/me")), "id"); }
  // `r` is the problem `slug` with `status`, and the log did not move past `head_before`.
  void expect_refused(const test::HttpResult& r, int status, const std::string& slug,
                      std::uint64_t head_before) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(str(json(r), "type"), "urn:orgd:problem:" + slug) << r.body;
    EXPECT_EQ(head(), head_before) << "nothing may be appended (" << slug << ")";
  }
};

TEST_F(Idempotency, SameKeyAndBodyReplaysTheAnswerWithoutAppending) {
  auto first = post_org("Acme", "key-1");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_FALSE(first.has_header("Idempotent-Replayed"));
  const std::uint64_t head_after_first = head();

  auto again = post_org("Acme", "key-1");
  EXPECT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(again.header("Content-Type"), first.header("Content-Type"));
  EXPECT_EQ(again.header("ETag"), first.header("ETag"));
  EXPECT_EQ(again.header("Location"), first.header("Location"));
  EXPECT_EQ(again.header("X-Event-Position"), first.header("X-Event-Position"));
  EXPECT_EQ(head(), head_after_first) << "a replay appends nothing";
  EXPECT_EQ(organization_count(), 2) << "Acme once, and Default";
}

TEST_F(Idempotency, SameKeyWithAnotherBodyOrPathIs422AndAppendsNothing) {
  auto created = post_org("Acme", "key-2");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::uint64_t before = head();
  expect_refused(post_org("Globex", "key-2"), 422, "idempotency-key-reused", before);
  expect_refused(send(token_, "PUT", "/api/v1/organizations/" + str(json(created), "id"),
                      R"({"name":"Acme","updateVersion":1})", "key-2"),
                 422, "idempotency-key-reused", before);
  EXPECT_EQ(organization_count(), 2);
}

TEST_F(Idempotency, KeyOver255BytesIs400AndNothingRuns) {
  token_ = login();  // logging in appends
  const std::uint64_t before = head();
  expect_refused(post_org("Acme", std::string(256, 'k')), 400, "validation-failed", before);
  EXPECT_EQ(organization_count(), 1);
  EXPECT_EQ(post_org("Acme", std::string(255, 'k')).status, 201) << "255 bytes is the limit";
}

// A client that sent the header meant to be protected: an empty key (or spaces, which HTTP
// trims away) is refused, not taken for no key at all.
TEST_F(Idempotency, AnEmptyKeyIs400AndNothingRuns) {
  token_ = login();
  const std::uint64_t before = head();
  for (const std::string key : {"", "   "}) {
    auto headers = auth(token_);
    headers.emplace_back("Idempotency-Key", key);
    expect_refused(client_->request("POST", "/api/v1/organizations", R"({"name":"Acme"})", headers),
                   400, "validation-failed", before);
  }
  EXPECT_EQ(organization_count(), 1);
}

TEST_F(Idempotency, CallersWithTheSameKeyAreIndependent) {
  token_ = login();
  auto globex = signup("Globex", "owner@globex.test");
  const std::string admin_body =
      R"({"email":"a@globex.test","password":"password-a","firstName":"A",)"
      R"("lastName":"A","role":"member","organizationId":")" +
      globex.organization_id + R"("})";
  const std::string owner_body =
      R"({"email":"b@globex.test","password":"password-b","firstName":"B",)"
      R"("lastName":"B","role":"member"})";
  auto by_admin = send(token_, "POST", "/api/v1/customers", admin_body, "same-key");
  ASSERT_EQ(by_admin.status, 201) << by_admin.body;
  auto by_owner = send(globex.token, "POST", "/api/v1/customers", owner_body, "same-key");
  ASSERT_EQ(by_owner.status, 201) << by_owner.body;
  EXPECT_FALSE(by_owner.has_header("Idempotent-Replayed"));
  EXPECT_NE(str(json(by_owner), "id"), str(json(by_admin), "id"));
  // Each caller's own repeat is replayed.
  auto owner_again = send(globex.token, "POST", "/api/v1/customers", owner_body, "same-key");
  EXPECT_EQ(owner_again.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(owner_again.body, by_owner.body);
}

TEST_F(Idempotency, RecordSurvivesARestart) {
  auto first = post_org("Acme", "key-restart");
  ASSERT_EQ(first.status, 201) << first.body;
  const std::uint64_t before = head();
  restart();
  auto again = post_org("Acme", "key-restart");
  EXPECT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(head(), before);
}

// SPEC: repeats are answered from the record "within 24 hours". Here the window is 2 s: inside
// it a repeat replays and another body is 422 (naming the window); past it the record no
// longer answers, and the key's claim (permanent) refuses to run the command again.
TEST_F(Idempotency, ARecordAnswersOnlyWithinItsWindow) {
  api::ApiOptions options;
  options.idempotency_window = std::chrono::seconds(2);
  restart(options);
  auto first = post_org("Acme", "key-window");
  ASSERT_EQ(first.status, 201) << first.body;
  const std::uint64_t before = head();
  auto inside = post_org("Acme", "key-window");
  EXPECT_EQ(inside.header("Idempotent-Replayed"), "true");
  auto other = post_org("Other", "key-window");
  expect_refused(other, 422, "idempotency-key-reused", before);
  EXPECT_NE(str(json(other), "detail").find("in the last 2 seconds;"), std::string::npos)
      << other.body;

  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  auto after = post_org("Acme", "key-window");
  expect_refused(after, 409, "idempotency-key-in-use", before);
  EXPECT_EQ(after.header("Idempotent-Replayed"), "");
  EXPECT_EQ(organization_count(), 2) << "Acme once, and Default";
}

TEST_F(Idempotency, StoreOpensWithoutNamingTheColumnFamilyAsOrgctlDoes) {
  ASSERT_EQ(post_org("Acme", "key-orgctl").status, 201);
  client_.reset();
  app_.reset();
  eventstore::StoreOptions options;  // as replay/backup.cpp and orgctl open it
  options.data_dir = dir_.path() / "data";
  options.extra_column_families = projections::projection_column_families();
  auto store = eventstore::Store::open(options);
  ASSERT_TRUE(store.has_value()) << store.error().message;
  EXPECT_NE((*store)->column_family(api::kIdempotencyColumnFamily), nullptr)
      << "the existing column family is opened too";
}

// The crash window: the events are durable but the record is not (deleted here). The repeat
// runs the command again, and the key's claim stops its append.
TEST_F(Idempotency, RepeatWithoutRecordIs409KeyInUseByTheClaim) {
  auto first = post_org("Acme", "key-claim");
  ASSERT_EQ(first.status, 201) << first.body;
  auto records = api::IdempotencyRecords::open(app_->store());
  ASSERT_TRUE(records.has_value()) << records.error().message;
  ASSERT_TRUE(records->erase(my_id(), "key-claim").has_value());
  const std::uint64_t before = head();

  expect_refused(post_org("Acme", "key-claim"), 409, "idempotency-key-in-use", before);
  // A different body with the claimed key does not run either.
  expect_refused(post_org("Initech", "key-claim"), 409, "idempotency-key-in-use", before);
  EXPECT_EQ(organization_count(), 2);
}

// Every sync slowed on demand, so a first request's record (a synced write after its events')
// takes long enough for a repeat to arrive in between.
using IdempotencyWhileRecording = WithDiskFaults<Idempotency>;

// A repeat that arrives after the first request's append and before its record is 409 in use:
// it was decided on the state the first left (a DELETE answered 404), or not at all.
TEST_F(IdempotencyWhileRecording, ARepeatBeforeTheRecordIs409InUseThenReplays) {
  const std::string path = "/api/v1/organizations/" + str(create_org("Doomed"), "id");
  const std::uint64_t before = head();
  faults_.slow_syncs(std::chrono::milliseconds(300));
  test::HttpResult first;
  std::thread deleting([&] {
    test::HttpClient client(app_->port());
    auto headers = auth(token_);
    headers.emplace_back("Idempotency-Key", "key-delete");
    first = client.request("DELETE", path, "", headers);
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (head() == before && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const std::uint64_t appended = head();
  auto repeat = send(token_, "DELETE", path, "", "key-delete");
  deleting.join();
  faults_.slow_syncs(std::chrono::milliseconds(0));
  ASSERT_GT(appended, before) << "the first DELETE never appended";
  EXPECT_EQ(first.status, 204) << first.body;
  expect_refused(repeat, 409, "idempotency-key-in-use", appended);
  auto replayed = send(token_, "DELETE", path, "", "key-delete");
  EXPECT_EQ(replayed.status, 204) << replayed.body;
  EXPECT_EQ(replayed.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(head(), appended);
}

// SPEC: a repeat returns the original status and body. The rules' refusal of a command that
// ran is recorded too: the repeat replays it even once the state would let the command through.
TEST_F(Idempotency, ARefusalByTheRulesIsReplayedNotRunAgain) {
  auto acme = post_org("Acme", "key-first");
  ASSERT_EQ(acme.status, 201) << acme.body;
  auto taken = post_org("Acme", "key-taken");
  ASSERT_EQ(taken.status, 409) << taken.body;
  ASSERT_EQ(str(json(taken), "type"), "urn:orgd:problem:organization-already-exists");
  ASSERT_EQ(call("DELETE", "/api/v1/organizations/" + str(json(acme), "id")).status, 204);
  const std::uint64_t before = head();

  auto again = post_org("Acme", "key-taken");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(again.body, taken.body);
  EXPECT_EQ(again.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(head(), before) << "the name is free now, but the repeat must not run";

  const std::string nowhere = "/api/v1/organizations/00000000-0000-7000-8000-00000000beef";
  auto missing = send(token_, "DELETE", nowhere, "", "key-missing");
  ASSERT_EQ(missing.status, 404) << missing.body;
  auto missing_again = send(token_, "DELETE", nowhere, "", "key-missing");
  EXPECT_EQ(missing_again.status, 404);
  EXPECT_EQ(missing_again.header("Idempotent-Replayed"), "true");
}

TEST_F(Idempotency, FailedRequestIsNotRecordedSoTheFixedRetryRuns) {
  auto invalid = post_org("", "key-fix");
  ASSERT_EQ(invalid.status, 400) << invalid.body;
  const std::uint64_t before = head();
  auto fixed = post_org("Acme", "key-fix");
  EXPECT_EQ(fixed.status, 201) << fixed.body;
  EXPECT_FALSE(fixed.has_header("Idempotent-Replayed"));
  EXPECT_GT(head(), before);
  auto repeat = post_org("Acme", "key-fix");
  EXPECT_EQ(repeat.header("Idempotent-Replayed"), "true");
}

TEST_F(Idempotency, SecretBearingAnswerIsNotRecordedButNotAppliedTwice) {
  auto owner = signup("Globex", "owner@globex.test");
  const std::string body = R"({"kind":"app-backend","name":"backend"})";
  auto created = send(owner.token, "POST", "/api/v1/resources", body, "key-secret");
  ASSERT_EQ(created.status, 201) << created.body;
  ASSERT_TRUE(json(created).as_object().contains("apiKey"));
  const std::uint64_t before = head();
  auto again = send(owner.token, "POST", "/api/v1/resources", body, "key-secret");
  expect_refused(again, 409, "idempotency-key-in-use", before);
  EXPECT_EQ(again.body.find(str(json(created), "apiKey")), std::string::npos);
}

// A repeat of an applied command whose answer was not recorded (here it held the new secret)
// meets the state its first run left: the rules refuse it (the version it names is gone). That
// refusal is no answer to the command, which was applied: 409 idempotency-key-in-use, and not
// recorded, so every repeat says so (until 2026-12-05 it answered 409 version-conflict, "nothing
// changed", and recorded it).
TEST_F(Idempotency, ARepeatOfAnAppliedCommandIsNotRefusedByTheStateItLeft) {
  auto owner = signup("Globex", "owner@globex.test");
  auto created = send(owner.token, "POST", "/api/v1/resources",
                      R"({"kind":"app-backend","name":"backend"})", "key-create");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string target = "/api/v1/resources/" + str(json(created), "id");
  const std::string rotate = R"({"rotateApiKey":true,"updateVersion":1})";
  auto rotated = send(owner.token, "PUT", target, rotate, "key-rotate");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  ASSERT_EQ(rotated.header("Cache-Control"), "no-store") << "the new key is in the answer only";
  const std::uint64_t before = head();
  for (int repeat = 0; repeat < 2; ++repeat) {
    auto again = send(owner.token, "PUT", target, rotate, "key-rotate");
    expect_refused(again, 409, "idempotency-key-in-use", before);
    EXPECT_FALSE(again.has_header("Idempotent-Replayed")) << "not recorded: " << again.body;
  }
  // The rules' refusal of a command that was not applied is still the answer, and recorded.
  auto stale = send(owner.token, "PUT", target, rotate, "key-stale");
  expect_refused(stale, 409, "version-conflict", before);
  EXPECT_EQ(send(owner.token, "PUT", target, rotate, "key-stale").header("Idempotent-Replayed"),
            "true");
}

TEST_F(Idempotency, AnonymousRequestsIgnoreTheKey) {
  auto headers = test::Headers{{"Content-Type", "application/json"}, {"Idempotency-Key", "anon"}};
  const std::string body = R"({"email":"root@orgd.test","password":"correct horse battery"})";
  auto first = client_->request("POST", "/api/v1/sessions", body, headers);
  auto second = client_->request("POST", "/api/v1/sessions", body, headers);
  ASSERT_EQ(first.status, 201) << first.body;
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_FALSE(second.has_header("Idempotent-Replayed"));
  EXPECT_NE(str(json(first), "securityToken"), str(json(second), "securityToken"));
}

// The log shows a key only where it took effect, and every key it shows was claimed: a login
// without a token ignores its key (until 2026-12-04 its SessionStarted showed it, unclaimed, and
// orgctl verify would have reported it), a command by a customer claims and shows its own.
TEST_F(Idempotency, TheLogShowsAKeyOnlyWhereItTookEffect) {
  auto anonymous =
      client_->request("POST", "/api/v1/sessions",
                       R"({"email":"root@orgd.test","password":"correct horse battery"})",
                       {{"Content-Type", "application/json"}, {"Idempotency-Key", "anon-key"}});
  ASSERT_EQ(anonymous.status, 201) << anonymous.body;
  ASSERT_EQ(post_org("Acme", "key-logged").status, 201);
  // A login that comes with a token is still a login: its actor is the customer it logs in,
  // not the token's, and it ignores the key (its claim was filed under the wrong customer).
  for (int i = 0; i < 2; ++i) {
    auto with_token =
        send(token_, "POST", "/api/v1/sessions",
             R"({"email":"root@orgd.test","password":"correct horse battery"})", "login-key");
    EXPECT_EQ(with_token.status, 201) << with_token.body;
  }
  auto events = call("GET", "/api/v1/events?from=1&limit=1000");
  ASSERT_EQ(events.status, 200) << events.body;
  std::set<std::string> keys;
  const auto body = json(events);  // kept alive: the loop walks into it
  for (const auto& e : body.at("events").as_array()) {
    if (e.as_object().contains("idempotencyKey")) {
      keys.insert(std::string(e.at("idempotencyKey").as_string()) + " " +
                  std::string(e.at("type").as_string()));
    }
  }
  EXPECT_EQ(keys,
            (std::set<std::string>{"key-logged OrganizationCreated", "key-logged GroupCreated"}));
  auto report = replay::verify(app_->store());
  ASSERT_TRUE(report.has_value()) << report.error();
  EXPECT_TRUE(report->ok()) << boost::json::serialize(replay::verify_report_json(*report));
}

TEST_F(Idempotency, ReadsIgnoreTheKey) {
  if (token_.empty()) token_ = login();
  auto r = send(token_, "GET", "/api/v1/organizations", "", std::string(300, 'x'));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.has_header("Idempotent-Replayed"));
}

}  // namespace
}  // namespace orgd::e2e
