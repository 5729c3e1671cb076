#include <algorithm>
#include <atomic>
#include <cctype>
#include <optional>
#include <set>
#include <thread>

#include "tests/e2e/orgd_fixture.hpp"

namespace orgd::e2e {
namespace {

using Organizations = OrgdTest;

TEST_F(Organizations, DefaultExistsFromTheFirstStart) {
  auto r = call("GET", "/api/v1/organizations/00000000-0000-7000-8000-000000000001");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "name"), "Default");
  EXPECT_EQ(json(r).at("memberCount").as_int64(), 0)
      << "the SuperAdmin lives in Default, but is no organization's member";
}

TEST_F(Organizations, CreateThenListShowsItWithPageInfo) {
  auto created = create_org("Acme");
  EXPECT_EQ(str(created, "name"), "Acme");
  EXPECT_TRUE(created.at("parentId").is_null());
  EXPECT_EQ(created.at("updateVersion").as_int64(), 1);
  EXPECT_EQ(str(created, "status"), "active");
  EXPECT_TRUE(str(created, "createdTime").ends_with("Z"));

  auto r = call("GET", "/api/v1/organizations?pageSize=1&sort=name");
  ASSERT_EQ(r.status, 200) << r.body;
  auto page = json(r);
  const auto& info = page.at("pageInfo");
  EXPECT_EQ(info.at("page").as_int64(), 1);
  EXPECT_EQ(info.at("pageSize").as_int64(), 1);
  EXPECT_EQ(info.at("totalElements").as_int64(), 2);  // Acme and Default
  EXPECT_EQ(info.at("totalPages").as_int64(), 2);
  EXPECT_FALSE(info.at("nextCursor").is_null());
  EXPECT_EQ(str(page.at("organizations").at(0), "name"), "Acme");
}

TEST_F(Organizations, ReadYourWritesEveryCreateIsVisibleAtOnce) {
  for (int i = 0; i < 20; ++i) {
    auto created = create_org("Org " + std::to_string(i));
    auto r = call("GET", "/api/v1/organizations/" + str(created, "id"));
    ASSERT_EQ(r.status, 200) << "read right after create #" << i;
  }
}

// A name search in creation order sorts its matches in memory: past its bound (lowered here
// from 10,000) it is a 400 on q, not a sort of everything.
TEST_F(Organizations, ANameSearchInCreationOrderIsBounded) {
  api::ApiOptions options;
  options.most_matches_by_creation = 2;
  restart(options);
  token_ = login();
  for (const char* name : {"Acme One", "Acme Two", "Acme Three", "Beta"}) create_org(name);
  auto refused = call("GET", "/api/v1/organizations?q=acme&sort=createdTime");
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_NE(refused.body.find("\"q\""), std::string::npos) << refused.body;
  auto narrow = call("GET", "/api/v1/organizations?q=acme%20t&sort=-createdTime&pageSize=1");
  ASSERT_EQ(narrow.status, 200) << narrow.body;
  EXPECT_EQ(str(json(narrow).at("organizations").at(0), "name"), "Acme Three");
  const std::string cursor(json(narrow).at("pageInfo").at("nextCursor").as_string());
  auto next =
      call("GET", "/api/v1/organizations?q=acme%20t&sort=-createdTime&pageSize=1&cursor=" + cursor);
  ASSERT_EQ(next.status, 200) << next.body;
  EXPECT_EQ(str(json(next).at("organizations").at(0), "name"), "Acme Two");
  EXPECT_TRUE(json(next).at("pageInfo").at("nextCursor").is_null());
}

