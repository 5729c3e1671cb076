// History, time travel, the global log, projection status and online rebuild, against the
// real server.

#include <rocksdb/db.h>

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <thread>

#include "projections/projection_runner.hpp"
#include "replay/iso_time.hpp"
#include "replay/verify.hpp"
#include "tests/e2e/orgd_fixture.hpp"
#include "tests/support/table_files.hpp"

namespace orgd::e2e {
namespace {

class HistoryTest : public OrgdTest {
 protected:
  boost::json::object signup(const std::string& org, const std::string& email) {
    boost::json::object body{{"organizationName", org},       {"organizationDescription", "d"},
                             {"firstName", "Ada"},            {"lastName", "Lovelace"},
                             {"userDescription", ""},         {"userEmailAddress", email},
                             {"userPassword", "correct horse"}, {"agreeToTermsAndPolicies", 1}};
    auto r = client_->request("POST", "/api/v1/signup", boost::json::serialize(body),
                              {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? json(r).as_object() : boost::json::object{};
  }

  test::HttpResult get_as(const std::string& token, const std::string& target) {
    return client_->request("GET", target, {}, auth(token));
  }

  std::string auditor_token() {
    boost::json::object body{{"email", "audit@orgd.test"}, {"password", "audit password"},
                             {"firstName", "Ann"},         {"lastName", "Auditor"},
                             {"platformRole", "auditor"}};
    auto r = call("POST", "/api/v1/customers", boost::json::serialize(body));
    EXPECT_EQ(r.status, 201) << r.body;
    return login("audit@orgd.test", "audit password");
  }

  boost::json::object update(const std::string& id, boost::json::object body) {
    auto current = json(call("GET", "/api/v1/organizations/" + id));
    body["updateVersion"] = current.at("updateVersion");
    auto r = call("PUT", "/api/v1/organizations/" + id, boost::json::serialize(body));
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r).as_object();
  }
};

TEST_F(HistoryTest, OrganizationHistoryListsItsEventsInOrderWithPaging) {
  const auto org = create_org("Acme");
  const std::string id = str(org, "id");
  update(id, {{"description", "one"}});
  update(id, {{"name", "Acme Two"}});
  auto r = call("GET", "/api/v1/organizations/" + id + "/history");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = json(r);
  const auto& events = body.at("events").as_array();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].at("type").as_string(), "OrganizationCreated");
  EXPECT_EQ(events[2].at("data").at("name").as_string(), "Acme Two");
  EXPECT_EQ(events[1].at("version").to_number<std::uint64_t>(), 2u);
  EXPECT_EQ(events[0].at("streamId").as_string(), "organization-" + id);
  EXPECT_EQ(events[0].at("hash").as_string().size(), 64u);
  EXPECT_TRUE(events[0].at("time").as_string().ends_with("Z"));
  EXPECT_LT(events[0].at("position").to_number<std::uint64_t>(), events[1].at("position").to_number<std::uint64_t>());
  EXPECT_EQ(body.at("pageInfo").at("totalElements").to_number<std::uint64_t>(), 3u);

