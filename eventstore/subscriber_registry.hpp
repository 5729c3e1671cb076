#pragma once
// The store's live subscriptions, told whenever the durable head advances.
//
// Thread-safety: all methods from any thread. publish() is called by the writer thread after
// each durable batch; add() records the head under the same lock, so a subscription can never
// miss the publish that happens while it is being added.

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "eventstore/subscription_state.hpp"

namespace orgd::eventstore {

class SubscriberRegistry {
 public:
  explicit SubscriberRegistry(std::uint64_t head) : head_(head) {}

  void add(const std::shared_ptr<Subscription::State>& state);
  void publish(std::uint64_t head);
  // Stops and joins every subscription still alive. Called once, when the store closes.
  void stop_all();

 private:
  std::mutex mutex_;
  std::uint64_t head_;
  std::vector<std::weak_ptr<Subscription::State>> states_;
};

}  // namespace orgd::eventstore
