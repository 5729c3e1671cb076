// orgctl as a user runs it: the real binary on a real data directory, checking exit codes
// and output.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include "eventstore/column_families.hpp"
#include "eventstore/key_encoding.hpp"
#include "eventstore/store.hpp"
#include "projections/online_rebuild.hpp"
#include "projections/projection_runner.hpp"
#include "projections/read_model_handles.hpp"
#include "tests/support/damage.hpp"

namespace orgd::tools {
namespace {

struct Outcome {
  int code{-1};
  std::string output;  // stdout and stderr together
};

class OrgctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("orgd-orgctl-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Outcome orgctl(const std::string& args, const std::string& data = "data") {
    const std::string command = std::string(ORGCTL_PATH) + " --data-dir '" +
                                (dir_ / data).string() + "' " + args + " 2>&1";
    Outcome run;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return run;
    char buffer[4096];
    for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) run.output.append(buffer, n);
    const int status = pclose(pipe);
    run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
  }

  void seed(int organizations = 50) {
    auto r = orgctl("seed --organizations " + std::to_string(organizations) +
                    " --events-per-organization 4");
    ASSERT_EQ(r.code, 0) << r.output;
    r = orgctl("rebuild all");
    ASSERT_EQ(r.code, 0) << r.output;
  }

  // Holds the data directory like a running orgd does (its LOCK).
  std::unique_ptr<eventstore::Store> hold(const std::string& data = "data") {
    eventstore::StoreOptions options;
    options.data_dir = dir_ / data;
    options.extra_column_families = projections::projection_column_families();
    auto store = eventstore::Store::open(options);
    EXPECT_TRUE(store.has_value());
    return store ? std::move(*store) : nullptr;
  }

  std::filesystem::path dir_;
};

TEST_F(OrgctlTest, EverySubcommandHasHelp) {
  for (const char* sub : {"", "history", "as-of", "export", "verify", "stats", "rebuild",
                          "compact", "backup", "restore", "seed"}) {
    auto r = orgctl(std::string(sub) + " --help");
    EXPECT_EQ(r.code, 0) << sub << ": " << r.output;
    EXPECT_NE(r.output.find("Usage:"), std::string::npos) << sub;
  }
  auto none = orgctl("");
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.output.find("a subcommand is required"), std::string::npos) << none.output;
  auto unknown = orgctl("frobnicate");
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.output.find("frobnicate"), std::string::npos)
      << "the word it does not know is named: " << unknown.output;
  EXPECT_EQ(orgctl("history").code, 2);  // the target is required
}

TEST_F(OrgctlTest, SeedStatsExportHistoryAndAsOf) {
  seed(50);
  auto stats = orgctl("--json stats");
  ASSERT_EQ(stats.code, 0) << stats.output;
  const auto json = boost::json::parse(stats.output);
  EXPECT_EQ(json.at("events").to_number<int>(), 200);
  EXPECT_EQ(json.at("streams").to_number<int>(), 50);
  EXPECT_EQ(json.at("eventsByType").at("OrganizationUpdated").to_number<int>(), 150);
  EXPECT_GT(json.at("diskBytes").to_number<std::uint64_t>(), 0u);

  auto exported = orgctl("export --out '" + (dir_ / "log.jsonl").string() + "'");
  ASSERT_EQ(exported.code, 0) << exported.output;
  std::ifstream lines(dir_ / "log.jsonl");
  std::string line, first;
  int count = 0;
  while (std::getline(lines, line)) {
    if (count++ == 0) first = line;
  }
  EXPECT_EQ(count, 200);
  const auto entry = boost::json::parse(first);
  EXPECT_EQ(entry.at("position").to_number<int>(), 1);
  EXPECT_EQ(entry.at("type").as_string(), "OrganizationCreated");

  const std::string id(entry.at("data").at("id").as_string());
  auto history = orgctl("--json history " + id);
  ASSERT_EQ(history.code, 0) << history.output;
  EXPECT_EQ(std::count(history.output.begin(), history.output.end(), '\n'), 4);
  auto as_of = orgctl("as-of " + id + " 1");
  ASSERT_EQ(as_of.code, 0) << as_of.output;
  // The seeder appends an organization's creation and its updates in one command: a position
  // inside it is taken to its last event.
  EXPECT_EQ(boost::json::parse(as_of.output).at("updateVersion").to_number<int>(), 4);
  EXPECT_EQ(orgctl("as-of " + id + " 0").code, 1);          // did not exist yet
  EXPECT_EQ(orgctl("as-of " + id + " yesterday").code, 2);  // not a position or time
  EXPECT_EQ(orgctl("history no-such-stream").code, 1);
  // Numbers out of range are bad usage, not a silent "everything" or "nothing".
  for (const std::string& bad :
       {"history " + id + " --limit -3", "history " + id + " --limit 0",
        "history " + id + " --limit 99999999999999999999", "history " + id + " --from -1",
        "history " + id + " --from 0", std::string("export --from -5"),
        std::string("seed --organizations -1")}) {
    auto r = orgctl(bad);
    EXPECT_EQ(r.code, 2) << bad << ": " << r.output;
  }
  auto limited = orgctl("--json history " + id + " --limit 2");
  EXPECT_EQ(std::count(limited.output.begin(), limited.output.end(), '\n'), 2) << limited.output;
}

