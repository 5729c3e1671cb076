// A read-only open beside a writing store (orgctl beside a running orgd) while the writer
// deletes files the open is about to read. The writer's changes are made by a file system
// that runs them at the moment the reader opens a chosen file, so each race happens every run.

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "eventstore/column_families.hpp"
#include "store_fixture.hpp"

namespace orgd::eventstore::testing {
namespace {

// The operating system's file system, which runs `action` once, just before the
// `occurrence`-th opening for reading of a file whose name contains `name_part` (0: before
// every such opening).
class RaceBeforeOpening : public rocksdb::FileSystemWrapper {
 public:
  RaceBeforeOpening(std::string name_part, int occurrence, std::function<void()> action)
      : FileSystemWrapper(rocksdb::FileSystem::Default()),
        name_part_(std::move(name_part)),
        occurrence_(occurrence),
        action_(std::move(action)) {}
  [[nodiscard]] const char* Name() const override { return "RaceBeforeOpening"; }

  rocksdb::IOStatus NewSequentialFile(const std::string& name, const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSSequentialFile>* result,
                                      rocksdb::IODebugContext* dbg) override {
    before_opening(name);
    return FileSystemWrapper::NewSequentialFile(name, options, result, dbg);
  }
  rocksdb::IOStatus NewRandomAccessFile(const std::string& name,
                                        const rocksdb::FileOptions& options,
                                        std::unique_ptr<rocksdb::FSRandomAccessFile>* result,
                                        rocksdb::IODebugContext* dbg) override {
    before_opening(name);
    return FileSystemWrapper::NewRandomAccessFile(name, options, result, dbg);
  }

  [[nodiscard]] bool ran() const { return matched_.load() >= occurrence_; }
  // Openings of a file whose name contains `name_part` so far.
  [[nodiscard]] int matched() const { return matched_.load(); }

 private:
  void before_opening(const std::string& name) {
    if (name.find(name_part_) == std::string::npos) return;
    if (const int n = matched_.fetch_add(1) + 1; occurrence_ == 0 || n == occurrence_) action_();
  }

  std::string name_part_;
  const int occurrence_;
  std::atomic<int> matched_{0};
  std::function<void()> action_;
};

class ReadOnlyOpenTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    StoreOptions with_read_model = options();
    with_read_model.extra_column_families = {"read_model"};
    reopen(with_read_model);
    // Two table files in the log: a compaction merges them into a third and deletes both.
    for (int flush = 0; flush < 2; ++flush) {
      ASSERT_TRUE(append(append_to("stream-" + std::to_string(flush), ExpectedVersion::any(), 5)));
      ASSERT_TRUE(store_->db()->Flush({}, store_->column_family(kEventsCf)).ok());
    }
    ASSERT_TRUE(store_->db()->Put({}, store_->column_family("read_model"), "k", "v").ok());
    ASSERT_TRUE(store_->db()->Flush({}, store_->column_family("read_model")).ok());
  }

  void compact_the_log() {
    rocksdb::CompactRangeOptions all;
    all.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    ASSERT_TRUE(
        store_->db()->CompactRange(all, store_->column_family(kEventsCf), nullptr, nullptr).ok());
  }

  void drop_the_read_model() {
    ASSERT_TRUE(store_->db()->DropColumnFamily(store_->column_family("read_model")).ok());
  }

  // Opens read-only through `race`, with the read model asked for, as orgctl does.
  std::expected<std::unique_ptr<Store>, StoreError> open_reader(
      const std::shared_ptr<RaceBeforeOpening>& race) {
    StoreOptions reader = options();
    reader.read_only = true;
    reader.extra_column_families = {"read_model"};
    reader.env = rocksdb::NewCompositeEnv(race);
    return Store::open(reader);
  }
};

TEST_F(ReadOnlyOpenTest, ATableFileCompactedAwayWhileOpeningIsReadFromTheNewerFiles) {
  auto race = std::make_shared<RaceBeforeOpening>(".sst", 1, [this] { compact_the_log(); });
  auto reader = open_reader(race);
  ASSERT_TRUE(race->ran());
  EXPECT_GT(race->matched(), 2) << "the compaction's output opened too: the open was tried again";
  ASSERT_TRUE(reader) << reader.error().message;
  EXPECT_EQ((*reader)->head_position(), 10u);
  auto envelopes = (*reader)->read_all(0, SIZE_MAX);
  ASSERT_TRUE(envelopes) << envelopes.error().message;
  EXPECT_EQ(envelopes->size(), 10u);
  EXPECT_NE((*reader)->column_family("read_model"), nullptr);
}

