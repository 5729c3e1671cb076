// The orgd binary's command line: exit codes, what --help tells, and --listen's forms.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "orgd_fixture.hpp"
#include "subprocess.hpp"

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

TEST(CommandLine, ListensOnLocalhostByName) {
  TempDir dir;
  OrgdProcess orgd(kOrgd, {"--listen", "localhost:0", "--data-dir", (dir.path() / "data").string()},
                   {}, dir.path() / "stderr.log");
  EXPECT_NE(orgd.wait_for_port(), 0) << "refused localhost";
  EXPECT_EQ(orgd.stop(), 0);
}

}  // namespace
}  // namespace orgd::e2e
