// Durability under kill -9: the real orgd binary gets 64 connections of mixed commands
// (creates, updates with versions, moves of customers in and out of organizations, contract
// acceptances) and is killed with SIGKILL at a random moment, again and again. After each
// kill: `orgctl verify` passes (hash chain, indexes, read models equal a fresh replay); every
// command answered 2xx is in the log (the event at its X-Event-Position carries its trace
// id), none answered 4xx/5xx is; after the restart the read models show exactly the
// commands that are in the log.
//
// Kill points per run: 20, or ORGD_CRASH_KILL_POINTS. The figures are printed at the end.

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "tests/e2e/subprocess.hpp"
#include "tests/support/http_client.hpp"

namespace orgd::crash {
namespace {

using e2e::OrgdProcess;
using e2e::read_text;
using e2e::run_shell;

constexpr int kConnections = 64;
constexpr int kCustomerLanes = 16;  // lanes that also move a customer and accept contracts
constexpr const char* kAdminEmail = "root@crash.test";
constexpr const char* kAdminPassword = "crash test password";

constexpr const char* kAgain = "again";  // Sent::detail of an acceptance already made

enum class Op : std::uint8_t { create, update, move_in, move_out, accept };

// One command sent during the load, and what came back.
struct Sent {
  Op op{Op::create};
  std::string trace_id;
  std::string detail;  // the created name, the description written
  int status{-1};      // -1: no answer (the server died meanwhile)
  std::uint64_t position{0};
};

// The organization and (in customer lanes) the customer one connection works on, so that
// its commands form one sequence whose outcome is known.
struct Lane {
  std::string organization_id;
  std::int64_t version{0};
  std::string customer_id;
  std::string customer_token;
  bool member{false};
  bool accepted{false};  // this round's contract: accepting again is a no-op
  std::vector<Sent> sent;
};

boost::json::value parse(const std::string& text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  return ec ? boost::json::value() : v;
}

std::string text(const boost::json::value& v, std::string_view key) {
  return std::string(v.at(key).as_string());
}

class Crash : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("orgd-crash-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    random_.seed(rd());
  }
  void TearDown() override {
    orgd_.reset();
    if (HasFailure())
      std::fprintf(stderr, "orgd's log:\n%s\n", read_text(dir_ / "orgd.log").c_str());
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string data_dir() const { return (dir_ / "data").string(); }

  void start() {
    orgd_ = std::make_unique<OrgdProcess>(
        ORGD_BINARY,
        std::vector<std::string>{"--data-dir", data_dir(), "--listen", "127.0.0.1:0", "--log-level",
                                 "warn"},
        std::map<std::string, std::string>{{"ORGD_ADMIN_EMAIL", kAdminEmail},
                                           {"ORGD_ADMIN_PASSWORD", kAdminPassword}},
        dir_ / "orgd.log");
    port_ = orgd_->wait_for_port();
    ASSERT_NE(port_, 0) << read_text(dir_ / "orgd.log");
    client_ = std::make_unique<test::HttpClient>(port_);
    for (int i = 0; i < 200 && client_->request("GET", "/readyz").status != 200; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_EQ(client_->request("GET", "/readyz").status, 200);
  }

  test::Headers auth(const std::string& token) const {
    return {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
  }

  std::string login(const std::string& email, const std::string& password) {
    auto r = client_->request(
        "POST", "/api/v1/sessions",
        boost::json::serialize(boost::json::object{{"email", email}, {"password", password}}),
        {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? text(parse(r.body), "securityToken") : std::string();
  }

  boost::json::value admin(const std::string& method, const std::string& target,
                           const boost::json::object& body = {}, int expected = 0) {
    test::HttpResult r;
    try {
      r = client_->request(method, target, body.empty() ? "" : boost::json::serialize(body),
                           auth(admin_token_));
    } catch (const std::exception& e) {
      ADD_FAILURE() << method << " " << target << ": " << e.what();
      return {};
    }
    if (expected != 0) {
      EXPECT_EQ(r.status, expected) << method << " " << target << ": " << r.body;
    }
    return parse(r.body);
  }

  // Lane organizations, and a customer (logged in) for the first kCustomerLanes lanes.
  void create_lanes() {
    admin_token_ = login(kAdminEmail, kAdminPassword);
    lanes_.resize(kConnections);
    for (int w = 0; w < kConnections; ++w) {
      auto org =
          admin("POST", "/api/v1/organizations", {{"name", "lane-" + std::to_string(w)}}, 201);
      lanes_[w].organization_id = text(org, "id");
      if (w >= kCustomerLanes) continue;
      const std::string email = "lane-" + std::to_string(w) + "@crash.test";
      auto customer = admin("POST", "/api/v1/customers",
                            {{"email", email},
                             {"password", "password-" + email},
                             {"firstName", "Lane"},
                             {"lastName", std::to_string(w)}},
                            201);
      lanes_[w].customer_id = text(customer, "id");
      lanes_[w].customer_token = login(email, "password-" + email);
    }
  }

  // After a restart: what the read models say the lanes are now, and a new contract every
  // customer lane's organization must accept.
  void prepare_round(int round) {
    admin_token_ = login(kAdminEmail, kAdminPassword);
    auto contract = admin("POST", "/api/v1/contracts",
                          {{"title", "Terms " + std::to_string(round)},
                           {"text", "Round " + std::to_string(round)},
                           {"version", "1"}},
                          201);
    contract_id_ = text(contract, "id");
    for (int w = 0; w < kConnections; ++w) {
      Lane& lane = lanes_[w];
      lane.sent.clear();
      lane.accepted = false;
      auto org = admin("GET", "/api/v1/organizations/" + lane.organization_id, {}, 200);
      lane.version = org.at("updateVersion").as_int64();
      if (w >= kCustomerLanes) continue;
      admin("POST", "/api/v1/organizations/" + lane.organization_id + "/contracts",
            {{"contractId", contract_id_}}, 201);
      auto customer = admin("GET", "/api/v1/customers/" + lane.customer_id, {}, 200);
      lane.member = text(customer, "organizationId") == lane.organization_id;
    }
  }

  static std::string random_hex(std::mt19937_64& random, int digits) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < digits; ++i) out += kHex[random() % 16];
    return out;
  }

  // One connection's commands until the server dies (or `stop`).
  void drive(int w, std::uint64_t seed, const std::atomic<bool>& stop) {
    Lane& lane = lanes_[w];
    std::mt19937_64 random(seed);
    test::HttpClient client(port_);
    while (!stop.load()) {
      Sent sent;
      sent.trace_id = random_hex(random, 32);
      std::string method = "POST";
      std::string target;
      std::string token = admin_token_;
      boost::json::object body;
      const bool customer_lane = w < kCustomerLanes;
      switch (random() % (customer_lane ? 4 : 2)) {
        case 0:
          sent.op = Op::create;
          sent.detail = "crash-" + std::to_string(w) + "-" + sent.trace_id.substr(0, 12);
          target = "/api/v1/organizations";
          body = {{"name", sent.detail}, {"parentId", lane.organization_id}};
          break;
        case 1:
          sent.op = Op::update;
          sent.detail = "description " + sent.trace_id;
          method = "PUT";
          target = "/api/v1/organizations/" + lane.organization_id;
          body = {{"description", sent.detail}, {"updateVersion", lane.version}};
          break;
        case 2:
          sent.op = lane.member ? Op::move_out : Op::move_in;
          if (lane.member) {
            method = "DELETE";
            target =
                "/api/v1/organizations/" + lane.organization_id + "/members/" + lane.customer_id;
          } else {
            target = "/api/v1/organizations/" + lane.organization_id + "/members";
            body = {{"customerId", lane.customer_id}};
          }
          break;
        default:
          sent.op = Op::accept;
          if (lane.accepted) sent.detail = kAgain;
          target = "/api/v1/contracts/" + contract_id_ + "/accept";
          token = lane.customer_token;
          break;
      }
      auto headers = auth(token);
      headers.emplace_back("traceparent",
                           "00-" + sent.trace_id + "-" + random_hex(random, 16) + "-01");
      try {
        auto r = client.request(method, target, body.empty() ? "" : boost::json::serialize(body),
                                headers);
        sent.status = r.status;
        const auto position = r.header("X-Event-Position");
        if (!position.empty()) sent.position = std::stoull(position);
        if (r.status / 100 == 2 && sent.op == Op::update) {
          lane.version = parse(r.body).at("updateVersion").as_int64();
        }
        if (r.status / 100 == 2 && sent.op == Op::accept) lane.accepted = true;
        if (r.status / 100 == 2 && (sent.op == Op::move_in || sent.op == Op::move_out)) {
          lane.member = sent.op == Op::move_in;
          lane.accepted = false;  // a new stay: acceptances of the last one do not count
        }
      } catch (const std::exception&) {
        sent.status = -1;  // the server died with this command in flight
      }
      lane.sent.push_back(sent);
      if (sent.status == -1) return;
    }
  }

  struct LogEntry {
    std::uint64_t position{0};
    std::string stream;
    std::uint64_t version{0};
    std::string correlation;
    // The correlation id's trace part: each request here sends a traceparent of its own, and a
    // command under a client's trace id has the correlation id "<trace id>-<16 hex>".
    std::string trace;
  };

  // The whole log, through orgctl (the auditor's path), by position.
  std::map<std::uint64_t, LogEntry> export_log() {
    const auto file = dir_ / "export.jsonl";
    auto r = run_shell(std::string(ORGCTL_BINARY) + " --data-dir " + data_dir() + " export --out " +
                       file.string());
    EXPECT_EQ(r.exit_code, 0) << r.output;
    const std::string exported = read_text(file);
    expect_no_secrets(exported);
    std::map<std::uint64_t, LogEntry> log;
    std::istringstream lines(exported);
    for (std::string line; std::getline(lines, line);) {
      if (line.empty()) continue;
      auto v = parse(line);
      LogEntry e{v.at("position").to_number<std::uint64_t>(),
                 text(v, "streamId"),
                 v.at("version").to_number<std::uint64_t>(),
                 text(v, "correlationId"),
                 {}};
      e.trace = e.correlation.substr(0, e.correlation.find('-'));
      log[e.position] = e;
    }
    return log;
  }

  struct Tally {
    int acknowledged{0};  // answered 2xx
    int lost{0};          // answered 2xx, not in the log
    int refused{0};       // answered 4xx/5xx
    int phantom{0};       // answered 4xx/5xx, in the log
    int unanswered{0};    // in flight when the server died
  };

  // An auditor's export holds no password, password hash or token secret (the log keeps the
  // hashes; exports redact them).
  void expect_no_secrets(const std::string& exported) {
    EXPECT_EQ(exported.find("$argon2id$"), std::string::npos);
    EXPECT_EQ(exported.find(kAdminPassword), std::string::npos);
    EXPECT_EQ(exported.find("password-lane-"), std::string::npos);
    for (const auto* token : {&admin_token_, &lanes_.front().customer_token}) {
      if (token->empty()) continue;
      EXPECT_EQ(exported.find(token->substr(token->find('.') + 1)), std::string::npos);
    }
  }

  // Every answered command against the log.
  Tally check_against_log(const std::map<std::uint64_t, LogEntry>& log) {
    std::map<std::string, int> events_of;  // trace id -> events
    for (const auto& [position, e] : log) ++events_of[e.trace];
    Tally tally;
    for (const auto& lane : lanes_) {
      for (const auto& sent : lane.sent) {
        const int events = events_of.contains(sent.trace_id) ? events_of[sent.trace_id] : 0;
        if (sent.status == -1) {  // either outcome is allowed
          ++tally.unanswered;
          continue;
        }
        EXPECT_LT(sent.status, 500) << "trace " << sent.trace_id;
        if (sent.status / 100 == 2 && sent.detail == kAgain) {
          ++tally.acknowledged;  // a repeated acceptance succeeds and changes nothing
          EXPECT_EQ(events, 0) << "a repeated acceptance was stored: trace " << sent.trace_id;
        } else if (sent.status / 100 == 2) {
          ++tally.acknowledged;
          tally.lost += events == 0 ? 1 : 0;
          EXPECT_GT(events, 0) << "acknowledged command lost: op " << static_cast<int>(sent.op)
                               << " status " << sent.status << " trace " << sent.trace_id;
          auto at = log.find(sent.position);
          EXPECT_TRUE(at != log.end() && at->second.trace == sent.trace_id)
              << "X-Event-Position " << sent.position << " is not trace " << sent.trace_id;
        } else {
          ++tally.refused;
          tally.phantom += events == 0 ? 0 : 1;
          EXPECT_EQ(events, 0) << "refused command (" << sent.status << ") stored: trace "
                               << sent.trace_id;
        }
      }
    }
    return tally;
  }

  // After the restart, the read models show exactly what the log holds for each lane.
  void check_read_models(const std::map<std::uint64_t, LogEntry>& log) {
    std::set<std::string> stored;
    std::map<std::string, std::uint64_t> stream_version;
    for (const auto& [position, e] : log) {
      stored.insert(e.trace);
      stream_version[e.stream] = std::max(stream_version[e.stream], e.version);
    }
    for (std::size_t w = 0; w < lanes_.size(); ++w) {
      const Lane& lane = lanes_[w];
      auto org = admin("GET", "/api/v1/organizations/" + lane.organization_id, {}, 200);
      EXPECT_EQ(org.at("updateVersion").to_number<std::uint64_t>(),
                stream_version["organization-" + lane.organization_id]);
      std::optional<std::string> description;
      std::optional<bool> member;
      for (const auto& sent : lane.sent) {
        if (!stored.contains(sent.trace_id)) continue;
        if (sent.op == Op::update) description = sent.detail;
        if (sent.op == Op::move_in || sent.op == Op::move_out) member = sent.op == Op::move_in;
        if (sent.op == Op::create) {
          auto found =
              admin("GET", "/api/v1/organizations?sort=name&pageSize=1&q=" + sent.detail, {}, 200);
          EXPECT_EQ(found.at("pageInfo").at("totalElements").as_int64(), 1) << sent.detail;
        }
      }
      for (const auto& sent : lane.sent) {
        if (sent.op != Op::create || stored.contains(sent.trace_id)) continue;
        auto found =
            admin("GET", "/api/v1/organizations?sort=name&pageSize=1&q=" + sent.detail, {}, 200);
        EXPECT_EQ(found.at("pageInfo").at("totalElements").as_int64(), 0) << sent.detail;
      }
      if (description) {
        EXPECT_EQ(text(org, "description"), *description);
      }
      if (member) {
        auto customer = admin("GET", "/api/v1/customers/" + lane.customer_id, {}, 200);
        EXPECT_EQ(text(customer, "organizationId") == lane.organization_id, *member);
      }
    }
  }

  std::filesystem::path dir_;
  std::mt19937_64 random_;
  std::unique_ptr<OrgdProcess> orgd_;
  std::uint16_t port_{0};
  std::unique_ptr<test::HttpClient> client_;
  std::string admin_token_;
  std::string contract_id_;
  std::vector<Lane> lanes_;
};

int kill_points() {
  const char* configured = std::getenv("ORGD_CRASH_KILL_POINTS");
  return configured != nullptr ? std::max(1, std::atoi(configured)) : 20;
}

TEST_F(Crash, EveryAcknowledgedCommandSurvivesKillDashNine) {
  ASSERT_NO_FATAL_FAILURE(start());
  create_lanes();
  const int rounds = kill_points();
  Tally total;
  for (int round = 0; round < rounds; ++round) {
    SCOPED_TRACE("kill point " + std::to_string(round + 1));
    prepare_round(round);
    std::atomic<bool> stop{false};
    std::vector<std::thread> connections;
    for (int w = 0; w < kConnections; ++w) {
      connections.emplace_back([this, w, seed = random_(), &stop] { drive(w, seed, stop); });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + random_() % 750));
    orgd_->kill_now();
    stop = true;
    for (auto& c : connections) c.join();
    client_.reset();

    auto verify = run_shell(std::string(ORGCTL_BINARY) + " --data-dir " + data_dir() + " verify");
    ASSERT_EQ(verify.exit_code, 0) << verify.output;
    const auto log = export_log();
    const Tally tally = check_against_log(log);
    total.acknowledged += tally.acknowledged;
    total.lost += tally.lost;
    total.refused += tally.refused;
    total.phantom += tally.phantom;
    total.unanswered += tally.unanswered;
    ASSERT_NO_FATAL_FAILURE(start());
    admin_token_ = login(kAdminEmail, kAdminPassword);
    check_read_models(log);
    if (HasFailure()) break;
  }
  EXPECT_GT(total.acknowledged, rounds) << "the load must have had acknowledged commands";
  std::printf(
      "crash: %d kill points, %d acknowledged commands checked, %d lost; %d refused, %d of them "
      "stored; %d in flight at a kill\n",
      rounds, total.acknowledged, total.lost, total.refused, total.phantom, total.unanswered);
}

}  // namespace
}  // namespace orgd::crash
