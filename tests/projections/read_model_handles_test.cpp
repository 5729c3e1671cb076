// Where read models live across online rebuilds, and when a replaced one's files go: real
// RocksDB in a temp directory.

#include "projections/read_model_handles.hpp"

#include <chrono>
#include <memory>
#include <set>
#include <thread>

#include "domain/organization/organization.hpp"
#include "projections/online_rebuild.hpp"
#include "projections/organization_keys.hpp"
#include "projections/organization_queries.hpp"
#include "projections/organizations_projection.hpp"
#include "tests/projections/projection_fixture.hpp"
#include "tests/support/file_deletions.hpp"
#include "tests/support/table_files.hpp"

namespace orgd::projections::testing {
namespace {

using domain::organization_stream;
using namespace std::chrono_literals;

std::size_t count_keys(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf) {
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions(), cf));
  std::size_t keys = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++keys;
  EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  return keys;
}

void create_organizations(ProjectionTest& t, int first, int count) {
  for (int i = first; i < first + count; ++i) {
    const std::string id = "o" + std::to_string(i);
    t.append(organization_stream(id), {created(id, "Org " + std::to_string(i))});
  }
}

// A reader that looked the handle up before a swap keeps reading the old, complete model
// through it; its files stay while it holds it and go, with their descriptors, once it lets
// go, while the database stays open. First for the column family the store opened (released
// from the store at the swap), then for a generation created at runtime.
TEST_F(ProjectionTest, AHandleHeldAcrossASwapReadsTheOldModelUntilReleasedThenItsFilesGo) {
  create_organizations(*this, 0, 40);
  start_runner();
  ASSERT_TRUE(wait_applied());
  auto& handles = runner_->read_models();
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const std::string before = handles.physical_name(kOrganizationsColumnFamily);
    ColumnFamilyRef held = handles.cf(kOrganizationsColumnFamily);
    ASSERT_TRUE(held);
    ASSERT_TRUE(store_->db()->Flush(rocksdb::FlushOptions(), held.get()).ok());
    const auto files = test::live_table_files(*store_->db(), {before});
    ASSERT_FALSE(files.empty());
    const std::size_t keys = count_keys(*store_->db(), held.get());

    auto rebuilt = rebuild_online(*store_, *runner_, "organizations");
    ASSERT_TRUE(rebuilt.has_value()) << rebuilt.error();
    EXPECT_NE(handles.physical_name(kOrganizationsColumnFamily), before);
    EXPECT_NE(handles.cf(kOrganizationsColumnFamily), held);

    // Dropped, yet whole through the handle held, and its files kept for it.
    EXPECT_EQ(count_keys(*store_->db(), held.get()), keys);
    std::string row;
    EXPECT_TRUE(store_->db()
                    ->Get(rocksdb::ReadOptions(), held.get(), organization_row_key("o39"), &row)
                    .ok());
    EXPECT_EQ(test::still_held(files).size(), files.size());
    EXPECT_EQ(store_->column_family(before), nullptr) << "not the store's to destroy any more";

    held.reset();
    EXPECT_EQ(test::held_after(files, 10s), std::vector<std::string>{})
        << "the replaced column family's files outlived its last handle";
  }

  // The projection goes on writing in the latest generation, where queries find it.
  create_organizations(*this, 40, 1);
  ASSERT_TRUE(wait_applied());
  const OrganizationQueries queries(*store_, &handles);
  for (const char* id : {"o0", "o40"}) {
    auto found = queries.get(id);
    ASSERT_TRUE(found.has_value()) << found.error().message;
    EXPECT_TRUE(found->has_value()) << id;
  }
}

