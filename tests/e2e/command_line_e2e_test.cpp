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

TEST(CommandLine, ListensOnLocalhostByName) {
  TempDir dir;
  OrgdProcess orgd(kOrgd, {"--listen", "localhost:0", "--data-dir", (dir.path() / "data").string()},
                   {}, dir.path() / "stderr.log");
  EXPECT_NE(orgd.wait_for_port(), 0) << "refused localhost";
  EXPECT_EQ(orgd.stop(), 0);
}

}  // namespace
}  // namespace orgd::e2e
