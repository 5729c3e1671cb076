// The sessions read model drops expired sessions as logins come: each login a few of those
// expired by its event's time, oldest first, judged by the log alone so a replay drops the
// same ones.

#include <algorithm>
#include <string>
#include <vector>

#include "domain/customer/customer_events.hpp"
#include "projections/customer_queries.hpp"
#include "projections/customers_projection.hpp"
#include "projections/read_model_rebuild.hpp"
#include "tests/projections/projection_fixture.hpp"

namespace orgd::projections::testing {
namespace {

class SessionsProjectionTest : public ProjectionTest {
 protected:
  // A login of `customer` at `at_ms` whose token hash is `hash`, valid until `expires_ms`.
  void login(const std::string& customer, const std::string& hash, std::int64_t expires_ms,
             std::int64_t at_ms) {
    append_at("sessions-" + customer, domain::SessionStarted{"s-" + hash, hash, expires_ms}, at_ms);
  }
  void append_at(const std::string& stream, domain::Event event, std::int64_t at_ms) {
    eventstore::AppendRequest request;
    request.actor = "tester";
    request.correlation_id = "test";
    request.timestamp_ms = at_ms;
    const auto encoded = domain::encode_event(event);
    request.streams.push_back({stream,
                               eventstore::ExpectedVersion::any(),
                               {{encoded.type, encoded.schema_version, encoded.payload}}});
    auto result = store_->append(std::move(request));
    ASSERT_TRUE(result.has_value()) << result.error().message;
  }
  // The sessions read model alone, replayed from the whole log (other read models would
  // refuse events of customers the test never registered).
  void replay_sessions() {
    SessionsProjection projection;
    const ReplayTarget target{store_->db(), store_->column_family(kSessionsColumnFamily)};
    ASSERT_TRUE(clear_read_model(target, ClearStamp::rebuilding).has_value());
    const std::vector<ReplayJob> jobs{{&projection, target}};
    auto replayed = replay_all_into(*store_, jobs, {0, store_->head_position()});
    ASSERT_TRUE(replayed.has_value()) << replayed.error();
  }
  // The token hashes with a session row, once caught up; and that no other key names another.
  std::vector<std::string> sessions() {
    if (runner_) {  // braced: gtest's macro is an if-else (g++'s -Wdangling-else)
      EXPECT_TRUE(wait_applied());
    }
    std::vector<std::string> hashes;
    std::size_t keys = 0;
    for (const auto& [key, value] : data()) {
      ++keys;
      if (key.starts_with('t')) hashes.push_back(key.substr(1));
    }
    EXPECT_EQ(keys, 3 * hashes.size()) << "a row, a customer's key and an expiry key each";
    return hashes;
  }
  // The read model's keys, without its checkpoint, layout stamp and sweep cursor.
  std::map<std::string, std::string> data() {
    auto all = dump(kSessionsColumnFamily);
    std::erase_if(all, [](const auto& entry) {
      return entry.first.starts_with('\xff') || entry.first == "w";
    });
    return all;
  }
  static std::vector<std::string> sorted(std::vector<std::string> v) {
    std::ranges::sort(v);
    return v;
  }
};

TEST_F(SessionsProjectionTest, EachLoginDropsAFewSessionsExpiredByItsTimeOldestFirst) {
  login("c1", "h1", 1'000, 500);
  login("c1", "h2", 5'000, 600);
  login("c2", "h3", 2'000, 700);
  start_runner();
  EXPECT_EQ(sessions(), (std::vector<std::string>{"h1", "h2", "h3"}));

  login("c3", "h4", 9'000, 3'000);
  EXPECT_EQ(sessions(), (std::vector<std::string>{"h2", "h4"}))
      << "expired at 1,000 and 2,000, before the login at 3,000";
  const CustomerQueries queries(*store_, &runner_->read_models());
  EXPECT_EQ(queries.session("h1").value(), std::nullopt);
  EXPECT_EQ(queries.session("h2").value()->customer_id, "c1");

  for (int i = 0; i < 6; ++i) login("c4", "k" + std::to_string(i), 4'000 + i, 3'500);
  login("c5", "h5", 20'000, 10'000);
  EXPECT_EQ(sessions(), sorted({"h2", "h4", "h5", "k4", "k5"}))
      << "four of the seven expired, the oldest: k0..k3";
  login("c5", "h6", 20'000, 10'001);
  EXPECT_EQ(sessions(), sorted({"h5", "h6"}));
}

TEST_F(SessionsProjectionTest, EndingASessionAlreadyDroppedChangesNothing) {
  login("c1", "h1", 1'000, 500);
  login("c1", "h2", 5'000, 600);
  login("c2", "h3", 9'000, 2'000);  // drops h1
  // A logout decided before h1 expired, appended after the login that dropped it.
  append_at("sessions-c1", domain::SessionEnded{"s-h1", "h1", "logout"}, 900);
  replay_sessions();
  EXPECT_EQ(sessions(), (std::vector<std::string>{"h2", "h3"}));
  append_at("customer-c1", domain::CustomerDeleted{"c1@example.com"}, 2'100);
  replay_sessions();
  EXPECT_EQ(sessions(), (std::vector<std::string>{"h3"})) << "every key of c1's sessions went";
}

// Applied live one event at a time, as logins come, and replayed in one run: the same keys.
TEST_F(SessionsProjectionTest, AReplayDropsTheSameSessions) {
  start_runner();
  for (int i = 0; i < 40; ++i) {
    login("c" + std::to_string(i % 3), "h" + std::to_string(i), 1'000 + 97 * (i % 11), 100 * i);
    if (i % 7 == 0) {
      ASSERT_TRUE(wait_applied());
    }
  }
  append_at("sessions-c1", domain::SessionEnded{"s-h37", "h37", "logout"}, 4'000);
  const auto live = sessions();
  EXPECT_LT(live.size(), 40u) << "some expired sessions were dropped";
  auto everything = [&] {  // the sweep's cursor too
    auto all = dump(kSessionsColumnFamily);
    std::erase_if(all, [](const auto& entry) { return entry.first.starts_with('\xff'); });
    return all;
  };
  const auto live_data = everything();
  ASSERT_EQ(live_data.count("w"), 1u);
  runner_.reset();
  replay_sessions();
  EXPECT_EQ(everything(), live_data);
}

// Each sweep starts where the last one stopped; a session that expires before that is still
// swept, and so is an expiry key whose session has no row.
TEST_F(SessionsProjectionTest, ASweepStartsWhereTheLastStoppedAndStillFindsWhatIsBelow) {
  login("c1", "h1", 1'000, 500);
  login("c1", "h2", 5'000, 600);
  login("c2", "h3", 9'000, 2'000);  // drops h1: the next sweep starts at its key
  login("c2", "h4", 800, 3'000);    // expires before the sweep's start
  login("c3", "h5", 9'500, 3'100);  // drops h4
  replay_sessions();
  EXPECT_EQ(sessions(), (std::vector<std::string>{"h2", "h3", "h5"}));

  const std::string orphan = "x" + encode_u64(5'001) + "no-row";  // after the sweep's start
  ASSERT_TRUE(
      store_->db()
          ->Put(rocksdb::WriteOptions(), store_->column_family(kSessionsColumnFamily), orphan, "")
          .ok());
  ASSERT_EQ(data().count(orphan), 1u);
  start_runner();                   // from the replay's checkpoint
  login("c3", "h6", 9'900, 6'000);  // drops the orphan and h2
  EXPECT_EQ(sessions(), (std::vector<std::string>{"h3", "h5", "h6"}));
  EXPECT_EQ(data().count(orphan), 0u);
}

}  // namespace
}  // namespace orgd::projections::testing
