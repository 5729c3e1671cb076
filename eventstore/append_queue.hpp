#pragma once
// The hand-off between appending threads and the writer thread.
//
// Thread-safety: push() and close() from any thread; take() from the writer thread only.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

#include "eventstore/store.hpp"

namespace orgd::eventstore {

struct PendingAppend {
  AppendRequest request;
  Store::AppendCallback done;
};

class AppendQueue {
 public:
  // Takes `pending` and returns true, or returns false (leaving it untouched) once closed.
  [[nodiscard]] bool push(PendingAppend& pending) {
    {
      std::lock_guard lock(mutex_);
      if (closed_) return false;
      queue_.push_back(std::move(pending));
    }
    ready_.notify_one();
    return true;
  }

  // Waits for work; returns everything queued, oldest first, up to `max`. Returns empty only
  // when the queue is closed and drained, so close() never loses a queued request.
  [[nodiscard]] std::vector<PendingAppend> take(std::size_t max) {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [this] { return closed_ || !queue_.empty(); });
    std::vector<PendingAppend> taken;
    const std::size_t count = std::min(max, queue_.size());
    taken.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      taken.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    return taken;
  }

  // As take(), but also returns empty once `timeout` passed without work: finished() then
  // tells a quiet queue from a closed and drained one.
  [[nodiscard]] std::vector<PendingAppend> take_within(std::size_t max,
                                                       std::chrono::milliseconds timeout) {
    {
      std::unique_lock lock(mutex_);
      if (!ready_.wait_for(lock, timeout, [this] { return closed_ || !queue_.empty(); })) {
        return {};
      }
    }
    return take(max);
  }

  [[nodiscard]] bool finished() {
    std::lock_guard lock(mutex_);
    return closed_ && queue_.empty();
  }

  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<PendingAppend> queue_;
  bool closed_{false};
};

}  // namespace orgd::eventstore
