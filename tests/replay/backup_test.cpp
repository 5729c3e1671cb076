#include "replay/backup.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "domain/group/group.hpp"
#include "projections/customers_projection.hpp"
#include "projections/organizations_projection.hpp"
#include "replay/verify.hpp"
#include "tests/replay/replay_fixture.hpp"

namespace orgd::replay {
namespace {

class BackupTest : public testing::ReplayTest {
 protected:
  // Every key and value of every column family that matters, with the read models at
  // their checkpoints.
  std::map<std::string, std::string> snapshot() {
    std::map<std::string, std::string> all;
    for (std::string_view cf : {"events", "streams", "stream_heads", "claims",
                                projections::kOrganizationsColumnFamily.data(),
                                projections::kCustomersColumnFamily.data()}) {
      std::unique_ptr<rocksdb::Iterator> it(
          store_->db()->NewIterator({}, store_->column_family(cf)));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        all[std::string(cf) + "/" + it->key().ToString()] = it->value().ToString();
      }
    }
    return all;
  }

  // The log alone: what a restore must never lose.
  std::map<std::string, std::string> log() {
    auto all = snapshot();
    std::erase_if(all, [](const auto& entry) { return !entry.first.starts_with("events/"); });
    return all;
  }
};

TEST_F(BackupTest, RestoreGivesExactlyTheStateAtBackupTimeAndVerifies) {
  create_org("0190a000-0000-7000-8000-0000000000a1", "Acme");
  register_customer("0190a000-0000-7000-8000-0000000000c1", "ada@x.test",
                    "0190a000-0000-7000-8000-0000000000a1");
  settle();
  const auto at_backup = snapshot();
  const auto head = store_->head_position();
  auto info = backup(*store_, dir_ / "backup");
  ASSERT_TRUE(info.has_value()) << info.error();
  EXPECT_EQ(info->head, head);
  EXPECT_GT(info->bytes, 0u);

  create_org("0190a000-0000-7000-8000-0000000000a2", "Later");
  update_org("0190a000-0000-7000-8000-0000000000a1", "Acme", "Acme 2", "changed");
  settle();
  close();

  auto refused = restore(dir_ / "backup", dir_ / "data", /*force=*/false);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, RestoreErrorCode::not_empty);
  auto restored = restore(dir_ / "backup", dir_ / "data", /*force=*/true);
  ASSERT_TRUE(restored.has_value()) << restored.error().message;
  EXPECT_EQ(*restored, head);

  open();
  settle();
  EXPECT_EQ(store_->head_position(), head);
  EXPECT_EQ(snapshot(), at_backup);
  auto report = verify(*store_);
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok());
}

// A member a group lists after it left (a departure's second look undone by a crash, or a
// release from before it) fails verify's advisory groups check, not the restore: the log is
// whole, and the member is removed by hand afterwards.
TEST_F(BackupTest, AGroupMemberLeftBehindDoesNotStopARestore) {
  const std::string org = "0190a000-0000-7000-8000-0000000000a1";
  const std::string customer = "0190a000-0000-7000-8000-0000000000c1";
  const std::string group = "0190a000-0000-7000-8000-0000000000e1";
  create_org(org, "Acme");
  register_customer(customer, "ada@x.test", org);
  append(
      {{domain::group_stream(group), {domain::GroupCreated{group, org, "Readers", "customers"}}}});
  append({{domain::group_stream(group), {domain::GroupMemberAdded{customer}}}});
  append({{domain::customer_stream(customer),
           {domain::CustomerMoved{std::string(domain::kDefaultOrganizationId), "member"}}}});
  settle();
  ASSERT_TRUE(backup(*store_, dir_ / "backup").has_value());
  close();
  auto restored = restore(dir_ / "backup", dir_ / "data", /*force=*/true);
  ASSERT_TRUE(restored.has_value()) << restored.error().message;
  open();
  auto report = verify(*store_, {.projections = false});
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok());
  const auto groups = std::ranges::find(report->checks, "groups", &CheckResult::name);
  ASSERT_NE(groups, report->checks.end());
  EXPECT_TRUE(groups->divergence.has_value()) << "reported all the same";
}

TEST_F(BackupTest, RestoreRefusesADirectoryARunningStoreHolds) {
  create_org("0190a000-0000-7000-8000-0000000000a1", "Acme");
  ASSERT_TRUE(backup(*store_, dir_ / "backup").has_value());
  auto refused = restore(dir_ / "backup", dir_ / "data", /*force=*/true);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, RestoreErrorCode::locked);
  EXPECT_EQ(backup(*store_, dir_ / "backup").error(), (dir_ / "backup").string() + " already exists");
}

TEST_F(BackupTest, RestoreRefusesSomethingThatIsNotABackup) {
  auto refused = restore(dir_ / "nothing", dir_ / "fresh", false);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, RestoreErrorCode::not_a_backup);
}

TEST_F(BackupTest, RestoreOfABackupInsideTheDataDirectoryIsRefusedAndKeepsBoth) {
  create_org("0190a000-0000-7000-8000-0000000000a1", "Acme");
  settle();
  const auto before = log();
  const auto refused_inside = backup(*store_, dir_ / "data" / "snap");
  ASSERT_FALSE(refused_inside.has_value()) << "a backup inside the data directory";
  EXPECT_NE(refused_inside.error().find("overlap"), std::string::npos) << refused_inside.error();
  EXPECT_FALSE(std::filesystem::exists(dir_ / "data" / "snap"));
  // One moved there by hand.
  ASSERT_TRUE(backup(*store_, dir_ / "snap").has_value());
  std::filesystem::rename(dir_ / "snap", dir_ / "data" / "snap");
  close();
  for (const auto& [from, to] :
       {std::pair{dir_ / "data" / "snap", dir_ / "data"}, std::pair{dir_ / "data", dir_ / "data"},
        std::pair{dir_ / "data" / "snap", dir_ / "data" / "snap" / "x"}}) {
    auto refused = restore(from, to, /*force=*/true);
    ASSERT_FALSE(refused.has_value()) << from << " -> " << to;
    EXPECT_EQ(refused.error().code, RestoreErrorCode::overlaps) << refused.error().message;
  }
  EXPECT_TRUE(std::filesystem::exists(dir_ / "data" / "snap" / "CURRENT"));
  open();
  EXPECT_EQ(log(), before);
  EXPECT_FALSE(before.empty());
}

// A copy that fails half-way (here a file of the backup that cannot be read; a full disk
// alike) leaves the data directory as it was.
TEST_F(BackupTest, AFailedRestoreLeavesTheDataDirectoryAsItWas) {
  create_org("0190a000-0000-7000-8000-0000000000a1", "Acme");
  ASSERT_TRUE(backup(*store_, dir_ / "backup").has_value());
  create_org("0190a000-0000-7000-8000-0000000000a2", "Later");
  settle();
  const auto before = log();
  close();
  std::filesystem::create_symlink(dir_ / "no-such-file", dir_ / "backup" / "zzz-dangling");
  auto failed = restore(dir_ / "backup", dir_ / "data", /*force=*/true);
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code, RestoreErrorCode::io_error) << failed.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "data.restoring"));
  open();
  EXPECT_EQ(log(), before);
  EXPECT_FALSE(before.empty());
}

}  // namespace
}  // namespace orgd::replay
