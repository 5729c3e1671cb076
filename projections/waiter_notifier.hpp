#pragma once
// Calls read-your-writes waiters on a thread of its own, in the order they were handed over.
// The projection thread hands them here instead of calling them itself: a command's waiter
// reads its row and builds its response (tens of microseconds each, for every command of a
// round), and meanwhile the next events would wait.
//
// Thread-safety: post() may be called from any thread; stop() from any thread but the
// notifier's own (so never from a waiter). A waiter that throws is dropped, the others still
// run.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace orgd::projections {

class WaiterNotifier {
 public:
  using Waiter = std::function<void(bool applied)>;

  WaiterNotifier();
  // Calls what is still queued, then joins the thread. Waiters posted afterwards are called
  // inline.
  void stop();
  ~WaiterNotifier();
  WaiterNotifier(const WaiterNotifier&) = delete;
  WaiterNotifier& operator=(const WaiterNotifier&) = delete;

  void post(std::vector<Waiter> waiters, bool applied);

 private:
  struct Round {
    std::vector<Waiter> waiters;
    bool applied;
  };
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Round> queue_;  // guarded by mutex_
  bool stopping_{false};      // guarded by mutex_
  std::once_flag joined_;
  std::thread thread_;  // last: starts once everything above is initialised
};

}  // namespace orgd::projections