// The query that lets go of a replaced read model last runs on an HTTP I/O thread: the
// unlinking of the model's table files is left to RocksDB's background threads, not done
// there (avoid_unnecessary_blocking_io).
TEST_F(ProjectionTest, TheLastHandleOfAReplacedModelLeavesItsFilesToABackgroundThread) {
  test::FileDeletions deletions;
  store_.reset();
  env_ = deletions.env();
  open();
  create_organizations(*this, 0, 40);
  start_runner();
  ASSERT_TRUE(wait_applied());
  auto& handles = runner_->read_models();
  ColumnFamilyRef held = handles.cf(kOrganizationsColumnFamily);
  ASSERT_TRUE(held);
  ASSERT_TRUE(store_->db()->Flush(rocksdb::FlushOptions(), held.get()).ok());
  const auto files =
      test::live_table_files(*store_->db(), {handles.physical_name(kOrganizationsColumnFamily)});
  ASSERT_FALSE(files.empty());
  auto rebuilt = rebuild_online(*store_, *runner_, "organizations");
  ASSERT_TRUE(rebuilt.has_value()) << rebuilt.error();

  held.reset();  // here, the query's thread
  EXPECT_EQ(test::held_after(files, 10s), std::vector<std::string>{});
  for (const auto& file : files) {
    const auto by = deletions.deleted_by(file);
    ASSERT_TRUE(by.has_value()) << file << " was not deleted through RocksDB's file system";
    EXPECT_NE(*by, std::this_thread::get_id())
        << file << " was deleted by the last handle's thread";
  }
}

// Table files in the data directory that no open column family has: a dropped one's.
std::vector<std::string> orphan_table_files(ProjectionTest& t) {
  std::set<std::string> live;
  for (const auto& file : test::live_table_files(*t.store_->db(), {})) live.insert(file.string());
  std::vector<std::string> orphans;
  for (const auto& entry : std::filesystem::directory_iterator(t.dir_)) {
    if (entry.path().extension() == ".sst" && !live.contains(entry.path().string())) {
      orphans.push_back(entry.path().string());
    }
  }
  return orphans;
}

// A rebuild cancelled before its swap leaves the live model in place and frees its own
// generation's files (a replay flushes what it wrote, also when stopped).
TEST_F(ProjectionTest, ACancelledRebuildFreesItsGenerationsFiles) {
  create_organizations(*this, 0, 40);
  start_runner();
  ASSERT_TRUE(wait_applied());
  auto& handles = runner_->read_models();
  const std::string live = handles.physical_name(kOrganizationsColumnFamily);
  auto rebuilt = rebuild_online(*store_, *runner_, "organizations",
                                [&](std::uint64_t done, std::uint64_t total) {
                                  EXPECT_EQ(done, total) << "one chunk";
                                  return false;
                                });
  ASSERT_FALSE(rebuilt.has_value());
  EXPECT_EQ(rebuilt.error(), "cancelled");
  EXPECT_EQ(handles.physical_name(kOrganizationsColumnFamily), live);
  std::vector<std::string> names;
  ASSERT_TRUE(
      rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), store_->db()->GetName(), &names).ok());
  EXPECT_EQ(std::ranges::count(names, "organizations.gen2"), 0) << "dropped";
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (!orphan_table_files(*this).empty() && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(orphan_table_files(*this), std::vector<std::string>{});
}

// A generation a crashed rebuild left (no catalog entry names it) is dropped when orgd
// starts, and its files go then, not at the next stop; new generations are numbered past it.
TEST_F(ProjectionTest, AGenerationACrashedRebuildLeftIsDroppedAndItsFilesGoAtStart) {
  create_organizations(*this, 0, 5);
  rocksdb::ColumnFamilyHandle* left = nullptr;
  ASSERT_TRUE(store_->db()
                  ->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "organizations.gen7", &left)
                  .ok());
  ASSERT_TRUE(store_->db()->Put(rocksdb::WriteOptions(), left, "k", "v").ok());
  ASSERT_TRUE(store_->db()->Flush(rocksdb::FlushOptions(), left).ok());
  ASSERT_TRUE(store_->db()->DestroyColumnFamilyHandle(left).ok());
  store_.reset();
  open();  // the store opens every column family the directory holds
  ASSERT_NE(store_->column_family("organizations.gen7"), nullptr);
  const auto files = test::live_table_files(*store_->db(), {"organizations.gen7"});
  ASSERT_EQ(files.size(), 1u);

  start_runner();
  EXPECT_EQ(store_->column_family("organizations.gen7"), nullptr) << "released and destroyed";
  EXPECT_EQ(test::held_after(files, 10s), std::vector<std::string>{});
  ASSERT_TRUE(wait_applied());
  auto rebuilt = rebuild_online(*store_, *runner_, "organizations");
  ASSERT_TRUE(rebuilt.has_value()) << rebuilt.error();
  EXPECT_EQ(runner_->read_models().physical_name(kOrganizationsColumnFamily), "organizations.gen8");
}

}  // namespace
}  // namespace orgd::projections::testing
