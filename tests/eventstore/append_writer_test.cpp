// Group commit: concurrency, batching, isolation of requests within a batch, shutdown.

#include "eventstore/append_writer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <latch>
#include <thread>
#include <vector>

#include "store_fixture.hpp"

namespace orgd::eventstore::testing {
namespace {

class AppendWriterTest : public StoreTest {};

TEST_F(AppendWriterTest, ExactlyOneOfRacingWritersWinsEachVersion) {
  constexpr int kThreads = 8;
  constexpr std::uint64_t kVersions = 60;
  std::vector<std::atomic<int>> wins(kVersions);
  std::atomic<int> unexpected_errors{0};
  std::barrier round(kThreads);
  std::vector<std::jthread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (std::uint64_t v = 0; v < kVersions; ++v) {
        round.arrive_and_wait();  // everyone expects version v at once
        const auto result = store_->append(append_to("race", ExpectedVersion::exact(v)));
        if (result) {
          ++wins[v];
        } else if (result.error().code != AppendErrorCode::version_conflict ||
                   result.error().stream_id != "race" || result.error().actual_version != v + 1) {
          ++unexpected_errors;
        }
      }
    });
  }
  threads.clear();

  EXPECT_EQ(unexpected_errors, 0);
  for (std::uint64_t v = 0; v < kVersions; ++v) EXPECT_EQ(wins[v], 1) << "version " << v;
  const auto stream = store_->read_stream("race");
  ASSERT_TRUE(stream);
  ASSERT_EQ(stream->size(), kVersions);
  for (std::uint64_t i = 0; i < kVersions; ++i) {
    EXPECT_EQ((*stream)[i].position, i + 1);
    EXPECT_EQ((*stream)[i].version, i + 1);
  }
  EXPECT_EQ(store_->head_position(), kVersions);
}

TEST_F(AppendWriterTest, ConcurrentAppendsShareSyncedBatches) {
  constexpr int kThreads = 64;
  constexpr int kAppendsPerThread = 6;
  std::vector<std::vector<std::uint64_t>> acknowledged(kThreads);
  std::atomic<int> failures{0};
  std::latch all_queued(kThreads);
  {
    // The first append of every thread is queued while the writer is held, so at least those
    // 64 share one batch whatever the scheduling; the rest group as they happen to.
    WriterHold hold(*store_);
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        const std::string stream = "g-" + std::to_string(t);
        auto first = append_later(*store_, append_to(stream, ExpectedVersion::no_stream()));
        all_queued.count_down();
        auto outcome = first.get();
        for (std::uint64_t v = 1; v <= kAppendsPerThread; ++v) {
          if (!outcome) {
            ++failures;
            return;
          }
          acknowledged[t].push_back(outcome->first_position);
          if (v < kAppendsPerThread)
            outcome = store_->append(append_to(stream, ExpectedVersion::exact(v)));
        }
      });
    }
    all_queued.wait();
    hold.release();
  }

  ASSERT_EQ(failures, 0);
  constexpr std::uint64_t kAppends = kThreads * kAppendsPerThread;
  EXPECT_LT(store_->batches_written(), kAppends);
  EXPECT_LE(store_->batches_written(), 1 + kAppends - (kThreads - 1));
  for (int t = 0; t < kThreads; ++t) {
    const auto stream = store_->read_stream("g-" + std::to_string(t));
    ASSERT_TRUE(stream);
    ASSERT_EQ(stream->size(), acknowledged[t].size());
    for (std::size_t i = 0; i < stream->size(); ++i) {
      EXPECT_EQ((*stream)[i].position, acknowledged[t][i]);
    }
  }
  EXPECT_EQ(all().size(), kAppends + 1);  // + the hold's own append
}

TEST_F(AppendWriterTest, AFailingRequestDoesNotDisturbOthersInItsBatch) {
  ASSERT_TRUE(append(claim("name", "acme", "org-0")));
  const auto batches_before = store_->batches_written();
  WriterHold hold(*store_);
  auto first = append_later(*store_, append_to("org-1", ExpectedVersion::no_stream()));
  // Judged against org-1 as `first` left it, though neither is committed yet.
  auto conflicting = append_later(*store_, append_to("org-1", ExpectedVersion::no_stream()));
  AppendRequest taken = append_to("org-2", ExpectedVersion::no_stream());
  taken.claims.push_back({"name", "acme", "org-2"});
  auto claim_fails = append_later(*store_, taken);
  auto next = append_later(*store_, append_to("org-1", ExpectedVersion::exact(1)));
  AppendRequest claimed = append_to("org-3", ExpectedVersion::no_stream());
  claimed.claims.push_back({"name", "other", "org-3"});
  auto last = append_later(*store_, claimed);
  hold.release();

  const auto a = first.get();
  const auto b = conflicting.get();
  const auto c = claim_fails.get();
  const auto d = next.get();
  const auto e = last.get();
  ASSERT_TRUE(a && d && e);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, AppendErrorCode::version_conflict);
  EXPECT_EQ(b.error().actual_version, 1u);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, AppendErrorCode::claim_taken);
  EXPECT_EQ(a->first_position, 2u);  // after the hold's append
  EXPECT_EQ(d->first_position, 3u);
  EXPECT_EQ(d->stream_versions, (std::vector<std::uint64_t>{2}));
  EXPECT_EQ(e->first_position, 4u);
  EXPECT_EQ(store_->batches_written(), batches_before + 2) << "the hold's batch, then one";
  EXPECT_EQ(store_->stream_version("org-2"), 0u);
  EXPECT_EQ(owner("name", "other"), std::optional<std::string>("org-3"));
  EXPECT_EQ(all().size(), 4u);
}

TEST_F(AppendWriterTest, ACallbackThatThrowsDoesNotStopTheWriter) {
  store_->append_async(append_to("a", ExpectedVersion::any()),
                       [](Store::AppendOutcome) { throw std::runtime_error("caller bug"); });
  EXPECT_TRUE(append(append_to("a", ExpectedVersion::any())));
  EXPECT_EQ(store_->head_position(), 2u);
}

TEST_F(AppendWriterTest, ClosingCompletesEveryQueuedAppend) {
  constexpr int kAppends = 200;
  std::vector<std::future<Store::AppendOutcome>> outcomes;
  for (int i = 0; i < kAppends; ++i) {
    outcomes.push_back(append_later(*store_, append_to("s", ExpectedVersion::any())));
  }
  store_.reset();
  for (auto& outcome : outcomes) EXPECT_TRUE(outcome.get());
  reopen();
  EXPECT_EQ(store_->head_position(), static_cast<std::uint64_t>(kAppends));
}

}  // namespace
}  // namespace orgd::eventstore::testing