  auto first = json(call("GET", "/api/v1/organizations/" + id + "/history?limit=2"));
  ASSERT_EQ(first.at("events").as_array().size(), 2u);
  const std::string next(first.at("pageInfo").at("nextCursor").as_string());
  auto second = json(call("GET", "/api/v1/organizations/" + id + "/history?limit=2&from=" + next));
  ASSERT_EQ(second.at("events").as_array().size(), 1u);
  EXPECT_EQ(second.at("events").at(0), events[2]);
  EXPECT_TRUE(second.at("pageInfo").at("nextCursor").is_null());
  EXPECT_EQ(second.at("pageInfo").at("page").to_number<std::uint64_t>(), 2u);
  auto by_page = json(call("GET", "/api/v1/organizations/" + id + "/history?pageSize=2&page=2"));
  EXPECT_EQ(by_page.at("events"), second.at("events"));
  EXPECT_EQ(call("GET", "/api/v1/organizations/" + id + "/history?limit=0").status, 400);
  EXPECT_EQ(call("GET", "/api/v1/organizations/" + id + "/history?bogus=1").status, 400);
}

TEST_F(HistoryTest, HistoryIsForOwnersAuditorsAndSuperAdminsOnly) {
  const auto mine = signup("Mine", "owner@x.test");
  const auto theirs = signup("Theirs", "other@x.test");
  const std::string owner_token(mine.at("securityToken").as_string());
  const std::string mine_id(mine.at("organizationId").as_string());
  const std::string theirs_id(theirs.at("organizationId").as_string());
  EXPECT_EQ(get_as(owner_token, "/api/v1/organizations/" + mine_id + "/history").status, 200);
  EXPECT_EQ(get_as(owner_token, "/api/v1/organizations/" + theirs_id + "/history").status, 404);
  EXPECT_EQ(get_as(owner_token, "/api/v1/customers/" + std::string(theirs.at("id").as_string()) +
                                    "/history").status,
            404);
  EXPECT_EQ(get_as(owner_token, "/api/v1/events").status, 403);
  EXPECT_EQ(get_as(owner_token, "/api/v1/projections").status, 403);
  const auto auditor = auditor_token();
  EXPECT_EQ(get_as(auditor, "/api/v1/organizations/" + theirs_id + "/history").status, 200);
  EXPECT_EQ(get_as(auditor, "/api/v1/events?limit=5").status, 200);
  EXPECT_EQ(get_as(auditor, "/api/v1/projections").status, 200);
  EXPECT_EQ(client_->request("POST", "/api/v1/projections/organizations/rebuild", {},
                             auth(auditor)).status,
            403);
  EXPECT_EQ(call("GET", "/api/v1/organizations/00000000-0000-7000-8000-0000000000ff/history")
                .status,
            404);
}

TEST_F(HistoryTest, CustomerHistoryMergesSessionsAndRedactsSecrets) {
  const auto person = signup("Solo", "solo@x.test");
  const std::string id(person.at("id").as_string());
  login("solo@x.test", "correct horse");
  auto r = call("GET", "/api/v1/customers/" + id + "/history");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = json(r);
  const auto& events = body.at("events").as_array();
  ASSERT_GE(events.size(), 3u);  // registered, the signup's session, the login's session
  EXPECT_EQ(events[0].at("type").as_string(), "CustomerRegistered");
  EXPECT_EQ(events[0].at("data").at("passwordHash").as_string(), "[redacted]");
  EXPECT_EQ(events[1].at("type").as_string(), "SessionStarted");
  EXPECT_EQ(events[1].at("data").at("tokenHash").as_string(), "[redacted]");
  EXPECT_EQ(r.body.find("$argon2id"), std::string::npos);
  std::uint64_t last = 0;
  for (const auto& e : events) {
    EXPECT_GT(e.at("position").to_number<std::uint64_t>(), last);
    last = e.at("position").to_number<std::uint64_t>();
  }
}

TEST_F(HistoryTest, AsOfShowsThePastByPositionAndTimeAndDeletedAsItWas) {
  const auto org = create_org("Then");
  const std::string id = str(org, "id");
  const auto events = json(call("GET", "/api/v1/organizations/" + id + "/history"));
  const auto created_at = events.at("events").at(0).at("position").to_number<std::uint64_t>();
  const std::string created_time(events.at("events").at(0).at("time").as_string());
  update(id, {{"name", "Now"}});
  auto then = call("GET", "/api/v1/organizations/" + id + "?asOf=" + std::to_string(created_at));
  ASSERT_EQ(then.status, 200) << then.body;
  EXPECT_EQ(json(then).at("name").as_string(), "Then");
  EXPECT_EQ(json(then).at("deleted").as_bool(), false);
  auto by_time = call("GET", "/api/v1/organizations/" + id + "?asOf=" + created_time);
  ASSERT_EQ(by_time.status, 200) << by_time.body;
  EXPECT_EQ(json(by_time).at("updateVersion").to_number<std::uint64_t>(), 1u);
  EXPECT_EQ(call("GET", "/api/v1/organizations/" + id + "?asOf=" + std::to_string(created_at - 1))
                .status,
            404);
  EXPECT_EQ(call("GET", "/api/v1/organizations/" + id + "?asOf=yesterday").status, 400);
  EXPECT_EQ(call("GET", "/api/v1/organizations/" + id + "?asOf=1&x=1").status, 400);
  ASSERT_EQ(call("DELETE", "/api/v1/organizations/" + id).status, 204);
  EXPECT_EQ(call("GET", "/api/v1/organizations/" + id).status, 404);
  auto gone = call("GET", "/api/v1/organizations/" + id + "?asOf=" + std::to_string(head()));
  ASSERT_EQ(gone.status, 200) << gone.body;
  EXPECT_EQ(json(gone).at("deleted").as_bool(), true);
  EXPECT_EQ(json(gone).at("name").as_string(), "Now");
}

// As of a position the organizations' read model has not applied yet (a command's that
// committed a moment ago), its list of platform accounts could be short: the answer waits
// until the read model has it (before, it was a 503 a client could hit right after a command).
// The read model is held by an online swap that waits (replace_column_family blocks the
// projection thread while the swap runs).
TEST_F(HistoryTest, AsOfAPositionTheReadModelsTrailWaitsForThem) {
  const std::string id = str(create_org("Held"), "id");
  const auto version = json(call("GET", "/api/v1/organizations/" + id)).at("updateVersion");
  HeldProjections held(*app_, "organizations");
  const std::uint64_t before = head();
  // The command commits now but answers only once the read models include it.
  std::thread renamer([&, token = token_] {
    test::HttpClient other(app_->port());
    boost::json::object body{{"name", "Renamed"}, {"updateVersion", version}};
    auto r = other.request("PUT", "/api/v1/organizations/" + id, boost::json::serialize(body),
                           auth(token));
    EXPECT_EQ(r.status, 200) << r.body;
  });
  for (int i = 0; i < 1000 && head() == before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const std::uint64_t renamed_at = head();
  EXPECT_GT(renamed_at, before);
  // Asked while the read model trails it, the answer comes once it has caught up.
  std::promise<test::HttpResult> answered;
  std::thread reader([&, token = token_] {
    test::HttpClient other(app_->port());
    answered.set_value(
        other.request("GET", "/api/v1/organizations/" + id + "?asOf=" + std::to_string(renamed_at),
                      "", auth(token)));
  });
  auto trailing = answered.get_future();
  EXPECT_EQ(trailing.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout)
      << "answered before the read model had the position";
  // A position already applied still answers at once.
  EXPECT_EQ(call("GET", "/api/v1/organizations/" + id + "?asOf=" + std::to_string(before)).status,
            200);
  held.release();
  renamer.join();
  reader.join();
  const auto caught_up = trailing.get();
  ASSERT_EQ(caught_up.status, 200) << caught_up.body;
  EXPECT_EQ(boost::json::parse(caught_up.body).at("name").as_string(), "Renamed");
}

TEST_F(HistoryTest, EventsPagesTheWholeLog) {
  create_org("Logged");
  auto r = call("GET", "/api/v1/events?from=1&limit=2");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = json(r);
  ASSERT_EQ(body.at("events").as_array().size(), 2u);
  EXPECT_EQ(body.at("events").at(0).at("position").to_number<std::uint64_t>(), 1u);
  EXPECT_EQ(body.at("pageInfo").at("nextCursor").as_string(), "3");
  EXPECT_EQ(body.at("pageInfo").at("totalElements").to_number<std::uint64_t>(), head());
  EXPECT_EQ(call("GET", "/api/v1/events?limit=1001").status, 400);
  auto tail = json(call("GET", "/api/v1/events?from=" + std::to_string(head())));
  EXPECT_EQ(tail.at("events").as_array().size(), 1u);
  EXPECT_TRUE(tail.at("pageInfo").at("nextCursor").is_null());
  // Past the end, the page the next event will fall on, however far the `from`.
  const std::uint64_t events = head();
  for (const std::uint64_t from : {events + 1, events + 1000, std::uint64_t{1'000'000}}) {
    auto beyond = json(call("GET", "/api/v1/events?limit=2&from=" + std::to_string(from)));
    EXPECT_TRUE(beyond.at("events").as_array().empty());
    EXPECT_EQ(beyond.at("pageInfo").at("page").to_number<std::uint64_t>(), events / 2 + 1)
        << "from " << from << " of " << events;
  }
  // A page asked for by number is the page answered, as in every listing, past the end too.
  auto asked = json(call("GET", "/api/v1/events?pageSize=2&page=1000000"));
  EXPECT_TRUE(asked.at("events").as_array().empty());
  EXPECT_EQ(asked.at("pageInfo").at("page").to_number<std::uint64_t>(), 1'000'000u);
  auto last =
      json(call("GET", "/api/v1/events?pageSize=2&page=" + std::to_string((events + 1) / 2)));
  EXPECT_EQ(last.at("events").as_array().back().at("position").to_number<std::uint64_t>(), events);
}

TEST_F(HistoryTest, ProjectionsReportCheckpointsAndLag) {
  auto r = call("GET", "/api/v1/projections");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = json(r);
  const auto& list = body.at("projections").as_array();
  ASSERT_GE(list.size(), 3u);
  for (const auto& p : list) {
    EXPECT_EQ(p.at("checkpoint").to_number<std::uint64_t>() + p.at("lag").to_number<std::uint64_t>(), p.at("head").to_number<std::uint64_t>());
    EXPECT_TRUE(p.at("error").is_null());
  }
  EXPECT_EQ(call("GET", "/api/v1/projections/organizations").status, 200);
  EXPECT_EQ(call("GET", "/api/v1/projections/nope").status, 404);
  EXPECT_EQ(call("POST", "/api/v1/projections/nope/rebuild").status, 404);
  // The path names the projection: a body saying anything else is refused, and starts nothing.
  auto said = call("POST", "/api/v1/projections/organizations/rebuild", R"({"name":"customers"})");
  EXPECT_EQ(said.status, 400) << said.body;
  EXPECT_TRUE(json(call("GET", "/api/v1/projections/organizations")).at("rebuild").is_null());
}

TEST_F(HistoryTest, OnlineRebuildUnderLoadMatchesAnOfflineReplayAndNeverShowsAPartialModel) {
  for (int i = 0; i < 60; ++i) create_org("Before " + std::to_string(i));
  const std::string token = token_;
  std::atomic<bool> stop{false};
  std::atomic<int> bad_reads{0};
  std::atomic<int> created{0};
  std::thread writer([&] {
    test::HttpClient client(app_->port());
    for (int i = 0; i < 400 && !stop; ++i) {
      boost::json::object body{{"name", "During " + std::to_string(i)}};
      auto r = client.request("POST", "/api/v1/organizations", boost::json::serialize(body),
                              auth(token));
      if (r.status == 201) ++created;
    }
  });
  std::thread reader([&] {
    test::HttpClient client(app_->port());
    std::uint64_t seen = 0;
    while (!stop) {
      auto r = client.request("GET", "/api/v1/organizations?pageSize=100&sort=createdTime", {},
                              auth(token));
      auto body = boost::json::parse(r.body);
      const auto total = r.status == 200 ? body.at("pageInfo").at("totalElements").to_number<std::uint64_t>() : 0;
      const auto rows = r.status == 200 ? body.at("organizations").as_array().size() : 0;
      // A half-built model would show fewer organizations than an earlier read did.
      if (r.status != 200 || total < seen || rows != std::min<std::uint64_t>(100, total)) {
        ++bad_reads;
      }
      seen = std::max(seen, total);
    }
  });
  auto started = call("POST", "/api/v1/projections/all/rebuild");
  ASSERT_EQ(started.status, 202) << started.body;
  boost::json::object asked;  // each projection's rebuild as the 202 showed it
  const auto started_body = json(started);
  for (const auto& p : started_body.at("projections").as_array()) {
    asked[p.at("name").as_string()] = p.at("rebuild");
  }
  test::HttpClient poller(app_->port());
  for (const char* name : {"organizations", "customers", "sessions"}) {
    const auto status = await_rebuild(poller, auth(token), name);
    EXPECT_EQ(status.at("rebuild").at("state").as_string(), "done") << status;
    EXPECT_EQ(status.at("rebuild").at("startedAt"), asked.at(name).at("startedAt"))
        << "startedAt is when the rebuild was asked for, as the 202 said";
    EXPECT_NE(status.at("columnFamily").as_string(), name);
  }
  writer.join();
  stop = true;
  reader.join();
  EXPECT_EQ(bad_reads.load(), 0);
  EXPECT_GT(created.load(), 0);

  // The rebuilt read models, reopened from disk, equal a fresh replay of the log key by key.
  restart();
  auto report = replay::verify(app_->store());
  ASSERT_TRUE(report.has_value()) << report.error();
  EXPECT_TRUE(report->ok()) << boost::json::serialize(replay::verify_report_json(*report));
  auto list = json(call("GET", "/api/v1/organizations?pageSize=1"));
  EXPECT_EQ(list.at("pageInfo").at("totalElements").to_number<std::uint64_t>(),
            61u + static_cast<std::uint64_t>(created.load()));  // + Default
}

// The replaced read models' files are deleted, and their descriptors closed, once an online
// rebuild is done, while orgd keeps serving (until the thirty-first session they stayed until
// it stopped): first the column families the store opened (all of them), then a generation an
// earlier rebuild created. Queries run throughout (one may still be in a column family as it
// is replaced, and then destroys its handle).
TEST_F(HistoryTest, AnOnlineRebuildFreesTheReplacedReadModelsFilesWhileServing) {
  for (int i = 0; i < 30; ++i) create_org("Org " + std::to_string(i));
  const std::string token = token_;
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  std::atomic<int> bad_reads{0};
  std::thread reader([&] {
    test::HttpClient client(app_->port());
    while (!stop) {
      auto r = client.request("GET", "/api/v1/organizations?pageSize=5", {}, auth(token));
      ++reads;
      if (r.status != 200) ++bad_reads;
    }
  });
  auto& read_models = app_->projections().read_models();
  auto& db = *app_->store().db();
  for (const std::string which : {"all", "organizations"}) {
    SCOPED_TRACE("rebuild " + which);
    std::set<std::string> replaced;
    for (const auto& p : projections::make_projections()) {
      if (which != "all" && p->name() != which) continue;
      const auto live = read_models.cf(p->column_family());
      ASSERT_TRUE(db.Flush(rocksdb::FlushOptions(), live.get()).ok());
      replaced.insert(read_models.physical_name(p->column_family()));
    }
    const auto files = test::live_table_files(db, replaced);
    ASSERT_FALSE(files.empty());
    ASSERT_EQ(test::still_held(files).size(), files.size());

    const auto started = call("POST", "/api/v1/projections/" + which + "/rebuild");
    ASSERT_EQ(started.status, 202) << started.body;
    for (const auto& p : projections::make_projections()) {
      if (which != "all" && p->name() != which) continue;
      const auto status = await_rebuild(*client_, auth(token), std::string(p->name()));
      ASSERT_EQ(status.at("rebuild").at("state").as_string(), "done") << status;
      EXPECT_FALSE(replaced.contains(std::string(status.at("columnFamily").as_string())));
    }
    EXPECT_EQ(test::held_after(files, std::chrono::seconds(10)), std::vector<std::string>{})
        << "files of the replaced column families outlived the rebuild";
  }
  stop = true;
  reader.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(bad_reads.load(), 0);
  auto list = json(call("GET", "/api/v1/organizations?pageSize=1"));
  EXPECT_EQ(list.at("pageInfo").at("totalElements").to_number<std::uint64_t>(), 31u);  // + Default
}

}  // namespace
}  // namespace orgd::e2e
