// Stopping orgd (Application::stop, what SIGTERM does) while commands are in flight: it
// returns, every command answered 201 is there after a restart, and the read models agree
// with the log. Syncs are slowed down (50 ms) while it stops, so appends are still in the
// writer when the server goes: their callbacks wait on the projection runner, which must
// still be alive (under the sanitizer build, reaching it after it was torn down aborts).

#include <functional>
#include <thread>

#include "tests/e2e/orgd_fixture.hpp"
#include "tests/support/disk_faults.hpp"

namespace orgd::e2e {
namespace {

class Shutdown : public OrgdTest {
 protected:
  void SetUp() override {
    storage_env_ = faults_.env();
    OrgdTest::SetUp();
  }

  // Reads what each client was answered after the stop (the kernel keeps it), until its
  // connection ends: the rest of that connection's requests are unanswered.
  static void receive_answers(std::vector<std::unique_ptr<test::HttpClient>>& clients,
                              int pipelined,
                              const std::function<void(const test::HttpResult&)>& answered) {
    for (auto& client : clients) {
      for (int i = 0; i < pipelined; ++i) {
        try {
          answered(client->receive());
        } catch (const std::exception&) {
          break;
        }
      }
    }
  }

  test::DiskFaults faults_;  // outlives the application, whose store writes through it
};

TEST_F(Shutdown, StoppingUnderLoadKeepsEveryAcknowledgedCommand) {
  constexpr int kRounds = 3;
  constexpr int kClients = 16;
  constexpr int kPipelined = 8;
  std::vector<std::string> acknowledged;  // ids answered 201
  for (int round = 0; round < kRounds; ++round) {
    const std::string token = login();
    std::vector<std::unique_ptr<test::HttpClient>> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.push_back(std::make_unique<test::HttpClient>(app_->port()));
      for (int i = 0; i < kPipelined; ++i) {
        const std::string name = "shutdown-" + std::to_string(round) + "-" +
                                 std::to_string(c) + "-" + std::to_string(i);
        clients.back()->send("POST", "/api/v1/organizations",
                             boost::json::serialize(boost::json::object{{"name", name}}),
                             auth(token));
      }
    }
    // Stop while the commands are being decided, appended and projected.
    faults_.slow_syncs(std::chrono::milliseconds(50));
    app_->stop();
    faults_.slow_syncs(std::chrono::milliseconds(0));
    receive_answers(clients, kPipelined, [&](const test::HttpResult& r) {
      if (r.status == 201) acknowledged.push_back(str(json(r), "id"));
    });
    restart();
  }
  token_ = login();
  for (const auto& id : acknowledged) {
    EXPECT_EQ(call("GET", "/api/v1/organizations/" + id).status, 200) << id;
  }
  // Everything the log holds is in the read model: acknowledged or not, nothing half-applied.
  auto page = call("GET", "/api/v1/organizations?pageSize=1");
  ASSERT_EQ(page.status, 200) << page.body;
  const auto listed = json(page).at("pageInfo").at("totalElements").to_number<std::uint64_t>();
  EXPECT_GE(listed, acknowledged.size() + 1) << "the Default organization and the created ones";
  EXPECT_LE(listed, 1u + kRounds * kClients * kPipelined);
}

// Updates of one organization with the same version: the first to reach the writer wins, the
// others fail there with a version conflict, and their retries are posted to the worker pool
// from the writer thread -- also while orgd stops, so the pool must outlive the writer.
TEST_F(Shutdown, StoppingWhileConflictingUpdatesRetryAnswersAtMostOne) {
  constexpr int kRounds = 3;
  constexpr int kClients = 16;
  constexpr int kPipelined = 8;
  for (int round = 0; round < kRounds; ++round) {
    token_ = login();
    const auto created = create_org("contested-" + std::to_string(round));
    ASSERT_TRUE(created.contains("id"));
    ASSERT_EQ(created.at("updateVersion").to_number<std::uint64_t>(), 1u);
    const std::string id(created.at("id").as_string());
    // Slow syncs from the start: the updates queue up behind the writer, so the conflicts are
    // found while it drains.
    faults_.slow_syncs(std::chrono::milliseconds(50));
    std::vector<std::unique_ptr<test::HttpClient>> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.push_back(std::make_unique<test::HttpClient>(app_->port()));
      for (int i = 0; i < kPipelined; ++i) {
        const std::string description = "by " + std::to_string(c) + "-" + std::to_string(i);
        clients.back()->send(
            "PUT", "/api/v1/organizations/" + id,
            boost::json::serialize(
                boost::json::object{{"description", description}, {"updateVersion", 1}}),
            auth(token_));
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let them be decided
    app_->stop();
    faults_.slow_syncs(std::chrono::milliseconds(0));
    std::vector<std::string> applied;  // descriptions answered 200
    receive_answers(clients, kPipelined, [&](const test::HttpResult& r) {
      if (r.status == 200) applied.push_back(str(json(r), "description"));
    });
    EXPECT_LE(applied.size(), 1u) << "one version, one winner";
    restart();
    token_ = login();
    const auto now = call("GET", "/api/v1/organizations/" + id);
    ASSERT_EQ(now.status, 200) << now.body;
    EXPECT_LE(json(now).at("updateVersion").to_number<std::uint64_t>(), 2u);
    if (!applied.empty()) {
      EXPECT_EQ(str(json(now), "description"), applied.front());
    }
  }
}

}  // namespace
}  // namespace orgd::e2e
