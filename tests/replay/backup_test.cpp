#include <gtest/gtest.h>

#include <map>

#include "projections/customers_projection.hpp"
#include "projections/organizations_projection.hpp"
#include "replay/backup.hpp"
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

}  // namespace
}  // namespace orgd::replay
