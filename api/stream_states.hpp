#pragma once
// The states aggregates' streams folded to, remembered by stream id at the version they
// reached, so that loading one again folds only the events appended since (AggregateLoader).
// A stream's events never change once committed, so a state remembered at version v and the
// events after v are the stream's state, whatever happened in between. Without it every
// command replayed its aggregates' whole streams: a black-box review measured a PUT on an
// organization of ~10,100 events at 33-44 ms p50 (0.7-1.1 ms on a fresh one), and a parent's
// next child slower with each child it had.
//
// Only streams of kRememberedFrom events or more are remembered: shorter ones fold in a few
// microseconds. At most kMostStates states and kMostWeight events folded into them in all
// (a state grows with its stream at most: a membership with each member): past either, all
// are forgotten, as orgd's other memories are.
//
// Thread-safety: any thread.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace orgd::api {

template <class State>
class StreamStates {
 public:
  static constexpr std::uint64_t kRememberedFrom = 16;
  static constexpr std::size_t kMostStates = 1024;
  static constexpr std::uint64_t kMostWeight = 1'000'000;

  // Shared and never changed: a large state (a membership of many members) is copied by its
  // loader outside the lock.
  struct Known {
    std::shared_ptr<const State> state;
    std::uint64_t version{0};  // of the stream's last event folded into `state`
  };

  [[nodiscard]] std::optional<Known> find(const std::string& stream) const {
    std::lock_guard lock(mutex_);
    const auto known = known_.find(stream);
    if (known == known_.end()) return std::nullopt;
    return known->second;
  }

  void remember(const std::string& stream, const State& state, std::uint64_t version) {
    if (version < kRememberedFrom) return;
    auto shared = std::make_shared<const State>(state);
    std::lock_guard lock(mutex_);
    auto [slot, added] = known_.try_emplace(stream);
    if (!added && slot->second.version >= version) return;  // a later fold got there first
    weight_ += version - (added ? 0 : slot->second.version);
    slot->second = Known{std::move(shared), version};
    if (known_.size() > kMostStates || weight_ > kMostWeight) {
      known_.clear();
      weight_ = 0;
    }
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Known> known_;
  std::uint64_t weight_{0};
};

}  // namespace orgd::api
