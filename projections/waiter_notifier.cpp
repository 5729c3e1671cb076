#include "projections/waiter_notifier.hpp"

namespace orgd::projections {
namespace {

// Waiters belong to callers. One that throws must not end the process (nothing above this
// thread would catch it) nor keep the waiters after it from their answers: its exception is
// deliberately dropped here.
void call(WaiterNotifier::Waiter& waiter, bool applied) noexcept {
  try {
    waiter(applied);
  } catch (...) {  // NOLINT(bugprone-empty-catch): see above
  }
}

}  // namespace

WaiterNotifier::WaiterNotifier() : thread_([this] { run(); }) {}

WaiterNotifier::~WaiterNotifier() { stop(); }

void WaiterNotifier::stop() {
  std::call_once(joined_, [this] {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  });
}

void WaiterNotifier::post(std::vector<Waiter> waiters, bool applied) {
  if (waiters.empty()) return;
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back({std::move(waiters), applied});
      wake_.notify_one();
      return;
    }
  }
  for (auto& waiter : waiters) call(waiter, applied);
}

void WaiterNotifier::run() {
  std::vector<Round> rounds;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to call
      rounds.swap(queue_);
    }
    for (auto& round : rounds) {
      for (auto& waiter : round.waiters) call(waiter, round.applied);
    }
    rounds.clear();
  }
}

}  // namespace orgd::projections
