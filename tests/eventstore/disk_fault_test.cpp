// A disk that fills up or turns read-only under the store: appends fail with
// storage_unavailable and leave nothing behind, reads keep working; after a full disk has
// space again appends resume without reopening the store, after a read-only file system
// (which RocksDB treats as fatal) they resume once the store is reopened, and so after an
// fsync that failed.

#include <mutex>
#include <thread>
#include <vector>

#include "tests/eventstore/store_fixture.hpp"
#include "tests/support/disk_faults.hpp"

namespace orgd::eventstore::testing {
namespace {

class DiskFaultTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }

  // No floor of free space by default: RocksDB meets the failing disk itself, as it does when
  // something else fills the disk faster than the floor foresaw.
  void open(std::uint64_t min_free_disk_bytes = 0) {
    StoreOptions options;
    options.data_dir = dir_.path() / "db";
    options.env = faults_.env();
    options.min_free_disk_bytes = min_free_disk_bytes;
    options.on_writable_changed = [this](const std::optional<WriteFailure>& failure) {
      std::lock_guard lock(changes_mutex_);
      changes_.push_back(failure.has_value());
    };
    auto store = Store::open(options);
    ASSERT_TRUE(store.has_value()) << store.error().message;
    store_ = std::move(*store);
  }

  // An append to a new stream, refused as the disk is.
  void expect_refused(const std::string& stream) {
    auto refused = store_->append(append_to(stream, ExpectedVersion::no_stream()));
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, AppendErrorCode::storage_unavailable);
  }

  // Two acknowledged appends, then the fault, then refused appends and claims; reads work.
  void append_then_fail(test::DiskFault fault) {
    ASSERT_TRUE(store_->append(append_to("a", ExpectedVersion::no_stream())).has_value());
    ASSERT_TRUE(store_->append(claim("names", "taken-before", "a")).has_value());
    const auto head_before = store_->head_position();
    const auto hash_before = store_->head_hash();

    EXPECT_FALSE(store_->write_failure().has_value());
    faults_.fail(fault);
    expect_refused("b-0");
    const auto first = store_->write_failure();
    ASSERT_TRUE(first.has_value()) << "a failed round is a failing log";
    EXPECT_FALSE(first->reason.empty());
    for (int i = 1; i < 5; ++i) expect_refused("b-" + std::to_string(i));
    EXPECT_FALSE(store_->append(claim("names", "refused", "b")).has_value());
    EXPECT_EQ(store_->write_failure()->since_ms, first->since_ms) << "since its first failure";
    EXPECT_GT(faults_.refused(), 0u);
    EXPECT_EQ(store_->head_position(), head_before);
    EXPECT_EQ(store_->head_hash(), hash_before);

    auto a = store_->read_stream("a");
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->size(), 1u);
    EXPECT_EQ(store_->stream_version("b-0").value(), 0u);
    EXPECT_EQ(store_->claim_owner("names", "refused").value(), std::nullopt);
  }

  // Appends until the store accepts writes again (RocksDB checks the disk every 5 s).
  Store::AppendOutcome append_when_accepted(const AppendRequest& request) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    auto outcome = store_->append(request);
    while (!outcome && outcome.error().code == AppendErrorCode::storage_unavailable &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      outcome = store_->append(request);
    }
    return outcome;
  }

  // Waits, appending nothing, for the writer's probe to find the log writable again.
  bool failure_clears_by_itself() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (store_->write_failure().has_value() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return !store_->write_failure().has_value();
  }

  // After writes resumed: the chain continues without a gap and, also after a reopen, what was
  // refused never appears (nothing half-written is replayed).
  void expect_only_acknowledged_after_reopen() {
    auto resumed = append_when_accepted(append_to("b-0", ExpectedVersion::no_stream()));
    ASSERT_TRUE(resumed.has_value()) << resumed.error().message;
    EXPECT_EQ(resumed->last_position, 2u);
    ASSERT_TRUE(store_->append(claim("names", "refused", "b-0")).has_value());

    store_.reset();
    open();
    EXPECT_EQ(store_->head_position(), 2u);
    auto all = store_->read_all(1, 100);
    ASSERT_TRUE(all.has_value());
    EXPECT_EQ(positions(*all), (std::vector<std::uint64_t>{1, 2}));
    EXPECT_EQ(all->back().stream_id, "b-0");
    EXPECT_EQ(store_->stream_version("b-1").value(), 0u);
    EXPECT_EQ(store_->claim_owner("names", "refused").value(), std::optional<std::string>("b-0"));
    EXPECT_EQ(store_->claim_owner("names", "taken-before").value(),
              std::optional<std::string>("a"));
  }

  // What on_writable_changed told, in order: true for "cannot be written", false for "again".
  std::vector<bool> changes() {
    std::lock_guard lock(changes_mutex_);
    return changes_;
  }

  std::mutex changes_mutex_;
  std::vector<bool> changes_;
  test::DiskFaults faults_;  // outlives the store, which writes through it
  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(DiskFaultTest, AFullDiskRefusesAppendsAndTheyResumeWithoutReopeningOnceItHasSpace) {
  append_then_fail(test::DiskFault::full);
  faults_.heal();
  EXPECT_TRUE(failure_clears_by_itself())
      << store_->write_failure().value_or(WriteFailure{}).reason;
  EXPECT_EQ(store_->head_position(), 1u) << "the probe appends nothing";
  expect_only_acknowledged_after_reopen();
}