TEST_F(ReadOnlyOpenTest, AColumnFamilyDroppedAfterItWasListedIsLeftOut) {
  // The first MANIFEST read lists the column families; the drop lands before the open's own.
  auto race = std::make_shared<RaceBeforeOpening>("MANIFEST", 2, [this] { drop_the_read_model(); });
  auto reader = open_reader(race);
  ASSERT_TRUE(race->ran());
  ASSERT_TRUE(reader) << reader.error().message;
  EXPECT_EQ((*reader)->column_family("read_model"), nullptr);
  EXPECT_EQ((*reader)->head_position(), 10u);
}

// The writer flushes writes that skipped the WAL (a replay's) and then writes through the WAL
// (the catalog naming the replay's read model), between the reader's reading of the MANIFEST
// and its opening of the WAL: read once, the reader would see the later write without the
// flushed ones.
TEST_F(ReadOnlyOpenTest, AFlushBetweenTheManifestAndTheWalIsNotHalfSeen) {
  auto* read_model = store_->column_family("read_model");
  rocksdb::WriteOptions around_the_wal;
  around_the_wal.disableWAL = true;
  ASSERT_TRUE(store_->db()->Put(around_the_wal, read_model, "replayed", "r").ok());
  auto race = std::make_shared<RaceBeforeOpening>(".log", 1, [&] {
    ASSERT_TRUE(store_->db()->Flush({}, read_model).ok());
    rocksdb::WriteOptions sync;
    sync.sync = true;
    ASSERT_TRUE(store_->db()->Put(sync, read_model, "catalog", "c").ok());
  });
  auto reader = open_reader(race);
  ASSERT_TRUE(race->ran());
  ASSERT_TRUE(reader) << reader.error().message;
  auto* seen = (*reader)->column_family("read_model");
  ASSERT_NE(seen, nullptr);
  std::string value;
  ASSERT_TRUE((*reader)->db()->Get({}, seen, "catalog", &value).ok()) << "the later write";
  EXPECT_TRUE((*reader)->db()->Get({}, seen, "replayed", &value).ok())
      << "the flushed write, which came first, is missing";
  EXPECT_FALSE((*reader)->opened_torn()) << "the second open was whole";
}

// A writer that ends a flush during every open for the whole patience (10 s): the last open is
// kept rather than none, and says it may be torn.
TEST_F(ReadOnlyOpenTest, AnOpenThatRacesAFlushEveryTimeIsKeptAndSaysSo) {
  auto* read_model = store_->column_family("read_model");
  int flushes = 0;
  auto race = std::make_shared<RaceBeforeOpening>(".log", 0, [&] {
    rocksdb::WriteOptions around_the_wal;
    around_the_wal.disableWAL = true;
    ASSERT_TRUE(
        store_->db()->Put(around_the_wal, read_model, "k" + std::to_string(flushes), "v").ok());
    ASSERT_TRUE(store_->db()->Flush({}, read_model).ok());
    ++flushes;
  });
  auto reader = open_reader(race);
  ASSERT_TRUE(reader) << reader.error().message;
  EXPECT_TRUE((*reader)->opened_torn());
  EXPECT_GT(flushes, 3) << "opened again while the MANIFEST changed";
  EXPECT_EQ((*reader)->head_position(), 10u);
}

// A reader of the log alone loads no read model's files: an online rebuild deletes those by
// the hundred, and each open that loaded them could lose the race with a deletion.
TEST_F(ReadOnlyOpenTest, AReaderOfTheLogAloneOpensNoOtherColumnFamily) {
  auto every = std::make_shared<RaceBeforeOpening>(".sst", 1000, [] {});
  ASSERT_TRUE(open_reader(every));
  StoreOptions log_only = options();
  log_only.read_only = true;
  log_only.only_named_column_families = true;
  auto named = std::make_shared<RaceBeforeOpening>(".sst", 1000, [] {});
  log_only.env = rocksdb::NewCompositeEnv(named);
  auto reader = Store::open(log_only);
  ASSERT_TRUE(reader) << reader.error().message;
  EXPECT_EQ((*reader)->column_family("read_model"), nullptr);
  EXPECT_EQ((*reader)->read_all(0, SIZE_MAX)->size(), 10u);
  EXPECT_LT(named->matched(), every->matched()) << "the read model's table file was opened";
  EXPECT_GT(named->matched(), 0);
}

TEST_F(ReadOnlyOpenTest, ADirectoryWithoutADatabaseIsRefusedWithoutRetrying) {
  auto looks = std::make_shared<RaceBeforeOpening>("CURRENT", 1000, [] {});
  StoreOptions reader = options();
  reader.data_dir = dir_.path() / "absent";
  reader.read_only = true;
  reader.env = rocksdb::NewCompositeEnv(looks);
  const auto opened = Store::open(reader);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, StoreErrorCode::io_error) << opened.error().message;
  EXPECT_EQ(looks->matched(), 3)
      << "the MANIFEST's mark before the open, one listing of the column families and one open";
}

}  // namespace
}  // namespace orgd::eventstore::testing