TEST_F(OrgctlTest, RebuildLeavesTheReadModelsCompacted) {
  seed(200);
  auto store = hold();
  ASSERT_NE(store, nullptr);
  for (const auto& name : projections::projection_column_families()) {
    auto* cf = store->column_family(name);
    ASSERT_NE(cf, nullptr) << name;
    std::string level0;
    std::uint64_t pending = 1;
    ASSERT_TRUE(store->db()->GetProperty(cf, "rocksdb.num-files-at-level0", &level0));
    ASSERT_TRUE(store->db()->GetIntProperty(cf, "rocksdb.compaction-pending", &pending));
    EXPECT_EQ(level0, "0") << name << ": nothing left for the next orgd to compact";
    EXPECT_EQ(pending, 0u) << name;
  }
}

// After a seed the log sits in level 0 (recovered from the WAL and flushed at the next open);
// compact moves every column family out of it and leaves no compaction pending.
TEST_F(OrgctlTest, CompactLeavesEveryColumnFamilyCompacted) {
  ASSERT_EQ(orgctl("seed --organizations 300 --events-per-organization 2").code, 0);
  auto level0_files = [](eventstore::Store& store, std::string_view name) {
    std::string files;
    EXPECT_TRUE(store.db()->GetProperty(store.column_family(name), "rocksdb.num-files-at-level0",
                                        &files));
    return files;
  };
  {
    auto store = hold();
    ASSERT_NE(store, nullptr);
    ASSERT_NE(level0_files(*store, eventstore::kEventsCf), "0") << "nothing to compact";
  }
  auto compacted = orgctl("compact");
  ASSERT_EQ(compacted.code, 0) << compacted.output;
  auto store = hold();
  ASSERT_NE(store, nullptr);
  std::vector<std::string> names{std::string(eventstore::kEventsCf),
                                 std::string(eventstore::kStreamsCf),
                                 std::string(eventstore::kClaimsCf)};
  for (const auto& name : projections::projection_column_families()) names.push_back(name);
  for (const auto& name : names) {
    EXPECT_EQ(level0_files(*store, name), "0") << name;
    std::uint64_t pending = 1;
    ASSERT_TRUE(store->db()->GetIntProperty(store->column_family(name),
                                            "rocksdb.compaction-pending", &pending));
    EXPECT_EQ(pending, 0u) << name;
  }
  EXPECT_EQ(orgctl("verify").code, 0) << "the compacted store still verifies";
}