// Under its floor of free space the store refuses appends itself: RocksDB is never asked to
// write onto the full disk (none of its writes is refused), and appends resume as soon as
// the disk has space again, without RocksDB's recovery.
TEST_F(DiskFaultTest, UnderTheFloorOfFreeSpaceAppendsAreRefusedBeforeRocksDbWrites) {
  store_.reset();
  open(1u << 20);
  ASSERT_TRUE(store_->append(append_to("a", ExpectedVersion::no_stream())).has_value());
  faults_.fail(test::DiskFault::full);  // the disk reports no free space
  auto refused = store_->append(append_to("b", ExpectedVersion::no_stream()));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, AppendErrorCode::storage_unavailable);
  EXPECT_NE(refused.error().message.find("0 MiB free, under the 1 MiB kept free"),
            std::string::npos)
      << refused.error().message;
  EXPECT_FALSE(store_->append(claim("names", "refused", "b")).has_value());
  EXPECT_EQ(faults_.refused(), 0u);
  EXPECT_EQ(store_->head_position(), 1u);
  const auto failure = store_->write_failure();
  ASSERT_TRUE(failure.has_value());
  EXPECT_NE(failure->reason.find("under the 1 MiB kept free"), std::string::npos);
  EXPECT_GT(failure->since_ms, 0);

  faults_.heal();
  EXPECT_TRUE(failure_clears_by_itself()) << "space again, and no append to tell it";
  EXPECT_EQ(store_->head_position(), 1u);
  auto resumed = store_->append(append_to("b", ExpectedVersion::no_stream()));
  ASSERT_TRUE(resumed.has_value()) << resumed.error().message;
  EXPECT_EQ(resumed->last_position, 2u);
  EXPECT_FALSE(store_->write_failure().has_value()) << "written again";

  // The real disk's free space, under a floor no disk reaches: failing from the open on.
  store_.reset();
  open(std::uint64_t{1} << 62);
  const auto at_open = store_->write_failure();
  ASSERT_TRUE(at_open.has_value()) << "a store opened under its floor says so before an append";
  EXPECT_NE(at_open->reason.find("kept free"), std::string::npos) << at_open->reason;
  refused = store_->append(append_to("c", ExpectedVersion::no_stream()));
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find("kept free"), std::string::npos);
  EXPECT_EQ(store_->head_position(), 2u);
}

// Each change is told once, whether a round or the idle probe made it: a second outage that
// comes before any append succeeds is told again (the log said nothing of it when only a
// written round told the log was written again).
TEST_F(DiskFaultTest, EveryChangeOfWritabilityIsToldOnceByRoundsAndByTheProbe) {
  store_.reset();
  open(1u << 20);
  ASSERT_TRUE(store_->append(append_to("a", ExpectedVersion::no_stream())).has_value());
  for (int outage = 0; outage < 2; ++outage) {
    faults_.fail(test::DiskFault::full);
    for (int i = 0; i < 3; ++i) expect_refused("b-" + std::to_string(outage) + std::to_string(i));
    faults_.heal();
    ASSERT_TRUE(failure_clears_by_itself());
  }
  EXPECT_EQ(changes(), (std::vector<bool>{true, false, true, false}));
  EXPECT_EQ(store_->head_position(), 1u);
}

TEST_F(DiskFaultTest, AReadOnlyFileSystemRefusesAppendsUntilTheStoreIsReopened) {
  append_then_fail(test::DiskFault::read_only);
  faults_.heal();
  expect_refused("c");
  store_.reset();
  open();
  expect_only_acknowledged_after_reopen();
}

// The write went through but its fsync failed (EIO): the round may or may not be on disk, so it
// is refused, nobody sees it counted, and everything after it is refused (RocksDB stops
// writing after a failed WAL sync) until the store is reopened; then the log is whole (with
// the refused round or without it, as the disk kept it) and appends continue from its head.
TEST_F(DiskFaultTest, AFailedSyncStopsAppendsUntilTheStoreIsReopened) {
  ASSERT_TRUE(store_->append(append_to("a", ExpectedVersion::no_stream())).has_value());
  const auto head_before = store_->head_position();
  faults_.fail(test::DiskFault::sync_fails);
  expect_refused("b");
  EXPECT_EQ(store_->head_position(), head_before);
  EXPECT_GT(faults_.refused(), 0u);

  faults_.heal();
  expect_refused("c");

  store_.reset();
  open();
  const auto head = store_->head_position();
  ASSERT_TRUE(head == head_before || head == head_before + 1) << head;
  auto all = store_->read_all(1, 100);
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->size(), head);
  EXPECT_EQ(store_->stream_version("c").value(), 0u);
  auto resumed = store_->append(append_to("c", ExpectedVersion::no_stream()));
  ASSERT_TRUE(resumed.has_value()) << resumed.error().message;
  EXPECT_EQ(resumed->last_position, head + 1);
}

}  // namespace
}  // namespace orgd::eventstore::testing
