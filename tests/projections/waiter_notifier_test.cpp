#include "projections/waiter_notifier.hpp"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace orgd::projections {
namespace {

TEST(WaiterNotifier, CallsWaitersInTheOrderTheyWerePostedWithTheirOutcome) {
  std::mutex mutex;
  std::vector<std::pair<int, bool>> calls;
  auto record = [&](int n) {
    return [&, n](bool applied) {
      std::lock_guard lock(mutex);
      calls.emplace_back(n, applied);
    };
  };
  {
    WaiterNotifier notifier;
    notifier.post({record(1), record(2)}, true);
    notifier.post({record(3)}, false);
    notifier.post({record(4)}, true);
  }  // stopping calls what is still queued
  const std::vector<std::pair<int, bool>> expected{{1, true}, {2, true}, {3, false}, {4, true}};
  EXPECT_EQ(calls, expected);
}

TEST(WaiterNotifier, ABlockedWaiterDoesNotBlockThePoster) {
  WaiterNotifier notifier;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<std::thread::id> ran_on;
  notifier.post({[&, released](bool) {
                  ran_on.set_value(std::this_thread::get_id());
                  released.wait();
                }},
                true);
  // post() returned while the waiter is still blocked: it runs on the notifier's own thread.
  EXPECT_NE(ran_on.get_future().get(), std::this_thread::get_id());
  std::promise<void> second;
  notifier.post({[&](bool) { second.set_value(); }}, true);
  release.set_value();
  second.get_future().wait();
}

TEST(WaiterNotifier, AThrowingWaiterIsDroppedAndTheOthersStillRun) {
  std::promise<bool> last;
  {
    WaiterNotifier notifier;
    notifier.post({[](bool) { throw std::runtime_error("a caller's bug"); },
                   [&](bool applied) { last.set_value(applied); }},
                  true);
  }
  EXPECT_TRUE(last.get_future().get());
}

TEST(WaiterNotifier, WaitersPostedAfterStopAreCalledInline) {
  WaiterNotifier notifier;
  notifier.stop();
  std::thread::id ran_on;
  bool outcome = true;
  notifier.post({[&](bool applied) {
                  ran_on = std::this_thread::get_id();
                  outcome = applied;
                }},
                false);
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  EXPECT_FALSE(outcome);
}

}  // namespace
}  // namespace orgd::projections
