// Subscriptions: catching up from disk, following live appends, stopping.

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "eventstore/column_families.hpp"
#include "eventstore/key_encoding.hpp"
#include "store_fixture.hpp"

namespace orgd::eventstore::testing {
namespace {

// Collects what a subscription delivers; lets the test wait for a count.
class Collector {
 public:
  SubscriptionHandler handler() {
    return [this](std::span<const Envelope> envelopes) {
      {
        std::lock_guard lock(mutex_);
        received_.insert(received_.end(), envelopes.begin(), envelopes.end());
        ++calls_;
      }
      changed_.notify_all();
      return true;
    };
  }

  // The envelopes once there are at least `count`. The deadline only keeps a broken build
  // from hanging; no assertion depends on timing.
  std::vector<Envelope> wait_for(std::size_t count) {
    std::unique_lock lock(mutex_);
    const bool reached = changed_.wait_for(lock, std::chrono::seconds(60),
                                           [&] { return received_.size() >= count; });
    EXPECT_TRUE(reached) << "received " << received_.size() << " of " << count;
    return received_;
  }

  int calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Envelope> received_;
  int calls_{0};
};

std::vector<std::uint64_t> range(std::uint64_t first, std::uint64_t last) {
  std::vector<std::uint64_t> out;
  for (auto p = first; p <= last; ++p) out.push_back(p);
  return out;
}

class SubscriptionTest : public StoreTest {};

TEST_F(SubscriptionTest, SeesExactlyTheCommittedLogWhileWritersRace) {
  ASSERT_TRUE(append(append_to("before", ExpectedVersion::any(), 5)));
  Collector collector;
  auto subscription = store_->subscribe(0, collector.handler());
  constexpr int kThreads = 4;
  constexpr int kAppendsPerThread = 40;
  {
    std::vector<std::jthread> writers;
    for (int t = 0; t < kThreads; ++t) {
      writers.emplace_back([&, t] {
        for (int i = 0; i < kAppendsPerThread; ++i) {
          const auto events = 1 + (i % 3);
          EXPECT_TRUE(
              store_->append(append_to("w-" + std::to_string(t), ExpectedVersion::any(), events)));
        }
      });
    }
  }
  const std::uint64_t head = store_->head_position();
  const auto received = collector.wait_for(head);
  subscription.stop();
  EXPECT_EQ(positions(received), range(1, head)) << "no gaps, no repeats";
  EXPECT_EQ(received, all());
  EXPECT_FALSE(subscription.error());
}

TEST_F(SubscriptionTest, StartsAtTheRequestedPositionAndFollowsLiveAppends) {
  ASSERT_TRUE(append(append_to("a", ExpectedVersion::any(), 10)));
  Collector collector;
  auto subscription = store_->subscribe(6, collector.handler());
  EXPECT_EQ(positions(collector.wait_for(5)), range(6, 10));
  ASSERT_TRUE(append(append_to("a", ExpectedVersion::any(), 2)));
  EXPECT_EQ(positions(collector.wait_for(7)), range(6, 12));
}

TEST_F(SubscriptionTest, BeyondTheHeadItWaitsForThatPosition) {
  ASSERT_TRUE(append(append_to("a", ExpectedVersion::any(), 2)));
  Collector collector;
  auto subscription = store_->subscribe(4, collector.handler());
  ASSERT_TRUE(append(append_to("a", ExpectedVersion::any(), 3)));  // 3, 4, 5
  EXPECT_EQ(positions(collector.wait_for(2)), range(4, 5));
}

TEST_F(SubscriptionTest, AHandlerReturningFalseIsNotCalledAgain) {
  ASSERT_TRUE(append(append_to("a", ExpectedVersion::any(), 3)));
  std::promise<void> called;
  int calls = 0;
  auto subscription = store_->subscribe(1, [&](std::span<const Envelope>) {
    if (++calls == 1) called.set_value();
    return false;
  });
  called.get_future().wait();
  ASSERT_TRUE(append(append_to("a", ExpectedVersion::any(), 3)));
  subscription.stop();
  subscription.stop();  // idempotent
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(subscription.error());
}

// A gap in the log ends delivery before anything past it; the failure callback is told why,
// once, and error() reports the same.
TEST_F(SubscriptionTest, AGapInTheLogEndsDeliveryAndTellsTheFailureCallback) {
  ASSERT_TRUE(append(append_to("a", ExpectedVersion::any(), 3)));  // 1, 2, 3
  ASSERT_TRUE(store_->db()
                  ->Delete(rocksdb::WriteOptions(), store_->column_family(kEventsCf), event_key(2))
                  .ok());
  // Shared: the callback may outlive a failed assertion below until the fixture stops it.
  auto told = std::make_shared<std::promise<StoreError>>();
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto failure = told->get_future();
  auto subscription = store_->subscribe(
      1, [](std::span<const Envelope>) { return true; },
      [told, calls](const StoreError& error) {
        if (++*calls == 1) told->set_value(error);
      });
  ASSERT_EQ(failure.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  const StoreError error = failure.get();
  EXPECT_EQ(error.code, StoreErrorCode::corruption);
  EXPECT_NE(error.message.find("gap in the log"), std::string::npos) << error.message;
  subscription.stop();
  EXPECT_EQ(calls->load(), 1);
  ASSERT_TRUE(subscription.error());
  EXPECT_EQ(subscription.error()->message, error.message);
}

TEST_F(SubscriptionTest, AThrowingHandlerEndsDeliveryWithAnError) {
  ASSERT_TRUE(append(append_to("a", ExpectedVersion::any())));
  std::promise<void> thrown;
  auto subscription = store_->subscribe(1, [&](std::span<const Envelope>) -> bool {
    thrown.set_value();
    throw std::runtime_error("handler bug");
  });
  thrown.get_future().wait();
  subscription.stop();  // joins: the error is recorded by then
  ASSERT_TRUE(subscription.error());
  EXPECT_NE(subscription.error()->message.find("handler bug"), std::string::npos);
}

TEST_F(SubscriptionTest, AHandlerMayStopItsOwnSubscription) {
  ASSERT_TRUE(append(append_to("a", ExpectedVersion::any())));
  // Shared, because the handler's thread ends after the handler returns, unjoined.
  auto handle = std::make_shared<std::mutex>();  // subscribe() assigns while the handler runs
  auto stopped = std::make_shared<std::promise<void>>();
  Subscription subscription;
  {
    std::lock_guard assigning(*handle);
    subscription = store_->subscribe(1, [&subscription, handle, stopped](auto) {
      {
        std::lock_guard lock(*handle);
        subscription.stop();
      }
      stopped->set_value();
      return true;
    });
  }
  stopped->get_future().wait();
  subscription.stop();
}

TEST_F(SubscriptionTest, ClosingTheStoreStopsSubscriptionsThatOutliveIt) {
  Collector collector;
  auto subscription = store_->subscribe(1, collector.handler());
  ASSERT_TRUE(append(append_to("a", ExpectedVersion::any())));
  collector.wait_for(1);
  store_.reset();
  subscription.stop();
  EXPECT_EQ(collector.calls(), 1);
}

}  // namespace
}  // namespace orgd::eventstore::testing