TEST_F(Organizations, PagesByNumberAndByCursorAgree) {
  for (int i = 0; i < 23; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "P%02d", i);
    create_org(name);
  }
  std::vector<std::string> by_number, by_cursor;
  for (int page = 1; page <= 3; ++page) {
    auto r = call("GET", "/api/v1/organizations?q=p&pageSize=10&page=" + std::to_string(page));
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = json(r);
    EXPECT_EQ(body.at("pageInfo").at("totalElements").as_int64(), 23);
    EXPECT_EQ(body.at("pageInfo").at("totalPages").as_int64(), 3);
    for (const auto& o : body.at("organizations").as_array()) by_number.push_back(str(o, "name"));
  }
  std::string cursor;
  do {
    auto r = call("GET", "/api/v1/organizations?q=p&pageSize=10" +
                             (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = json(r);
    for (const auto& o : body.at("organizations").as_array()) by_cursor.push_back(str(o, "name"));
    const auto& next = body.at("pageInfo").at("nextCursor");
    cursor = next.is_null() ? "" : std::string(next.as_string());
  } while (!cursor.empty());
  ASSERT_EQ(by_number.size(), 23u);
  EXPECT_EQ(by_number, by_cursor);
  EXPECT_TRUE(std::is_sorted(by_number.begin(), by_number.end()));

  auto desc = json(call("GET", "/api/v1/organizations?q=p&sort=-name&pageSize=3"));
  EXPECT_EQ(str(desc.at("organizations").at(0), "name"), "P22");
  auto by_time = json(call("GET", "/api/v1/organizations?sort=-createdTime&pageSize=1"));
  EXPECT_EQ(str(by_time.at("organizations").at(0), "name"), "P22");

  // A cursor continues only the listing it came from: not the opposite order, and not the
  // same order without its q (whose keys start the wider range too).
  auto first = json(call("GET", "/api/v1/organizations?q=p&sort=name&pageSize=10"));
  const std::string next(first.at("pageInfo").at("nextCursor").as_string());
  for (const std::string other : {"q=p&sort=-name", "sort=name", "q=p1&sort=name"}) {
    auto r = call("GET", "/api/v1/organizations?" + other + "&pageSize=10&cursor=" + next);
    EXPECT_EQ(r.status, 400) << other << ": " << r.body;
  }
  EXPECT_EQ(call("GET", "/api/v1/organizations?q=p&sort=name&pageSize=10&cursor=" + next).status,
            200);
  // ... and its page size: the page it leads to is numbered in pages of that size.
  for (const std::string other : {"&pageSize=20", "&pageSize=5"}) {
    auto r = call("GET", "/api/v1/organizations?q=p&sort=name&cursor=" + next + other);
    EXPECT_EQ(r.status, 400) << other << ": " << r.body;
  }
  // A page beside a cursor is refused: the cursor says which page it continues.
  auto both = call("GET", "/api/v1/organizations?q=p&sort=name&pageSize=10&page=1&cursor=" + next);
  EXPECT_EQ(both.status, 400) << both.body;
  EXPECT_NE(both.body.find("give page or cursor"), std::string::npos) << both.body;
  auto by_creation = json(call("GET", "/api/v1/organizations?q=p&sort=createdTime&pageSize=10"));
  const std::string created_next(by_creation.at("pageInfo").at("nextCursor").as_string());
  EXPECT_EQ(
      call("GET", "/api/v1/organizations?q=p&sort=createdTime&pageSize=11&cursor=" + created_next)
          .status,
      400);
  EXPECT_EQ(
      call("GET", "/api/v1/organizations?q=p&sort=createdTime&pageSize=10&cursor=" + created_next)
          .status,
      200);
}

TEST_F(Organizations, FiltersByParentAndStatus) {
  auto parent = create_org("Parent");
  auto child = create_org("Child", str(parent, "id"));
  create_org("Other child", str(parent, "id"));
  auto r = call("PUT", "/api/v1/organizations/" + str(child, "id"),
                R"({"status":"inactive","updateVersion":1})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto children = json(call("GET", "/api/v1/organizations?parentId=" + str(parent, "id")));
  EXPECT_EQ(children.at("pageInfo").at("totalElements").as_int64(), 2);
  auto inactive = json(call("GET", "/api/v1/organizations?status=inactive"));
  ASSERT_EQ(inactive.at("pageInfo").at("totalElements").as_int64(), 1);
  EXPECT_EQ(str(inactive.at("organizations").at(0), "name"), "Child");
  auto top = json(call("GET", "/api/v1/organizations?parentId=null"));
  EXPECT_EQ(top.at("pageInfo").at("totalElements").as_int64(), 2);  // Default and Parent
  auto via_children = json(call("GET", "/api/v1/organizations/" + str(parent, "id") +
                                           "/children?status=active"));
  EXPECT_EQ(via_children.at("pageInfo").at("totalElements").as_int64(), 1);
  auto parent_now = json(call("GET", "/api/v1/organizations/" + str(parent, "id")));
  EXPECT_EQ(parent_now.at("childCount").as_int64(), 2);
}

TEST_F(Organizations, ConcurrentPutsWithTheSameVersionOneWins) {
  const std::string id = str(create_org("Contested"), "id");
  constexpr int kWriters = 8;
  std::atomic<int> ok{0}, conflict{0}, other{0};
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      test::HttpClient client(app_->port());
      auto r = client.request("PUT", "/api/v1/organizations/" + id,
                              R"({"description":"writer )" + std::to_string(i) +
                                  R"(","updateVersion":1})",
                              auth(token_));
      (r.status == 200 ? ok : r.status == 409 ? conflict : other)++;
    });
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflict.load(), kWriters - 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(json(call("GET", "/api/v1/organizations/" + id)).at("updateVersion").as_int64(), 2);
}