TEST_F(OrgctlTest, SeedRegistersCustomersAsMembersOfEachOrganization) {
  auto r = orgctl(
      "seed --organizations 10 --events-per-organization 2 "
      "--customers-per-organization 3");
  ASSERT_EQ(r.code, 0) << r.output;
  ASSERT_EQ(orgctl("rebuild all").code, 0);
  auto stats = orgctl("--json stats");
  ASSERT_EQ(stats.code, 0) << stats.output;
  const auto json = boost::json::parse(stats.output);
  EXPECT_EQ(json.at("events").to_number<int>(), 10 * 2 + 30 * 2);
  EXPECT_EQ(json.at("eventsByType").at("CustomerRegistered").to_number<int>(), 30);
  EXPECT_EQ(json.at("eventsByType").at("MemberJoined").to_number<int>(), 30);
  // Streams: the organizations, their member lists and the customers.
  EXPECT_EQ(json.at("streams").to_number<int>(), 10 + 10 + 30);

  // The first customer joined the first organization, with an id of its own.
  auto exported = orgctl("export --out '" + (dir_ / "log.jsonl").string() + "'");
  ASSERT_EQ(exported.code, 0) << exported.output;
  std::ifstream lines(dir_ / "log.jsonl");
  std::string line, organization, customer, member_of;
  while (std::getline(lines, line) && customer.empty()) {
    const auto entry = boost::json::parse(line);
    const auto& data = entry.at("data");
    if (entry.at("type") == "OrganizationCreated" && organization.empty()) {
      organization = data.at("id").as_string();
    } else if (entry.at("type") == "CustomerRegistered") {
      customer = data.at("id").as_string();
      member_of = data.at("organizationId").as_string();
    }
  }
  EXPECT_EQ(member_of, organization);
  EXPECT_NE(customer, organization);
  auto history = orgctl("--json history " + customer);
  ASSERT_EQ(history.code, 0) << history.output;
  EXPECT_EQ(std::count(history.output.begin(), history.output.end(), '\n'), 1);
  EXPECT_EQ(orgctl("verify").code, 0);
}

TEST_F(OrgctlTest, VerifyExitsZeroOnlyWhenEverythingChecks) {
  seed(20);
  auto ok = orgctl("verify");
  EXPECT_EQ(ok.code, 0) << ok.output;
  EXPECT_NE(ok.output.find("verified: 80 events"), std::string::npos) << ok.output;
  {
    auto store = hold();
    std::string value;
    auto* events = store->column_family(eventstore::kEventsCf);
    ASSERT_TRUE(store->db()->Get({}, events, eventstore::event_key(7), &value).ok());
    value[value.size() - 40] ^= 0x04;
    ASSERT_TRUE(store->db()->Put({}, events, eventstore::event_key(7), value).ok());
  }
  auto bad = orgctl("verify");
  EXPECT_EQ(bad.code, 1) << bad.output;
  EXPECT_NE(bad.output.find("FAIL  log at position 7"), std::string::npos) << bad.output;
  auto json = orgctl("--json verify");
  EXPECT_EQ(json.code, 1);
  EXPECT_EQ(boost::json::parse(json.output).at("checks").at(0).at("divergence").at("position")
                .to_number<int>(),
            7);
}

TEST_F(OrgctlTest, WritingCommandsRefuseADirectoryARunningOrgdHolds) {
  seed(5);
  ASSERT_EQ(orgctl("backup '" + (dir_ / "bk").string() + "'").code, 0);
  auto held = hold();
  for (const std::string& args : {std::string("rebuild"), std::string("seed --organizations 1"),
                                  "restore --force '" + (dir_ / "bk").string() + "'",
                                  "restore '" + (dir_ / "bk").string() + "'"}) {
    auto r = orgctl(args);
    EXPECT_EQ(r.code, 3) << args << ": " << r.output;
    EXPECT_NE(r.output.find("in use by a running orgd"), std::string::npos) << r.output;
  }
  // Reading is fine beside it.
  EXPECT_EQ(orgctl("verify --skip-projections").code, 0);
  EXPECT_EQ(orgctl("backup '" + (dir_ / "bk2").string() + "'").code, 0);
}

// An online rebuild moves a read model to a column family of another name and drops the old
// one; orgctl opens the directory read-only, where RocksDB creates no missing column family.
TEST_F(OrgctlTest, ReadingCommandsWorkAfterAnOnlineRebuild) {
  seed(5);
  {
    auto store = hold();
    ASSERT_NE(store, nullptr);
    auto runner = projections::ProjectionRunner::start(*store, projections::make_projections());
    ASSERT_TRUE(runner.has_value()) << runner.error();
    auto rebuilt = projections::rebuild_online(*store, **runner, "organizations");
    ASSERT_TRUE(rebuilt.has_value()) << rebuilt.error();
  }
  for (const std::string& args :
       {std::string("stats"), std::string("verify"), "backup '" + (dir_ / "bk").string() + "'"}) {
    auto r = orgctl(args);
    EXPECT_EQ(r.code, 0) << args << ": " << r.output;
  }
  auto restored = orgctl("restore '" + (dir_ / "bk").string() + "'", "restored");
  EXPECT_EQ(restored.code, 0) << restored.output;
  EXPECT_EQ(orgctl("verify", "restored").code, 0);
}

