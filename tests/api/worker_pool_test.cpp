// The worker pool's stop: queued tasks still run (or, asked to, are dropped unrun), later posts
// are refused (the command runner's retries rely on it while the projection runner releases
// them during shutdown).

#include "api/worker_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <thread>

namespace orgd::api {
namespace {

TEST(WorkerPoolTest, StopRunsTheQueuedTasksThenRefusesNewOnes) {
  WorkerPool pool(1);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> ran{0};
  // The first task holds the only thread, so the others are still queued when stop begins.
  ASSERT_TRUE(pool.try_post([released, &ran] {
    released.wait();
    ++ran;
  }));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(pool.try_post([&ran] { ++ran; }));
  auto stopping = std::async(std::launch::async, [&pool] { pool.stop(); });
  // stop() has begun once posts are refused; until then a post is accepted and runs too.
  int accepted_meanwhile = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool refused = false;
  while (!refused && std::chrono::steady_clock::now() < deadline) {
    refused = !pool.try_post([&ran] { ++ran; });
    if (!refused) ++accepted_meanwhile;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(refused) << "stop() never began refusing posts";
  release.set_value();
  stopping.get();
  EXPECT_EQ(ran.load(), 4 + accepted_meanwhile);
  EXPECT_FALSE(pool.try_post([&ran] { ++ran; }));
  pool.stop();  // idempotent
  EXPECT_EQ(ran.load(), 4 + accepted_meanwhile);
}

// Shutdown drops the password work nobody will get an answer for: the queued tasks are
// destroyed unrun (what they hold released), the running one finishes.
TEST(WorkerPoolTest, StopCanDropTheQueuedTasksUnrun) {
  WorkerPool pool(1);
  std::promise<void> started;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> ran{0};
  ASSERT_TRUE(pool.try_post([&started, released, &ran] {
    started.set_value();
    released.wait();
    ++ran;
  }));
  started.get_future().wait();
  auto held = std::make_shared<int>(0);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(pool.try_post([held, &ran] { ++ran; }));
  EXPECT_EQ(held.use_count(), 4);
  auto stopping = std::async(std::launch::async, [&pool] { pool.stop(WorkerPool::Queued::drop); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (pool.try_post([&ran] { ++ran; }) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  // Posts accepted before stop() began were queued behind the running task: dropped too.
  release.set_value();
  stopping.get();
  EXPECT_EQ(ran.load(), 1) << "only the task that was running";
  EXPECT_EQ(held.use_count(), 1) << "the dropped tasks were destroyed";
  EXPECT_EQ(pool.queued(), 0U);
}

}  // namespace
}  // namespace orgd::api