// Each child records ChildOrganizationAdded on its parent's stream, so concurrent creates under
// one parent conflict; none of their callers holds a stale version, so each must be decided
// again until it commits: one command per round wins the parent's stream.
TEST_F(Organizations, ConcurrentChildCreatesUnderOneParentAllCommit) {
  const std::string parent = str(create_org("Crowded"), "id");
  constexpr int kCreators = 24;
  std::vector<int> statuses(kCreators, 0);
  std::vector<std::thread> creators;
  for (int i = 0; i < kCreators; ++i) {
    creators.emplace_back([&, i] {
      test::HttpClient client(app_->port());
      auto r = client.request(
          "POST", "/api/v1/organizations",
          R"({"name":"Crowded child )" + std::to_string(i) + R"(","parentId":")" + parent + "\"}",
          auth(token_));
      statuses[static_cast<std::size_t>(i)] = r.status;
    });
  }
  for (auto& t : creators) t.join();
  EXPECT_EQ(std::ranges::count(statuses, 201), kCreators) << testing::PrintToString(statuses);
  EXPECT_EQ(json(call("GET", "/api/v1/organizations/" + parent)).at("childCount").as_int64(),
            kCreators);
}

// A move guards every descendant at the version the organizations read model shows. Children
// created below the subtree's root while the move is decided move descendants' versions (not
// the root's: a child of the root would, and then the caller's version is stale); the move is
// decided again, and must then read a read model that shows them (deciding again at once read
// the same stale versions until its attempts ran out: a 409 for a caller whose own version was
// current).
TEST_F(Organizations, AMoveRacingCreatesInItsSubtreeCommits) {
  constexpr int kRounds = 12;
  constexpr int kDepth = 4;
  for (int round = 0; round < kRounds; ++round) {
    const std::string suffix = " " + std::to_string(round);
    const std::string target = str(create_org("Target" + suffix), "id");
    std::vector<std::string> subtree;
    for (int level = 0; level < kDepth; ++level) {
      const std::string parent = subtree.empty() ? std::string() : subtree.back();
      subtree.push_back(str(create_org("Level " + std::to_string(level) + suffix, parent), "id"));
    }
    const auto version =
        json(call("GET", "/api/v1/organizations/" + subtree[0])).at("updateVersion");
    std::vector<int> statuses(kDepth, 0);
    std::vector<std::thread> clients;
    clients.emplace_back([&] {
      test::HttpClient client(app_->port());
      statuses[0] = client
                        .request("PUT", "/api/v1/organizations/" + subtree[0],
                                 R"({"parentId":")" + target + R"(","updateVersion":)" +
                                     boost::json::serialize(version) + "}",
                                 auth(token_))
                        .status;
    });
    for (int level = 1; level < kDepth; ++level) {
      clients.emplace_back([&, level] {
        test::HttpClient client(app_->port());
        const auto leaf = "Leaf " + std::to_string(level) + suffix;
        statuses[static_cast<std::size_t>(level)] =
            client
                .request("POST", "/api/v1/organizations",
                         R"({"name":")" + leaf + R"(","parentId":")" +
                             subtree[static_cast<std::size_t>(level)] + "\"}",
                         auth(token_))
                .status;
      });
    }
    for (auto& t : clients) t.join();
    ASSERT_EQ(statuses[0], 200) << "the move, round " << round;
    EXPECT_EQ(std::ranges::count(statuses, 201), kDepth - 1) << "round " << round;
    auto ancestors = json(call("GET", "/api/v1/organizations/" + subtree.back() + "/ancestors"));
    std::set<std::string> ids;
    for (const auto& a : ancestors.at("organizations").as_array()) ids.insert(str(a, "id"));
    EXPECT_TRUE(ids.contains(target)) << "round " << round;
  }
}

