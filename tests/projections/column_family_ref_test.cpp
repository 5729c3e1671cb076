// Counted column family handles against real RocksDB: a reference keeps its handle valid, a
// retired handle is destroyed with its last reference (its files then go) and never taken
// again.

#include "projections/column_family_ref.hpp"

#include <rocksdb/utilities/stackable_db.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/projections/projection_fixture.hpp"
#include "tests/support/table_files.hpp"

namespace orgd::projections::testing {
namespace {

using namespace std::chrono_literals;

// A column family holding "k" = its name, flushed to a table file.
rocksdb::ColumnFamilyHandle* generation(rocksdb::DB& db, const std::string& name) {
  rocksdb::ColumnFamilyHandle* handle = nullptr;
  EXPECT_TRUE(db.CreateColumnFamily(rocksdb::ColumnFamilyOptions(), name, &handle).ok());
  EXPECT_TRUE(db.Put(rocksdb::WriteOptions(), handle, "k", name).ok());
  EXPECT_TRUE(db.Flush(rocksdb::FlushOptions(), handle).ok());
  return handle;
}

// The database as CountedHandle sees it, noting the name of each handle it destroys (names are
// never reused here; addresses are).
class DestructionLog : public rocksdb::StackableDB {
 public:
  explicit DestructionLog(rocksdb::DB& db)
      : StackableDB(std::shared_ptr<rocksdb::DB>(&db, [](rocksdb::DB*) {})) {}

  rocksdb::Status DestroyColumnFamilyHandle(rocksdb::ColumnFamilyHandle* handle) override {
    {
      std::lock_guard lock(mutex_);
      destroyed_.insert(handle->GetName());
    }
    return StackableDB::DestroyColumnFamilyHandle(handle);
  }
  [[nodiscard]] bool destroyed(const std::string& name) const {
    std::lock_guard lock(mutex_);
    return destroyed_.contains(name);
  }