// An online rebuild beside a reading command can install a read model's next generation
// between the command's listing of the column families and its reading of the catalog, which
// then names one it did not open: the command opens again (up to 10 s) rather than failing.
// The window is made wide here: the catalog names a generation that does not exist yet until
// a real rebuild installs the next one.
TEST_F(OrgctlTest, AReadingCommandOpensAgainWhenTheCatalogNamesAGenerationItMissed) {
  seed(5);
  auto exported = orgctl("export --out '" + (dir_ / "log.jsonl").string() + "'");
  ASSERT_EQ(exported.code, 0) << exported.output;
  std::ifstream lines(dir_ / "log.jsonl");
  std::string first;
  ASSERT_TRUE(std::getline(lines, first));
  const std::string id(boost::json::parse(first).at("data").at("id").as_string());
  {  // a first online rebuild makes the catalog, which the next open then opens
    auto store = hold();
    ASSERT_NE(store, nullptr);
    auto runner = projections::ProjectionRunner::start(*store, projections::make_projections());
    ASSERT_TRUE(runner.has_value()) << runner.error();
    ASSERT_TRUE(projections::rebuild_online(*store, **runner, "organizations").has_value());
  }
  auto store = hold();
  ASSERT_NE(store, nullptr);
  auto runner = projections::ProjectionRunner::start(*store, projections::make_projections());
  ASSERT_TRUE(runner.has_value()) << runner.error();
  auto* catalog = store->column_family(projections::kReadModelCatalogCf);
  ASSERT_NE(catalog, nullptr);
  rocksdb::WriteOptions sync;
  sync.sync = true;
  ASSERT_TRUE(store->db()->Put(sync, catalog, "organizations", "organizations.gen90").ok());

  Outcome as_of;
  std::atomic<bool> done{false};
  std::thread reader([&] {
    as_of = orgctl("as-of " + id + " 1");
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const bool waited = !done;
  auto rebuilt = projections::rebuild_online(*store, **runner, "organizations");
  reader.join();
  ASSERT_TRUE(rebuilt.has_value()) << rebuilt.error();
  EXPECT_TRUE(waited) << "it failed at once: " << as_of.output;
  ASSERT_EQ(as_of.code, 0) << as_of.output;
  boost::system::error_code ec;
  const auto state = boost::json::parse(as_of.output, ec);
  ASSERT_FALSE(ec) << as_of.output;
  EXPECT_EQ(state.at("updateVersion").to_number<int>(), 4);
}

TEST_F(OrgctlTest, BackupAndRestore) {
  seed(10);
  auto backup = orgctl("backup '" + (dir_ / "bk").string() + "'");
  ASSERT_EQ(backup.code, 0) << backup.output;
  EXPECT_NE(backup.output.find("backed up 40 events"), std::string::npos) << backup.output;
  EXPECT_EQ(orgctl("backup '" + (dir_ / "bk").string() + "'").code, 1);  // exists
  ASSERT_EQ(orgctl("seed --organizations 3").code, 0);
  auto refused = orgctl("restore '" + (dir_ / "bk").string() + "'");
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.output.find("--force"), std::string::npos) << refused.output;
  auto restored = orgctl("restore --force '" + (dir_ / "bk").string() + "'");
  ASSERT_EQ(restored.code, 0) << restored.output;
  EXPECT_NE(restored.output.find("restored 40 events"), std::string::npos) << restored.output;
  EXPECT_EQ(orgctl("verify").code, 0);
  EXPECT_EQ(orgctl("restore '" + (dir_ / "bk").string() + "'", "elsewhere").code, 0);
  // Into directories that do not exist yet, as the README's /backups/orgd-<date>.
  const auto nested = dir_ / "backups" / "daily" / "bk";
  auto deep = orgctl("backup '" + nested.string() + "'");
  ASSERT_EQ(deep.code, 0) << deep.output;
  EXPECT_TRUE(std::filesystem::exists(nested / "CURRENT"));
}

// restore replaces an orgd data directory, through a symbolic link the directory it names,
// and nothing else: not a directory of other files (--force replaced one: a mistyped path lost
// what it held), not a `.replaced` an earlier restore left (the only copy of what it had
// replaced), not from a directory a running orgd holds, and not with a backup whose log does
// not verify.
TEST_F(OrgctlTest, RestoreReplacesOnlyAnOrgdDataDirectoryWithABackupThatVerifies) {
  seed(5);
  const std::string backup = (dir_ / "bk").string();
  ASSERT_EQ(orgctl("backup '" + backup + "'").code, 0);
  std::filesystem::create_directories(dir_ / "notes");
  std::ofstream(dir_ / "notes" / "keep.txt") << "important";
  auto refused = orgctl("restore --force '" + backup + "'", "notes");
  EXPECT_EQ(refused.code, 1) << refused.output;
  EXPECT_NE(refused.output.find("no orgd data directory"), std::string::npos) << refused.output;
  EXPECT_TRUE(std::filesystem::exists(dir_ / "notes" / "keep.txt"));
  // Through a symbolic link: the directory it names is replaced, the link stays.
  std::filesystem::create_directory_symlink(dir_ / "data", dir_ / "link");
  auto linked = orgctl("restore --force '" + backup + "'", "link");
  ASSERT_EQ(linked.code, 0) << linked.output;
  EXPECT_TRUE(std::filesystem::is_symlink(dir_ / "link"));
  EXPECT_EQ(orgctl("verify").code, 0);
  // A `.replaced` left beside it is kept, and the restore refused until it is moved away.
  std::filesystem::create_directories(dir_ / "data.replaced");
  std::ofstream(dir_ / "data.replaced" / "CURRENT") << "an earlier store";
  auto left = orgctl("restore --force '" + backup + "'");
  EXPECT_EQ(left.code, 1) << left.output;
  EXPECT_TRUE(std::filesystem::exists(dir_ / "data.replaced" / "CURRENT"));
  std::filesystem::remove_all(dir_ / "data.replaced");
  // From a directory a running orgd holds: refused.
  {
    auto held = hold();
    auto live = orgctl("restore '" + (dir_ / "data").string() + "'", "copy");
    EXPECT_EQ(live.code, 1) << live.output;
    EXPECT_NE(live.output.find("in use by a running orgd"), std::string::npos) << live.output;
  }
  // A backup whose log is damaged (a flipped byte in the middle of each of its table files,
  // the log's among them) replaces nothing.
  for (const auto& entry : std::filesystem::directory_iterator(backup)) {
    if (entry.path().extension() == ".sst") test::flip_middle_byte(entry.path());
  }
  auto damaged = orgctl("restore --force '" + backup + "'");
  EXPECT_EQ(damaged.code, 1) << damaged.output;
  EXPECT_EQ(orgctl("verify").code, 0) << "the data directory is as it was";
}

// The writing commands work on an orgd data directory only: a mistyped --data-dir was made
// into an empty store and `rebuild` or `compact` answered success. seed makes one.
TEST_F(OrgctlTest, WritingCommandsRefuseADirectoryThatHoldsNoStore) {
  for (const std::string command : {"rebuild all", "compact"}) {
    auto refused = orgctl(command, "typo");
    EXPECT_EQ(refused.code, 1) << command << ": " << refused.output;
    EXPECT_NE(refused.output.find("not an orgd data directory"), std::string::npos)
        << refused.output;
    EXPECT_FALSE(std::filesystem::exists(dir_ / "typo")) << command;
  }
  EXPECT_EQ(orgctl("seed --organizations 2", "fresh").code, 0);
}

// export --out into the data directory would overwrite one of its files (CURRENT: the store
// no longer opened).
TEST_F(OrgctlTest, ExportRefusesToWriteIntoTheDataDirectory) {
  seed(2);
  auto refused = orgctl("export --out '" + (dir_ / "data" / "CURRENT").string() + "'");
  EXPECT_EQ(refused.code, 1) << refused.output;
  EXPECT_EQ(orgctl("verify").code, 0);
  EXPECT_EQ(orgctl("export --out '" + (dir_ / "events.jsonl").string() + "'").code, 0);
}

}  // namespace
}  // namespace orgd::tools