// A move lists the moved organization's subtree from the read model. A child created under it
// a moment before, committed but not yet shown there, went uncounted: the move passed the depth
// limit by that child's level (a race review found 11 of 30 such moves answered 200). The
// projections are held here, so the child's create commits first every time.
TEST_F(Organizations, AMoveCountsAChildTheReadModelDidNotShowYet) {
  std::string parent;
  for (int level = 1; level <= 15; ++level) {
    parent = str(create_org("Level " + std::to_string(level), parent), "id");
  }
  const std::string moved = str(create_org("Moved"), "id");
  const auto version =
      json(call("GET", "/api/v1/organizations/" + moved)).at("updateVersion").as_int64();
  std::optional<HeldProjections> held(std::in_place, *app_, "organizations");
  test::HttpResult created;
  test::HttpResult move;
  const std::uint64_t before = head();
  std::thread create =
      send_apart("POST", "/api/v1/organizations",
                 R"({"name":"Child","parentId":")" + moved + R"("})", token_, created);
  const std::uint64_t child_at = head_past(before, std::chrono::seconds(10));
  // The child's creation is the moved organization's next version.
  std::thread put = send_apart(
      "PUT", "/api/v1/organizations/" + moved,
      R"({"parentId":")" + parent + R"(","updateVersion":)" + std::to_string(version + 1) + "}",
      token_, move);
  EXPECT_GT(child_at, before) << "the child's create did not commit";
  EXPECT_EQ(head_past(child_at, std::chrono::seconds(2)), child_at)
      << "the move committed on the stale subtree";
  held.reset();
  create.join();
  put.join();
  EXPECT_EQ(created.status, 201);
  EXPECT_EQ(move.status, 400) << "Moved (with its child) under level 15 makes 17 levels";
  EXPECT_EQ(json(call("GET", "/api/v1/organizations/" + moved)).at("parentId"), nullptr);
}

// RFC 9562: UUIDs are case-insensitive on input. An id in upper case names the same
// organization, in a path, a body and a query, and answers carry the stored lower case.
TEST_F(Organizations, IdsInUpperCaseNameTheSameOrganization) {
  const std::string id = str(create_org("Cased"), "id");
  std::string upper = id;
  std::ranges::transform(upper, upper.begin(), [](char c) { return std::toupper(c); });
  ASSERT_NE(upper, id) << "a v7 UUID holds hex letters";
  auto got = call("GET", "/api/v1/organizations/" + upper);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(str(json(got), "id"), id);
  auto child = call("POST", "/api/v1/organizations",
                    R"({"name":"Cased child","parentId":")" + upper + "\"}");
  ASSERT_EQ(child.status, 201) << child.body;
  EXPECT_EQ(str(json(child), "parentId"), id);
  auto listed = json(call("GET", "/api/v1/organizations?parentId=" + upper));
  EXPECT_EQ(listed.at("pageInfo").at("totalElements").as_int64(), 1);
  auto updated = call("PUT", "/api/v1/organizations/" + upper,
                      R"({"description":"by upper case","updateVersion":2})");
  EXPECT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(json(call("GET", "/api/v1/organizations/" + id)).at("description"), "by upper case");
}

TEST_F(Organizations, UpdateNeedsAVersionAndHonoursIfMatch) {
  const std::string id = str(create_org("Versioned"), "id");
  auto missing = call("PUT", "/api/v1/organizations/" + id, R"({"description":"x"})");
  EXPECT_EQ(missing.status, 428);
  auto get = call("GET", "/api/v1/organizations/" + id);
  EXPECT_EQ(get.header("ETag"), "\"1\"");
  auto headers = auth(token_);
  headers.emplace_back("If-Match", get.header("ETag"));
  auto put = client_->request("PUT", "/api/v1/organizations/" + id, R"({"description":"y"})",
                              headers);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.header("ETag"), "\"2\"");
  EXPECT_FALSE(put.header("X-Event-Position").empty());
  // The GET above was remembered (organization_reads.hpp); the update must not read it back.
  auto after = call("GET", "/api/v1/organizations/" + id);
  EXPECT_EQ(after.header("ETag"), "\"2\"");
  EXPECT_EQ(json(after).at("description").as_string(), "y");
  auto stale = client_->request("PUT", "/api/v1/organizations/" + id, R"({"description":"z"})",
                                headers);
  EXPECT_EQ(stale.status, 409);
  // A GET-modify-PUT round trip: read-only fields echoed back are accepted and ignored.
  auto current = json(call("GET", "/api/v1/organizations/" + id)).as_object();
  current["description"] = "round trip";
  auto echoed = call("PUT", "/api/v1/organizations/" + id, boost::json::serialize(current));
  EXPECT_EQ(echoed.status, 200) << echoed.body;
}

