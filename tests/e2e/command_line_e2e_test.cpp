// The orgd binary's command line: exit codes, what --help tells, and --listen's forms.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "orgd_fixture.hpp"
#include "subprocess.hpp"
#include "tests/support/metrics_text.hpp"

namespace orgd::e2e {
namespace {

const std::string kOrgd = ORGD_BINARY;

TEST(CommandLine, BadUsageExitsTwoAndHelpNamesTheEnvironmentOnlySettings) {
  const auto unknown = run_shell(kOrgd + " --no-such-flag", 30);
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  const auto out_of_range = run_shell(kOrgd + " --token-ttl 0", 30);
  EXPECT_EQ(out_of_range.exit_code, 2) << out_of_range.output;
  const auto from_env = run_shell("ORGD_LOG_LEVEL=loud " + kOrgd, 30);
  EXPECT_EQ(from_env.exit_code, 2) << from_env.output;
  // Not an IP address, [IPv6] or localhost, or not a port: bad usage, before any start.
  for (const char* listen : {"nowhere", "example.com:80", "127.0.0.1:80x", "127.0.0.1:70000",
                             "127.0.0.1:", "[::1:8080", "::1:8080"}) {
    const auto refused = run_shell(kOrgd + " --listen '" + listen + "'", 30);
    EXPECT_EQ(refused.exit_code, 2) << listen << ": " << refused.output;
  }
  for (const char* proxies : {"proxy.example", "10.0.0.0/33", "10.1.0.0/8", "::ffff:10.0.0.0/8"}) {
    const auto refused = run_shell(kOrgd + " --trusted-proxies '" + proxies + "'", 30);
    EXPECT_EQ(refused.exit_code, 2) << proxies << ": " << refused.output;
    EXPECT_NE(refused.output.find("--trusted-proxies"), std::string::npos) << refused.output;
  }
  const auto help = run_shell(kOrgd + " --help", 30);
  EXPECT_EQ(help.exit_code, 0) << help.output;
  EXPECT_NE(help.output.find("ORGD_ADMIN_EMAIL"), std::string::npos) << help.output;
  EXPECT_NE(help.output.find("ORGD_ADMIN_PASSWORD"), std::string::npos) << help.output;
  const auto help_despite = run_shell("ORGD_LOG_LEVEL=loud " + kOrgd + " --help", 30);
  EXPECT_EQ(help_despite.exit_code, 0) << "a bad variable hid the help: " << help_despite.output;
  EXPECT_EQ(help_despite.output, help.output);
  const auto as_a_value = run_shell(kOrgd + " --data-dir --help --no-such-flag", 30);
  EXPECT_EQ(as_a_value.exit_code, 2) << "--help as --data-dir's value is no request for help";
}

// A SuperAdmin that cannot be created from ORGD_ADMIN_*, or a Swagger UI directory without
// the files, is the operator's setting at fault, as a bad flag is: exit 2 (until 2026-12-05 it was
// 1, a failed start). A data directory that cannot be opened is a failed start: exit 1.
TEST(CommandLine, ASuperAdminThatCannotBeCreatedIsBadUsageAndAnUnopenableStoreAFailedStart) {
  TempDir dir;
  const std::string orgd = kOrgd + " --listen 127.0.0.1:0 --data-dir ";
  const auto short_password =
      run_shell("ORGD_ADMIN_EMAIL=root@example.com ORGD_ADMIN_PASSWORD=short " + orgd +
                    (dir.path() / "a").string(),
                60);
  EXPECT_EQ(short_password.exit_code, 2) << short_password.output;
  EXPECT_NE(short_password.output.find("must have 8 to 1024 characters"), std::string::npos)
      << short_password.output;
  // Characters, not bytes: seven of two bytes each are too few, 1,025 too many (a login could
  // not carry it).
  for (const std::string& password :
       {std::string("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"),
        std::string(1025, 'a')}) {
    const auto refused = run_shell("ORGD_ADMIN_EMAIL=root@example.com ORGD_ADMIN_PASSWORD='" +
                                       password + "' " + orgd + (dir.path() / "p").string(),
                                   60);
    EXPECT_EQ(refused.exit_code, 2) << refused.output;
  }
  const auto bad_email = run_shell("ORGD_ADMIN_EMAIL=nobody ORGD_ADMIN_PASSWORD=long-enough " +
                                       orgd + (dir.path() / "b").string(),
                                   60);
  EXPECT_EQ(bad_email.exit_code, 2) << bad_email.output;
  EXPECT_NE(bad_email.output.find("email must be an email address"), std::string::npos)
      << bad_email.output;
  const auto no_swagger_ui = run_shell(
      orgd + (dir.path() / "c").string() + " --swagger-ui-dir " + (dir.path() / "none").string(),
      60);
  EXPECT_EQ(no_swagger_ui.exit_code, 2) << no_swagger_ui.output;
  const auto not_a_directory = run_shell(
      "echo > " + (dir.path() / "file").string() + " && " + orgd + (dir.path() / "file").string(),
      60);
  EXPECT_EQ(not_a_directory.exit_code, 1) << not_a_directory.output;
}

// In text logs a record is one line whatever its message holds: a data directory named with a
// newline wrote a second line of its own making (the twenty-ninth session's review), and
// orgd's own lines did not name their logger as the access log's do.
TEST(CommandLine, TextLogsNameTheLoggerAndEscapeANewlineInADataDirectorysName) {
  TempDir dir;
  const auto data = dir.path() / "data\n2024-05-01T12:00:00.000Z info orgd serving";
  std::ofstream(data) << "a file, not a directory: orgd cannot open it\n";
  const auto log = dir.path() / "stderr.log";
  OrgdProcess orgd(kOrgd,
                   {"--listen", "127.0.0.1:0", "--data-dir", data.string(), "--log-format", "text"},
                   {}, log);
  EXPECT_EQ(orgd.wait_for_port(), 0);
  EXPECT_EQ(orgd.stop(), 1);
  const std::string text = read_text(log);
  const std::regex form(
      R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (trace|debug|info|warn|error|critical) orgd .+)");
  std::istringstream lines(text);
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    EXPECT_TRUE(std::regex_match(line, form)) << line;
    EXPECT_FALSE(line.starts_with("2024-05-01T12:00:00.000Z")) << "a forged line: " << text;
  }
  EXPECT_GE(count, 2) << text;  // the open file limit, and the failure
  EXPECT_NE(text.find(" critical orgd orgd failed to start: cannot open " + dir.path().string() +
                      "/data\\n2024-05-01T12:00:00.000Z info orgd serving"),
            std::string::npos)
      << text;
}

// A taken port is found before the data directory is opened (or, here, even created): a
// start on a large store no longer opens it, perhaps rebuilding its read models, only to fail.
TEST(CommandLine, ATakenPortFailsTheStartBeforeTheDataDirectoryIsOpened) {
  TempDir dir;
  OrgdProcess first(kOrgd, {"--listen", "127.0.0.1:0", "--data-dir", (dir.path() / "a").string()},
                    {}, dir.path() / "first.log");
  const std::uint16_t port = first.wait_for_port();
  ASSERT_NE(port, 0) << read_text(dir.path() / "first.log");
  const auto second_dir = dir.path() / "b";
  const auto second = run_shell(
      kOrgd + " --listen 127.0.0.1:" + std::to_string(port) + " --data-dir " + second_dir.string(),
      60);
  EXPECT_EQ(second.exit_code, 1) << second.output;
  EXPECT_NE(second.output.find("cannot listen on 127.0.0.1:" + std::to_string(port)),
            std::string::npos)
      << second.output;
  EXPECT_FALSE(std::filesystem::exists(second_dir)) << "the data directory was opened first";
  EXPECT_EQ(first.stop(), 0);
}

// The wait for the read models before looking for a SuperAdmin is told only when it is worth
// telling (a store `orgctl seed` wrote): a new directory's first start said it too.
TEST(CommandLine, AFirstStartOnANewDirectoryCreatesTheSuperAdminWithoutAWaitToTell) {
  TempDir dir;
  const auto log = dir.path() / "stderr.log";
  OrgdProcess orgd(
      kOrgd, {"--listen", "127.0.0.1:0", "--data-dir", (dir.path() / "d").string()},
      {{"ORGD_ADMIN_EMAIL", "root@example.com"}, {"ORGD_ADMIN_PASSWORD", "long-enough-1"}}, log);
  ASSERT_NE(orgd.wait_for_port(), 0) << read_text(log);
  EXPECT_EQ(orgd.stop(), 0);
  const std::string text = read_text(log);
  EXPECT_NE(text.find("created the SuperAdmin"), std::string::npos) << text;
  EXPECT_EQ(text.find("root@example.com"), std::string::npos) << "no email in the log: " << text;
  EXPECT_EQ(text.find("looking for a SuperAdmin"), std::string::npos) << text;
}

TEST(CommandLine, ListensOnLocalhostByName) {
  TempDir dir;
  OrgdProcess orgd(kOrgd, {"--listen", "localhost:0", "--data-dir", (dir.path() / "data").string()},
                   {}, dir.path() / "stderr.log");
  EXPECT_NE(orgd.wait_for_port(), 0) << "refused localhost";
  EXPECT_EQ(orgd.stop(SIGHUP), 0) << "a hang-up stops it as cleanly as SIGTERM";
}

// The start line names the address as --listen takes it back.
TEST(CommandLine, TheStartLineBracketsAnIpv6Address) {
  EXPECT_EQ(api::listen_authority("::1", 8080), "[::1]:8080");
  EXPECT_EQ(api::listen_authority("127.0.0.1", 0), "127.0.0.1:0");
}

// Under --min-free-disk every command is 503 storage-unavailable and nothing is written;
// the first refusal is logged, once. A floor no disk reaches stands in for a full disk.
TEST(CommandLine, UnderTheFloorOfFreeSpaceCommandsAre503AndLoggedOnce) {
  TempDir dir;
  const std::string data = (dir.path() / "data").string();
  {
    OrgdProcess first(kOrgd, {"--listen", "127.0.0.1:0", "--data-dir", data}, {},
                      dir.path() / "first.log");
    ASSERT_NE(first.wait_for_port(), 0) << read_text(dir.path() / "first.log");
    EXPECT_EQ(first.stop(), 0);
  }
  const auto log = dir.path() / "floor.log";
  OrgdProcess orgd(kOrgd, {"--listen", "127.0.0.1:0", "--data-dir", data},
                   {{"ORGD_MIN_FREE_DISK", "1073741824"}}, log);
  const std::uint16_t port = orgd.wait_for_port();
  ASSERT_NE(port, 0) << read_text(log);
  test::HttpClient client(port);
  {  // said before any command, by /readyz and in the log
    const auto ready = client.request("GET", "/readyz");
    EXPECT_EQ(ready.status, 200) << ready.body;
    const auto log_state = json(ready).at("eventLog").as_object();
    EXPECT_FALSE(log_state.at("writable").as_bool()) << ready.body;
    EXPECT_NE(log_state.at("error").as_string().find("MiB kept free"), std::string::npos);
  }
  const std::string signup =
      R"({"organizationName":"Refused","firstName":"F","lastName":"L","userEmailAddress":"f@example.com","userPassword":"long-enough-1","agreeToTermsAndPolicies":1})";
  for (int i = 0; i < 3; ++i) {
    const auto r =
        client.request("POST", "/api/v1/signup", signup, {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(str(json(r), "type"), "urn:orgd:problem:storage-unavailable") << r.body;
    EXPECT_EQ(r.header("Retry-After"), "1");
  }
  EXPECT_EQ(orgd.stop(), 0);
  const std::string text = read_text(log);
  const std::string logged = "the event log cannot be written";
  const auto first = text.find(logged);
  ASSERT_NE(first, std::string::npos) << text;
  EXPECT_NE(text.find("MiB kept free", first), std::string::npos) << text;
  EXPECT_EQ(text.find(logged, first + 1), std::string::npos) << "logged more than once: " << text;
  for (const char* bad : {" --min-free-disk -1", " --min-free-disk 1073741825"}) {
    EXPECT_EQ(run_shell(kOrgd + bad, 30).exit_code, 2) << bad;
  }
}

// --block-cache sizes the one cache of every column family, and /metrics says what it holds:
// RocksDB's figure, read once for the whole store (summed per column family, it would be
// counted once for each).
TEST(CommandLine, TheBlockCacheIsAsLargeAsAsked) {
  TempDir dir;
  const std::string data = (dir.path() / "data").string();
  for (const auto& [mib, environment] :
       std::vector<std::pair<std::uint64_t, bool>>{{96, false}, {200, true}, {1024, false}}) {
    std::vector<std::string> args = {"--listen", "127.0.0.1:0", "--data-dir", data};
    std::map<std::string, std::string> env;
    if (environment) {
      env.emplace("ORGD_BLOCK_CACHE", std::to_string(mib));
    } else if (mib != 96) {
      args.insert(args.end(), {"--block-cache", std::to_string(mib)});
    }
    const auto log = dir.path() / ("cache-" + std::to_string(mib) + ".log");
    OrgdProcess orgd(kOrgd, args, env, log);
    const std::uint16_t port = orgd.wait_for_port();
    ASSERT_NE(port, 0) << read_text(log);
    const auto r = test::HttpClient(port).request("GET", "/metrics");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto samples = test::parse_metrics(r.body);
    EXPECT_EQ(samples.at("orgd_rocksdb_block_cache_capacity_bytes"), static_cast<double>(mib << 20))
        << mib << " MiB";
    // The memtables are charged to it from the start, so it is never empty.
    EXPECT_GT(samples.at("orgd_rocksdb_block_cache_usage_bytes"), 0) << r.body;
    EXPECT_LE(samples.at("orgd_rocksdb_block_cache_usage_bytes"), static_cast<double>(mib << 20));
    EXPECT_EQ(orgd.stop(), 0);
  }
  for (const char* bad : {" --block-cache 79", " --block-cache 1048577", " --block-cache 1g"}) {
    EXPECT_EQ(run_shell(kOrgd + bad, 30).exit_code, 2) << bad;
  }
}

}  // namespace
}  // namespace orgd::e2e
