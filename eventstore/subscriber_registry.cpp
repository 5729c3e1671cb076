#include "eventstore/subscriber_registry.hpp"

#include <algorithm>

namespace orgd::eventstore {

void SubscriberRegistry::add(const std::shared_ptr<Subscription::State>& state) {
  std::lock_guard lock(mutex_);
  state->publish(head_);
  states_.push_back(state);
}

void SubscriberRegistry::publish(std::uint64_t head) {
  std::lock_guard lock(mutex_);
  head_ = head;
  std::erase_if(states_, [](const auto& weak) { return weak.expired(); });
  for (const auto& weak : states_) {
    if (auto state = weak.lock()) state->publish(head);
  }
}

void SubscriberRegistry::stop_all() {
  std::vector<std::weak_ptr<Subscription::State>> states;
  {
    std::lock_guard lock(mutex_);
    states.swap(states_);
  }
  // Joined without the lock: a handler may take a while, and nothing else should wait on it.
  for (const auto& weak : states) {
    if (auto state = weak.lock()) state->stop();
  }
}

}  // namespace orgd::eventstore