// RFC 9110's `If-Match: *` matches whatever version is current: where a version is optional
// (a delete) it asks for none, where an update needs one it names none (428). Before, a 400.
TEST_F(Organizations, IfMatchAnyNamesNoVersion) {
  const std::string id = str(create_org("Any Version"), "id");
  auto headers = auth(token_);
  headers.emplace_back("If-Match", "*");
  auto put =
      client_->request("PUT", "/api/v1/organizations/" + id, R"({"description":"y"})", headers);
  EXPECT_EQ(put.status, 428) << put.body;
  auto versioned = client_->request("PUT", "/api/v1/organizations/" + id,
                                    R"({"description":"y","updateVersion":1})", headers);
  EXPECT_EQ(versioned.status, 200) << versioned.body;
  auto weak = auth(token_);
  weak.emplace_back("If-Match", "W/\"2\"");
  EXPECT_EQ(client_->request("DELETE", "/api/v1/organizations/" + id, "", weak).status, 400)
      << "a weak tag never matches (RFC 9110 compares strongly)";
  auto deleted = client_->request("DELETE", "/api/v1/organizations/" + id, "", headers);
  EXPECT_EQ(deleted.status, 204) << deleted.body;
  EXPECT_EQ(client_->request("DELETE", "/api/v1/organizations/" + id, "", headers).status, 404)
      << "* matches only what exists";
}

