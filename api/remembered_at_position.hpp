#pragma once
// Answers worked out from the read models, remembered by key with the read models' position
// at the time (`position`: the projection runner's settled position). Until that position
// moves, no event has changed any read model, so a remembered answer still holds. Nothing is
// remembered or reused while `position` has no answer (a projection stopped). At most
// `capacity` answers, all forgotten when full.
//
// Use: read position() before the read models, then find(); on a miss, work the answer out
// and remember() it with that same position -- so an answer is never stamped with a later
// position than the state it was worked out from.
//
// Thread-safety: any thread.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace orgd::api {

template <class Value>
class RememberedAtPosition {
 public:
  using Position = std::function<std::optional<std::uint64_t>()>;

  RememberedAtPosition(Position position, std::size_t capacity)
      : position_(std::move(position)), capacity_(capacity) {}

  [[nodiscard]] std::optional<std::uint64_t> position() const { return position_(); }

  // The answer remembered under `key` at `position`; null when there is none.
  [[nodiscard]] std::shared_ptr<const Value> find(const std::string& key,
                                                  std::optional<std::uint64_t> position) const {
    if (!position) return nullptr;
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    if (it == entries_.end() || it->second.position != *position) return nullptr;
    return it->second.value;
  }

  void remember(const std::string& key, std::optional<std::uint64_t> position,
                std::shared_ptr<const Value> value) const {
    if (!position) return;
    std::lock_guard lock(mutex_);
    if (entries_.size() >= capacity_) entries_.clear();
    entries_.insert_or_assign(key, Entry{*position, std::move(value)});
  }

 private:
  struct Entry {
    std::uint64_t position{0};  // the read models' position when worked out
    std::shared_ptr<const Value> value;
  };

  Position position_;
  std::size_t capacity_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::string, Entry> entries_;
};

}  // namespace orgd::api
