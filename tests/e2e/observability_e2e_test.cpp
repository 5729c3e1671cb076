// Metrics, traces and logs of the real server: exact metric deltas after a scripted sequence,
// promtool's verdict on the output, W3C traceparent, readiness with a stopped projection, and
// the logs of a whole run of the orgd binary (JSON lines, one access line per request, no
// password, token or email anywhere; text lines naming their logger; online rebuilds and the
// debug level's lines).

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "api/log_setup.hpp"
#include "tests/e2e/orgd_fixture.hpp"
#include "tests/e2e/subprocess.hpp"
#include "tests/support/metrics_text.hpp"

namespace orgd::e2e {
namespace {

using test::delta;
using test::parse_metrics;
using test::series;

constexpr std::string_view kOrgs = "/api/v1/organizations";
constexpr std::string_view kOrg = "/api/v1/organizations/{id}";

class Observability : public OrgdTest {
 protected:
  std::map<std::string, double> scrape() {
    auto r = client_->request("GET", "/metrics");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.header("Content-Type").starts_with("text/plain; version=0.0.4")) << r.header("Content-Type");
    last_scrape_ = r.body;
    return parse_metrics(r.body);
  }
  static std::string requests(std::string_view route, std::string_view method, int status) {
    return series("orgd_http_requests_total", {{"route", std::string(route)},
                                               {"method", std::string(method)},
                                               {"status", std::to_string(status)}});
  }
  static std::string commands(std::string_view command, std::string_view outcome) {
    return series("orgd_commands_total",
                  {{"command", std::string(command)}, {"outcome", std::string(outcome)}});
  }
  std::string last_scrape_;
};

TEST_F(Observability, MetricsCountAScriptedSequenceExactly) {
  const std::string token = login();  // before the baseline: its own metrics are not counted
  token_ = token;
  const std::uint64_t head_before = head();
  const auto before = scrape();

  auto created = call("POST", std::string(kOrgs), R"({"name":"Metered"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = str(json(created), "id");
  const std::string path = std::string(kOrgs) + "/" + id;
  EXPECT_EQ(call("GET", path).status, 200);
  EXPECT_EQ(call("GET", std::string(kOrgs) + "/0190f2a4-5b6c-7d8e-9f01-23456789abcd").status, 404);
  EXPECT_EQ(call("PUT", path, R"({"description":"x","updateVersion":7})").status, 409);  // stale
  EXPECT_EQ(call("PUT", path, R"({"description":"x"})").status, 428);  // before any command
  EXPECT_EQ(call("PUT", path, R"({"description":"y","updateVersion":1})").status, 200);
  EXPECT_EQ(call("POST", std::string(kOrgs), R"({"name":"Metered"})").status, 409);  // taken
  EXPECT_EQ(call("GET", "/no/such/path").status, 404);
  EXPECT_EQ(call("DELETE", "/healthz").status, 405);
  EXPECT_EQ(call("BREW", "/healthz").status, 405);
  const std::uint64_t head_after = head();

  const auto after = scrape();
  EXPECT_EQ(delta(before, after, requests("/metrics", "GET", 200)), 1);  // the baseline scrape
  EXPECT_EQ(delta(before, after, requests(kOrgs, "POST", 201)), 1);
  EXPECT_EQ(delta(before, after, requests(kOrgs, "POST", 409)), 1);
  EXPECT_EQ(delta(before, after, requests(kOrg, "GET", 200)), 1);
  EXPECT_EQ(delta(before, after, requests(kOrg, "GET", 404)), 1);
  EXPECT_EQ(delta(before, after, requests(kOrg, "PUT", 409)), 1);
  EXPECT_EQ(delta(before, after, requests(kOrg, "PUT", 428)), 1);
  EXPECT_EQ(delta(before, after, requests(kOrg, "PUT", 200)), 1);
  EXPECT_EQ(delta(before, after, requests("unmatched", "GET", 404)), 1);
  EXPECT_EQ(delta(before, after, requests("/healthz", "DELETE", 405)), 1);
  EXPECT_EQ(delta(before, after, requests("/healthz", "other", 405)), 1);
  EXPECT_EQ(delta(before, after, requests("/api/v1/sessions", "POST", 201)), 0);

  const auto durations = [&](std::string_view route, std::string_view method) {
    return delta(before, after,
                 series("orgd_http_request_duration_seconds_count",
                        {{"route", std::string(route)}, {"method", std::string(method)}}));
  };
  EXPECT_EQ(durations(kOrg, "GET"), 2);
  EXPECT_EQ(durations(kOrg, "PUT"), 3);
  EXPECT_EQ(durations(kOrgs, "POST"), 2);

  EXPECT_EQ(delta(before, after, commands("CreateOrganization", "ok")), 1);
  EXPECT_EQ(delta(before, after, commands("CreateOrganization", "conflict")), 1);
  EXPECT_EQ(delta(before, after, commands("UpdateOrganization", "ok")), 1);
  EXPECT_EQ(delta(before, after, commands("UpdateOrganization", "conflict")), 1);
  EXPECT_EQ(delta(before, after, commands("UpdateOrganization", "rejected")), 0);  // 428: no command
  EXPECT_EQ(delta(before, after, commands("StartSession", "ok")), 0);

  // Two commands appended (the create, the update): two requests over one or two batches.
  const double events = static_cast<double>(head_after - head_before);
  EXPECT_GT(events, 0);
  EXPECT_EQ(delta(before, after, "orgd_eventstore_events_appended_total"), events);
  EXPECT_EQ(delta(before, after, "orgd_eventstore_append_batch_size_sum"), 2);
  const double batches = delta(before, after, "orgd_eventstore_append_batch_size_count");
  EXPECT_GE(batches, 1);
  EXPECT_LE(batches, 2);
  EXPECT_EQ(delta(before, after, "orgd_eventstore_fsync_duration_seconds_count"), batches);
  EXPECT_EQ(delta(before, after, "orgd_eventstore_write_failures_total"), 0);

  // Read-your-writes: every projection has applied the log when the scrape is answered.
  EXPECT_EQ(after.at("orgd_eventstore_head_position"), static_cast<double>(head_after));
  int projections = 0;
  for (const auto& [key, value] : after) {
    if (key.starts_with("orgd_projection_checkpoint_position{")) {
      ++projections;
      EXPECT_EQ(value, static_cast<double>(head_after)) << key;
    }
    if (key.starts_with("orgd_projection_lag_events{")) {
      EXPECT_EQ(value, 0) << key;
    }
    if (key.starts_with("orgd_projection_stopped{")) {
      EXPECT_EQ(value, 0) << key;
    }
  }
  EXPECT_GE(projections, 2);
  EXPECT_GE(after.at("orgd_http_open_connections"), 1);
  EXPECT_TRUE(after.contains("orgd_rocksdb_live_sst_files_size_bytes")) << last_scrape_;
  EXPECT_TRUE(after.contains("orgd_rocksdb_estimate_pending_compaction_bytes"));
  EXPECT_GT(after.at("orgd_rocksdb_cur_size_all_mem_tables_bytes"), 0);
}

TEST_F(Observability, RouteLabelsAreTemplatesNeverRawPaths) {
  token_ = login();
  for (int i = 0; i < 3; ++i) {
    call("GET", std::string(kOrgs) + "/0190f2a4-5b6c-7d8e-9f01-00000000000" + std::to_string(i));
    call("GET", "/unknown-" + std::to_string(i) + "?email=someone@example.com");
  }
  scrape();
  EXPECT_EQ(last_scrape_.find("0190f2a4-5b6c"), std::string::npos);
  EXPECT_EQ(last_scrape_.find("unknown-"), std::string::npos);
  EXPECT_EQ(last_scrape_.find("example.com"), std::string::npos);
}

TEST_F(Observability, PromtoolAcceptsTheMetrics) {
  if (!on_path("promtool")) GTEST_SKIP() << "promtool is not installed (tools/setup installs it)";
  token_ = login();
  create_org("Scraped");
  call("GET", "/nowhere");
  scrape();
  const auto file = dir_.path() / "metrics.txt";
  std::ofstream(file) << last_scrape_;
  const auto result = run_shell("promtool check metrics < " + file.string(), 60);
  EXPECT_EQ(result.exit_code, 0) << result.output << "\n" << last_scrape_;
  EXPECT_EQ(result.output, "") << "promtool's lint findings";
}

TEST_F(Observability, TraceparentBecomesTheTraceId) {
  const std::string traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  auto r = client_->request("GET", "/api/v1/me", {}, {{"traceparent", traceparent}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("X-Trace-Id"), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(str(json(r), "traceId"), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(r.header("Vary"), "Authorization") << "every answer depends on the caller's token";

  auto invalid = client_->request("GET", "/healthz", {}, {{"traceparent", "00-zz-01"}});
  EXPECT_EQ(invalid.header("X-Trace-Id").size(), 32u);
  EXPECT_NE(invalid.header("X-Trace-Id"), "4bf92f3577b34da6a3ce929d0e0e4736");
}

// A client may send one traceparent with many commands (one trace, many operations); each
// command still gets a correlation id of its own, which starts with the trace id. Without a
// traceparent the correlation id is the request's own trace id.
TEST_F(Observability, EveryCommandHasItsOwnCorrelationIdUnderOneTrace) {
  const std::string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
  const std::string traceparent = "00-" + trace + "-00f067aa0ba902b7-01";
  const auto first_position = head() + 1;
  std::vector<std::string> traces;
  for (const char* name : {"Acme", "Globex"}) {
    auto headers = auth(login());
    headers.emplace_back("traceparent", traceparent);
    auto r = client_->request("POST", "/api/v1/organizations",
                              R"({"name":")" + std::string(name) + "\"}", headers);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.header("X-Trace-Id"), trace);
  }
  auto plain = call("POST", "/api/v1/organizations", R"({"name":"Initech"})");
  ASSERT_EQ(plain.status, 201) << plain.body;
  auto log = app_->store().read_all(first_position, 1000);
  ASSERT_TRUE(log.has_value());
  std::set<std::string> under_trace;
  bool plain_seen = false;
  for (const auto& e : *log) {
    if (e.correlation_id.starts_with(trace + "-")) under_trace.insert(e.correlation_id);
    if (e.correlation_id == plain.header("X-Trace-Id")) plain_seen = true;
  }
  EXPECT_EQ(under_trace.size(), 2u) << "one correlation id per command";
  EXPECT_TRUE(plain_seen) << "without a traceparent, the trace id itself";
}

TEST_F(Observability, AStoppedProjectionShowsInReadyzAndMetrics) {
  EXPECT_EQ(client_->request("GET", "/readyz").status, 200);
  // An event no projection can decode: they stop right before it, and say so.
  eventstore::AppendRequest poison;
  poison.actor = "system";
  poison.correlation_id = "test";
  poison.streams.push_back({"poison-1", eventstore::ExpectedVersion::any(),
                            {{"NoSuchEventType", 1, "not cereal"}}});
  ASSERT_TRUE(app_->store().append(std::move(poison)));
  test::HttpResult ready;
  for (int i = 0; i < 200; ++i) {
    ready = client_->request("GET", "/readyz");
    if (ready.status == 503) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(ready.status, 503) << ready.body;
  EXPECT_EQ(str(json(ready), "status"), "not-ready");
  EXPECT_NE(ready.body.find("NoSuchEventType"), std::string::npos) << ready.body;

  const auto metrics = scrape();
  int stopped = 0;
  for (const auto& [key, value] : metrics) {
    if (key.starts_with("orgd_projection_stopped{") && value == 1) ++stopped;
    if (key.starts_with("orgd_projection_lag_events{")) {
      EXPECT_EQ(value, 1) << key;
    }
  }
  EXPECT_GE(stopped, 1) << last_scrape_;
}

// The JSON lines of `text` whose msg starts with `prefix`.
std::vector<boost::json::object> lines_starting(const std::string& text, std::string_view prefix) {
  std::vector<boost::json::object> found;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    boost::system::error_code ec;
    auto parsed = boost::json::parse(line, ec);
    if (ec || !parsed.is_object() || !parsed.as_object().contains("msg")) continue;
    if (parsed.at("msg").as_string().starts_with(prefix)) found.push_back(parsed.as_object());
  }
  return found;
}

// A rebuild that fails says why, at error: here one of a projection stopped on an event it
// cannot apply (those are rebuilt offline).
TEST_F(Observability, AFailedOnlineRebuildIsLoggedAsAnError) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  sink->set_formatter(api::json_log_formatter());
  const auto previous = spdlog::default_logger();
  // Before the server's threads start, which log through it.
  client_.reset();
  app_.reset();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("orgd", sink));
  start();
  const std::string token = login();
  eventstore::AppendRequest poison;
  poison.actor = "system";
  poison.correlation_id = "test";
  poison.streams.push_back(
      {"poison-1", eventstore::ExpectedVersion::any(), {{"NoSuchEventType", 1, "not cereal"}}});
  ASSERT_TRUE(app_->store().append(std::move(poison)));
  auto started =
      client_->request("POST", "/api/v1/projections/organizations/rebuild", {}, auth(token));
  ASSERT_EQ(started.status, 202) << started.body;
  const auto status = await_rebuild(*client_, auth(token), "organizations");
  EXPECT_EQ(status.at("rebuild").at("state").as_string(), "failed") << status;
  client_.reset();
  app_.reset();  // joins the rebuild's thread, which logs after its status changed
  spdlog::set_default_logger(previous);

  const std::string text = out.str();
  const auto failed = lines_starting(text, "online rebuild of organizations failed after ");
  ASSERT_EQ(failed.size(), 1u) << text;
  EXPECT_EQ(failed[0].at("level"), "error");
  const std::string why(status.at("rebuild").at("error").as_string());
  EXPECT_FALSE(why.empty());
  EXPECT_TRUE(failed[0].at("msg").as_string().ends_with(": " + why)) << failed[0];
  EXPECT_EQ(lines_starting(text, "online rebuild of organizations started: ").size(), 1u) << text;
}

// ---- the orgd binary's logs ---------------------------------------------------------------

struct BinaryRun {
  std::string stderr_text;
  int requests{0};  // HTTP requests the script sent
  std::vector<std::string> secrets;
  int exit_code{-1};
};

// Starts the orgd binary, drives a session that handles passwords, tokens and emails in
// bodies, headers, query strings and paths, stops it, and returns what it wrote on stderr.
BinaryRun run_orgd_binary(const std::filesystem::path& dir, const std::string& log_format) {
  BinaryRun run;
  const std::string admin_email = "root.operator@orgd-logs.test";
  const std::string admin_password = "admin-Pa55word-never-logged";
  const std::string owner_email = "founder.person@signup-logs.test";
  const std::string owner_password = "owner-Pa55word-never-logged";
  const std::string member_email = "member.person@member-logs.test";
  const auto stderr_file = dir / ("orgd-" + log_format + ".log");
  OrgdProcess orgd(ORGD_BINARY,
                   {"--listen", "127.0.0.1:0", "--data-dir", (dir / ("data-" + log_format)).string(),
                    "--log-format", log_format, "--log-level", "debug"},
                   {{"ORGD_ADMIN_EMAIL", admin_email}, {"ORGD_ADMIN_PASSWORD", admin_password}},
                   stderr_file);
  const std::uint16_t port = orgd.wait_for_port();
  if (port == 0) {
    ADD_FAILURE() << "orgd did not start: " << read_text(stderr_file);
    return run;
  }
  test::HttpClient client(port);
  const auto send = [&](const std::string& method, const std::string& target,
                        const std::string& body = {}, test::Headers headers = {}) {
    ++run.requests;
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return client.request(method, target, body, headers);
  };
  auto admin = send("POST", "/api/v1/sessions",
                    R"({"email":")" + admin_email + R"(","password":")" + admin_password + R"("})");
  EXPECT_EQ(admin.status, 201) << admin.body;
  const std::string admin_token = str(json(admin), "securityToken");
  const test::Headers as_admin{{"Authorization", "Bearer " + admin_token}};
  auto signup = send("POST", "/api/v1/signup",
                     R"({"organizationName":"Logged Org","organizationDescription":"","firstName":"F","lastName":"L","userDescription":"","userEmailAddress":")" +
                         owner_email + R"(","userPassword":")" + owner_password +
                         R"(","agreeToTermsAndPolicies":1})");
  EXPECT_EQ(signup.status, 201) << signup.body;
  const std::string owner_token = str(json(signup), "securityToken");
  auto member = send("POST", "/api/v1/customers",
                     R"({"email":")" + member_email +
                         R"(","password":"member-Pa55word-never-logged","firstName":"M","lastName":"P"})",
                     {{"Authorization", "Bearer " + owner_token}});
  EXPECT_EQ(member.status, 201) << member.body;
  send("GET", "/api/v1/organizations?q=" + owner_email, {}, as_admin);           // email in a query
  send("GET", "/api/v1/customers/" + member_email, {}, as_admin);                // email as an id
  send("GET", "/api/v1/me?token=" + owner_token, {}, {{"Authorization", "Bearer " + owner_token}});
  send("POST", "/api/v1/sessions",
       R"({"email":")" + owner_email + R"(","password":"wrong-Pa55word-never-logged"})");
  send("GET", "/api/v1/me", {}, {{"Authorization", "Bearer " + owner_token + "x"}});  // bad token
  send("GET", "/healthz", {}, {{"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}});
  send("POST", "/api/v1/organizations", "{not json", as_admin);
  send("DELETE", "/api/v1/sessions/current", {}, {{"Authorization", "Bearer " + owner_token}});
  send("GET", "/metrics");
  run.exit_code = orgd.stop();
  run.stderr_text = read_text(stderr_file);
  const auto secret_of = [](const std::string& token) { return token.substr(token.find('.') + 1); };
  run.secrets = {admin_password,   owner_password, "member-Pa55word-never-logged",
                 "wrong-Pa55word-never-logged", admin_email, owner_email, member_email,
                 "orgd-logs.test", "signup-logs.test", "member-logs.test",
                 secret_of(admin_token), secret_of(owner_token)};
  return run;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// What --log-level takes (but off), and so what the lines may say.
const std::set<std::string> kLevelNames = {"trace", "debug", "info", "warn", "error", "critical"};

class OrgdBinaryLogs : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(OrgdBinaryLogs, AJsonRunLogsEveryRequestAsOneObjectPerLineWithoutSecrets) {
  const BinaryRun run = run_orgd_binary(dir_.path(), "json");
  ASSERT_FALSE(run.stderr_text.empty());
  EXPECT_EQ(run.exit_code, 0);
  int access_lines = 0;
  bool traced = false;
  std::set<std::string> routes;
  for (const auto& line : lines_of(run.stderr_text)) {
    boost::system::error_code ec;
    const auto parsed = boost::json::parse(line, ec);
    ASSERT_FALSE(ec) << "not JSON: " << line;
    ASSERT_TRUE(parsed.is_object()) << line;
    const auto& object = parsed.as_object();
    EXPECT_TRUE(object.contains("time") && object.contains("level") && object.contains("msg"))
        << line;
    EXPECT_TRUE(kLevelNames.contains(std::string(object.at("level").as_string()))) << line;
    if (object.contains("logger") && object.at("logger") == "access") {
      ++access_lines;
      for (const auto* field : {"method", "route", "status", "duration_ms", "trace_id"}) {
        EXPECT_TRUE(object.contains(field)) << field << " missing in " << line;
      }
      EXPECT_EQ(object.at("trace_id").as_string().size(), 32u) << line;
      routes.insert(std::string(object.at("route").as_string()));
      traced = traced || object.at("trace_id") == "0af7651916cd43dd8448eb211c80319c";
    }
  }
  EXPECT_EQ(access_lines, run.requests);
  EXPECT_TRUE(traced) << "the traceparent's trace id is in the access log";
  for (const auto& write : lines_starting(run.stderr_text, "event log write: ")) {
    EXPECT_EQ(write.at("level"), "debug") << write;
    EXPECT_EQ(write.at("logger"), "orgd") << write;
  }
  EXPECT_FALSE(lines_starting(run.stderr_text, "event log write: ").empty()) << run.stderr_text;
  EXPECT_TRUE(routes.contains("/api/v1/customers/{id}"));
  EXPECT_TRUE(routes.contains("/api/v1/signup"));
  for (const auto& secret : run.secrets) {
    EXPECT_EQ(run.stderr_text.find(secret), std::string::npos) << "logged: " << secret;
  }
}

TEST_F(OrgdBinaryLogs, ATextRunLogsOneLinePerRequestWithoutSecrets) {
  const BinaryRun run = run_orgd_binary(dir_.path(), "text");
  ASSERT_FALSE(run.stderr_text.empty());
  int access_lines = 0;
  int debug_lines = 0;
  const std::regex form(
      R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (trace|debug|info|warn|error|critical) (orgd|access) .+)");
  for (const auto& line : lines_of(run.stderr_text)) {
    std::smatch parts;
    ASSERT_TRUE(std::regex_match(line, parts, form)) << line;
    if (parts[2] == "access") {
      ++access_lines;
      EXPECT_NE(line.find("trace_id="), std::string::npos) << line;
    }
    if (parts[1] == "debug") ++debug_lines;
  }
  EXPECT_EQ(access_lines, run.requests);
  EXPECT_GT(debug_lines, 0) << run.stderr_text;
  for (const auto& secret : run.secrets) {
    EXPECT_EQ(run.stderr_text.find(secret), std::string::npos) << "logged: " << secret;
  }
}

// An online rebuild says when it starts and how it ended (it logged nothing); --log-level
// debug adds the event log's writes and the projections' batches, and info leaves them out.
TEST_F(OrgdBinaryLogs, AnOnlineRebuildIsLoggedAndDebugAddsTheWritesAndTheBatches) {
  const std::string data = (dir_.path() / "data").string();
  const auto debug_log = dir_.path() / "debug.log";
  const std::map<std::string, std::string> admin = {{"ORGD_ADMIN_EMAIL", kAdminEmail},
                                                    {"ORGD_ADMIN_PASSWORD", kAdminPassword}};
  const auto sign_in = [](test::HttpClient& client) {
    const auto r = client.request(
        "POST", "/api/v1/sessions",
        R"({"email":")" + std::string(kAdminEmail) + R"(","password":")" + kAdminPassword + R"("})",
        {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return test::Headers{{"Authorization", "Bearer " + str(json(r), "securityToken")},
                         {"Content-Type", "application/json"}};
  };
  std::uint64_t replayed = 0;
  {
    OrgdProcess orgd(ORGD_BINARY,
                     {"--listen", "127.0.0.1:0", "--data-dir", data, "--log-level", "debug"}, admin,
                     debug_log);
    const std::uint16_t port = orgd.wait_for_port();
    ASSERT_NE(port, 0) << read_text(debug_log);
    test::HttpClient client(port);
    const auto as_admin = sign_in(client);
    EXPECT_EQ(
        client.request("POST", "/api/v1/organizations", R"({"name":"Logged"})", as_admin).status,
        201);
    const auto asked =
        client.request("POST", "/api/v1/projections/organizations/rebuild", {}, as_admin);
    ASSERT_EQ(asked.status, 202) << asked.body;
    const auto status = await_rebuild(client, as_admin, "organizations");
    ASSERT_EQ(status.at("rebuild").at("state").as_string(), "done") << status;
    replayed = status.at("rebuild").at("done").to_number<std::uint64_t>();
    EXPECT_EQ(orgd.stop(), 0);
  }
  const std::string text = read_text(debug_log);
  const auto started = lines_starting(text, "online rebuild of organizations started: ");
  ASSERT_EQ(started.size(), 1u) << text;
  EXPECT_EQ(started[0].at("level"), "info");
  EXPECT_EQ(started[0].at("logger"), "orgd");
  const auto done =
      lines_starting(text, "online rebuild of organizations done: " + std::to_string(replayed) +
                               " events replayed in ");
  ASSERT_EQ(done.size(), 1u) << text;
  EXPECT_EQ(done[0].at("level"), "info");
  EXPECT_TRUE(done[0].at("msg").as_string().ends_with(" s")) << done[0];
  const auto writes = lines_starting(text, "event log write: ");
  ASSERT_FALSE(writes.empty()) << text;
  EXPECT_EQ(writes[0].at("level"), "debug");
  EXPECT_TRUE(std::regex_match(
      std::string(writes.back().at("msg").as_string()),
      std::regex(
          R"(event log write: \d+ requests, \d+ events, \d+ bytes, synced in \d+\.\d{3} ms)")))
      << writes.back();
  const auto batches = lines_starting(text, "projections applied positions ");
  ASSERT_FALSE(batches.empty()) << text;
  EXPECT_EQ(batches[0].at("level"), "debug");

  // At info (the default), none of those; without ORGD_ADMIN_EMAIL a warning, named "warn".
  const auto info_log = dir_.path() / "info.log";
  {
    OrgdProcess orgd(ORGD_BINARY, {"--listen", "127.0.0.1:0", "--data-dir", data}, {}, info_log);
    const std::uint16_t port = orgd.wait_for_port();
    ASSERT_NE(port, 0) << read_text(info_log);
    test::HttpClient client(port);
    EXPECT_EQ(
        client.request("POST", "/api/v1/organizations", R"({"name":"Quiet"})", sign_in(client))
            .status,
        201);
    EXPECT_EQ(orgd.stop(), 0);
  }
  const std::string quiet = read_text(info_log);
  EXPECT_TRUE(lines_starting(quiet, "event log write: ").empty()) << quiet;
  EXPECT_TRUE(lines_starting(quiet, "projections applied ").empty()) << quiet;
  EXPECT_EQ(quiet.find(R"("level":"debug")"), std::string::npos) << quiet;
  const auto unset = lines_starting(quiet, "ORGD_ADMIN_EMAIL is not set");
  ASSERT_EQ(unset.size(), 1u) << quiet;
  EXPECT_EQ(unset[0].at("level"), "warn");
}

}  // namespace
}  // namespace orgd::e2e