 private:
  mutable std::mutex mutex_;
  std::set<std::string> destroyed_;
};

TEST_F(ProjectionTest, ARetiredHandleGoesWithItsLastReferenceAndIsNeverTakenAgain) {
  auto& db = *store_->db();
  CountedHandle counted(db, generation(db, "g1"), /*owned=*/true);
  const auto files = test::live_table_files(db, {"g1"});
  ASSERT_EQ(files.size(), 1u);

  auto first = ColumnFamilyRef::take(counted);
  ASSERT_TRUE(first);
  auto copy = first;
  auto moved = std::move(first);
  EXPECT_FALSE(first);  // NOLINT(bugprone-use-after-move): a moved-from reference is empty
  EXPECT_EQ(copy, moved);
  ASSERT_TRUE(db.DropColumnFamily(counted.handle()).ok());
  counted.retire();
  EXPECT_FALSE(ColumnFamilyRef::take(counted)) << "retired: no new reference";

  auto late_copy = copy;  // copied from one held: allowed, and counted
  copy.reset();
  moved.reset();
  std::string value;
  ASSERT_TRUE(db.Get(rocksdb::ReadOptions(), late_copy.get(), "k", &value).ok());
  EXPECT_EQ(value, "g1");
  EXPECT_TRUE(counted.referenced());
  EXPECT_EQ(test::still_held(files).size(), 1u);

  late_copy.reset();
  EXPECT_FALSE(counted.referenced());
  EXPECT_EQ(test::held_after(files, 10s), std::vector<std::string>{});
  counted.destroy_if_owned();  // already destroyed: nothing (ASan would see a second free)
}

TEST_F(ProjectionTest, AnUnreferencedHandleGoesWhenRetiredAndOneNotOursStaysOpen) {
  auto& db = *store_->db();
  CountedHandle ours(db, generation(db, "ours"), /*owned=*/true);
  auto* theirs_handle = generation(db, "theirs");
  CountedHandle theirs(db, theirs_handle, /*owned=*/false);
  const auto our_files = test::live_table_files(db, {"ours"});
  const auto their_files = test::live_table_files(db, {"theirs"});
  ASSERT_EQ(our_files.size(), 1u);
  ASSERT_EQ(their_files.size(), 1u);
  ASSERT_TRUE(db.DropColumnFamily(ours.handle()).ok());
  ASSERT_TRUE(db.DropColumnFamily(theirs.handle()).ok());
  ours.retire();
  theirs.retire();
  EXPECT_EQ(test::held_after(our_files, 10s), std::vector<std::string>{});
  EXPECT_EQ(test::still_held(their_files).size(), 1u) << "not ours to destroy: still open";
  ASSERT_TRUE(db.DestroyColumnFamilyHandle(theirs_handle).ok());
  EXPECT_EQ(test::held_after(their_files, 10s), std::vector<std::string>{});
}

// Readers take the live handle and read through it while a writer replaces it again and
// again, dropping and retiring each one it replaces; one reader keeps each handle it takes
// until it is retired, and reads on. No handle is destroyed while a reader holds it, every
// read finds a whole column family, and every replaced one's file goes once the readers are
// done.
TEST_F(ProjectionTest, ReadersTakingTheLiveHandleWhileItIsReplacedNeverSeeOneDestroyed) {
  auto& db = *store_->db();
  DestructionLog log(db);
  constexpr int kGenerations = 30;
  std::vector<std::unique_ptr<CountedHandle>> counted;
  counted.push_back(std::make_unique<CountedHandle>(log, generation(db, "gen0"), true));
  std::atomic<CountedHandle*> live{counted.back().get()};
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  std::atomic<int> held_past_retirement{0};
  std::atomic<int> bad_reads{0};
  const auto read = [&](const ColumnFamilyRef& ref, const std::string& name) {
    std::string value;
    const auto s = db.Get(rocksdb::ReadOptions(), ref.get(), "k", &value);
    if (!s.ok() || value != name || log.destroyed(name)) ++bad_reads;
    ++reads;
  };
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&, keeper = r == 0] {
      while (!stop) {
        ColumnFamilyRef ref;
        while (!ref) ref = ColumnFamilyRef::take(*live.load());
        const std::string name = ref.get()->GetName();
        read(ref, name);
        // The keeper holds on until no new reference can be taken (retired), then reads on.
        while (keeper && !stop && ColumnFamilyRef::take(*ref.counted())) {
          std::this_thread::sleep_for(1ms);
        }
        if (keeper && !ColumnFamilyRef::take(*ref.counted())) ++held_past_retirement;
        for (int again = 0; again < 3; ++again) {
          std::this_thread::sleep_for(1ms);
          read(ref, name);
        }
      }
    });
  }
  std::vector<std::filesystem::path> replaced_files;
  for (int g = 1; g < kGenerations; ++g) {
    const std::string name = "gen" + std::to_string(g);
    counted.push_back(std::make_unique<CountedHandle>(log, generation(db, name), true));
    auto* replaced = live.exchange(counted.back().get());
    const auto files = test::live_table_files(db, {replaced->handle()->GetName()});
    replaced_files.insert(replaced_files.end(), files.begin(), files.end());
    ASSERT_TRUE(db.DropColumnFamily(replaced->handle()).ok());
    replaced->retire();
    std::this_thread::sleep_for(1ms);  // for readers to take the new one
  }
  stop = true;
  for (auto& reader : readers) reader.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_GT(held_past_retirement.load(), 0) << "no reader held a handle past its retirement";
  EXPECT_EQ(bad_reads.load(), 0);
  EXPECT_EQ(replaced_files.size(), kGenerations - 1u);
  for (const auto& c : counted) EXPECT_FALSE(c->referenced());
  EXPECT_EQ(test::held_after(replaced_files, 10s), std::vector<std::string>{});
  counted.back()->destroy_if_owned();  // the live one, as its owner's destruction does
}

}  // namespace
}  // namespace orgd::projections::testing
