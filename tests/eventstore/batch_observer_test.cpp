// StoreOptions::on_batch_written: one call per synced write, with the round's committed
// requests, its envelopes and the write's duration (what orgd's metrics are built from).

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "store_fixture.hpp"

namespace orgd::eventstore::testing {
namespace {

class BatchObserverTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreOptions with = options();
    with.on_batch_written = [this](const BatchWritten& batch) {
      std::lock_guard lock(mutex_);
      seen_.push_back(batch);
    };
    reopen(with);
  }

  std::vector<BatchWritten> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

  std::mutex mutex_;
  std::vector<BatchWritten> seen_;
};

TEST_F(BatchObserverTest, ReportsEachSyncedWriteWithItsRequestsAndEvents) {
  ASSERT_TRUE(append(append_to("a", ExpectedVersion::no_stream(), 3)));
  auto batches = seen();
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_TRUE(batches[0].ok);
  EXPECT_EQ(batches[0].requests, 1u);
  EXPECT_EQ(batches[0].events, 3u);
  EXPECT_GT(batches[0].write_duration.count(), 0);
}

TEST_F(BatchObserverTest, AGroupCommitIsOneBatchAndFailedRequestsAreNotCounted) {
  std::vector<std::future<Store::AppendOutcome>> outcomes;
  {
    WriterHold hold(*store_);
    outcomes.push_back(append_later(*store_, append_to("x", ExpectedVersion::no_stream(), 2)));
    outcomes.push_back(append_later(*store_, append_to("y", ExpectedVersion::no_stream(), 1)));
    // Fails validation in the same round: not part of the write.
    outcomes.push_back(append_later(*store_, append_to("z", ExpectedVersion::exact(7), 1)));
  }
  for (auto& outcome : outcomes) outcome.wait();
  auto batches = seen();
  ASSERT_EQ(batches.size(), 2u);  // the hold's own append, then the group
  EXPECT_EQ(batches[0].requests, 1u);
  EXPECT_EQ(batches[0].events, 1u);
  EXPECT_EQ(batches[1].requests, 2u);
  EXPECT_EQ(batches[1].events, 3u);
  EXPECT_EQ(store_->batches_written(), 2u);
}

TEST_F(BatchObserverTest, ARoundThatWritesNothingIsNotReported) {
  ASSERT_FALSE(append(append_to("never", ExpectedVersion::exact(3), 1)));
  EXPECT_TRUE(seen().empty());
}

}  // namespace
}  // namespace orgd::eventstore::testing
