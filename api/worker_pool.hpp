#pragma once
// A few threads for work that must not run on I/O threads or the event store's writer:
// password hashing (~0.1 s each), command retries after a concurrent change (each in a pool
// of its own).
//
// Thread-safety: post() and try_post() from any thread. stop() (and the destructor) runs every
// queued task, or drops the ones not started yet, then joins; posts after it are refused.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace orgd::api {

class WorkerPool {
 public:
  explicit WorkerPool(unsigned threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Tasks must not throw (an escaping exception is caught and dropped). A task posted after
  // stop() began is dropped: callers that can post while the pool stops use try_post.
  void post(std::function<void()> task);
  // False, and the task dropped, once stop() began.
  [[nodiscard]] bool try_post(std::function<void()> task);
  enum class Queued : bool { run, drop };
  // Runs the queued tasks (or destroys them unrun: work whose answer has nowhere to go), then
  // joins; later posts are refused. Idempotent; not from a task.
  void stop(Queued queued = Queued::run);
  // Tasks posted and not yet started: what a caller bounds before posting more.
  [[nodiscard]] std::size_t queued() const;

 private:
  void run();
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_{false};
  std::vector<std::thread> threads_;
};

}  // namespace orgd::api