// A listing remembers its documents at a snapshot (rows_at_snapshot.hpp) and its pages
// (index_page.hpp); an update must show in the next page all the same.
TEST_F(Organizations, ListingsShowAnUpdateAtOnce) {
  const std::string id = str(create_org("Listed"), "id");
  const std::string url = "/api/v1/organizations?q=listed";
  auto description_listed = [&] {
    auto r = call("GET", url);
    EXPECT_EQ(r.status, 200) << r.body;
    const auto body = json(r);
    const auto& items = body.at("organizations").as_array();
    EXPECT_EQ(items.size(), 1u) << r.body;
    return items.empty() ? std::string("<none>") : str(items.at(0), "description");
  };
  EXPECT_EQ(description_listed(), "");
  EXPECT_EQ(description_listed(), "") << "the same page twice";
  auto put =
      call("PUT", "/api/v1/organizations/" + id, R"({"description":"changed","updateVersion":1})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(description_listed(), "changed");
}

// Requests pipelined on one connection are decided in order, each after the one before it
// committed: two PUTs at consecutive versions both apply, and a GET sent right behind them
// reads the second one.
TEST_F(Organizations, PipelinedCommandsApplyInOrder) {
  const std::string id = str(create_org("Pipelined"), "id");
  const std::string url = "/api/v1/organizations/" + id;
  if (token_.empty()) token_ = login();
  client_->send("PUT", url, R"({"description":"one","updateVersion":1})", auth(token_));
  client_->send("PUT", url, R"({"description":"two","updateVersion":2})", auth(token_));
  client_->send("GET", url, {}, auth(token_));
  const auto first = client_->receive();
  const auto second = client_->receive();
  const auto read = client_->receive();
  EXPECT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(second.status, 200) << second.body;
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(str(json(read), "description"), "two") << read.body;
  EXPECT_EQ(json(read).at("updateVersion").to_number<int>(), 3) << read.body;
}

TEST_F(Organizations, NamesAreUniqueCaseInsensitivelyAndFreedOnDelete) {
  const std::string id = str(create_org("Unique Name"), "id");
  auto dup = call("POST", "/api/v1/organizations", R"({"name":"UNIQUE name"})");
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(str(json(dup), "title"), "organization already exists");
  EXPECT_EQ(call("DELETE", "/api/v1/organizations/" + id).status, 204);
  EXPECT_EQ(call("GET", "/api/v1/organizations/" + id).status, 404);
  EXPECT_EQ(call("POST", "/api/v1/organizations", R"({"name":"unique name"})").status, 201);
}

TEST_F(Organizations, HierarchyRulesHoldOverHttp) {
  std::string parent;
  std::vector<std::string> chain;
  for (int level = 1; level <= 16; ++level) {
    parent = str(create_org("Level " + std::to_string(level), parent), "id");
    chain.push_back(parent);
  }
  auto too_deep = call("POST", "/api/v1/organizations",
                       R"({"name":"Level 17","parentId":")" + parent + "\"}");
  EXPECT_EQ(too_deep.status, 400);
  EXPECT_EQ(str(json(too_deep).at("errors").at(0), "field"), "parentId");
  auto has_children = call("DELETE", "/api/v1/organizations/" + chain[0]);
  EXPECT_EQ(has_children.status, 409);
  // Move level 3 (with 14 levels below it) to the top: every descendant follows.
  auto level3 = json(call("GET", "/api/v1/organizations/" + chain[2]));
  auto moved = call("PUT", "/api/v1/organizations/" + chain[2],
                    R"({"parentId":null,"updateVersion":)" +
                        std::to_string(level3.at("updateVersion").as_int64()) + "}");
  ASSERT_EQ(moved.status, 200) << moved.body;
  auto ancestors = json(call("GET", "/api/v1/organizations/" + chain[15] + "/ancestors"));
  EXPECT_EQ(ancestors.at("organizations").as_array().size(), 13u);
  EXPECT_EQ(ancestors.at("pageInfo").at("totalPages").as_int64(), 1) << "one page holds a chain";
  auto none = json(call("GET", "/api/v1/organizations/" + chain[2] + "/ancestors"));
  EXPECT_EQ(none.at("pageInfo").at("totalElements").as_int64(), 0);
  EXPECT_EQ(none.at("pageInfo").at("pageSize").as_int64(), 15) << "the most a chain holds";
  EXPECT_EQ(call("GET", "/api/v1/organizations/" + chain[15] + "/ancestors?page=2").status, 400)
      << "no parameters, and an unknown one is a 400";
  EXPECT_EQ(json(call("GET", "/api/v1/organizations/" + chain[1])).at("childCount").as_int64(), 0);
  // A cycle is refused: level 3 under its own descendant.
  auto now3 = json(call("GET", "/api/v1/organizations/" + chain[2]));
  auto cycle = call("PUT", "/api/v1/organizations/" + chain[2],
                    R"({"parentId":")" + chain[5] + R"(","updateVersion":)" +
                        std::to_string(now3.at("updateVersion").as_int64()) + "}");
  EXPECT_EQ(cycle.status, 400);
}

TEST_F(Organizations, DefaultCannotBeDeletedRenamedOrMoved) {
  const std::string def = "/api/v1/organizations/00000000-0000-7000-8000-000000000001";
  EXPECT_EQ(call("DELETE", def).status, 409);
  EXPECT_EQ(call("PUT", def, R"({"name":"Renamed","updateVersion":1})").status, 409);
  // Nor does anything go under it, where every customer waiting in Default would see it.
  const std::string default_id = def.substr(def.rfind('/') + 1);
  auto under = call("POST", "/api/v1/organizations",
                    R"({"name":"Under Default","parentId":")" + default_id + "\"}");
  EXPECT_EQ(under.status, 409) << under.body;
  EXPECT_TRUE(str(json(under), "type").ends_with("default-organization")) << under.body;
  const auto top = create_org("Top");
  auto moved = call("PUT", "/api/v1/organizations/" + std::string(top.at("id").as_string()),
                    R"({"parentId":")" + default_id + R"(","updateVersion":1})");
  EXPECT_EQ(moved.status, 409) << moved.body;
}

TEST_F(Organizations, StateSurvivesARestart) {
  const std::string id = str(create_org("Durable"), "id");
  const std::uint64_t before = head();
  restart();
  token_.clear();
  auto r = call("GET", "/api/v1/organizations/" + id);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(str(json(r), "name"), "Durable");
  // The restart itself appended nothing (no second Default, no second SuperAdmin); the
  // login above appended one SessionStarted.
  EXPECT_EQ(head(), before + 1);
}

}  // namespace
}  // namespace orgd::e2e
