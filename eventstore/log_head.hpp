#pragma once
// The durable end of the log: what the next append chains from.
//
// Thread-safety: only the writer thread calls advance(); any thread may read. position() is
// lock-free because readers bound every read by it.

#include <atomic>
#include <cstdint>
#include <mutex>

#include "eventstore/envelope.hpp"

namespace orgd::eventstore {

// The last committed envelope's position, hash and time (all zero for an empty log).
struct ChainTip {
  std::uint64_t position{0};
  Hash hash{};
  std::int64_t timestamp_ms{0};
};

class LogHead {
 public:
  explicit LogHead(const ChainTip& tip) : position_(tip.position), tip_(tip) {}

  [[nodiscard]] std::uint64_t position() const { return position_.load(std::memory_order_acquire); }

  [[nodiscard]] ChainTip tip() const {
    std::lock_guard lock(mutex_);
    return tip_;
  }

  // Called once a batch holding everything up to `tip` is durable.
  void advance(const ChainTip& tip) {
    {
      std::lock_guard lock(mutex_);
      tip_ = tip;
    }
    position_.store(tip.position, std::memory_order_release);
  }

 private:
  std::atomic<std::uint64_t> position_;
  mutable std::mutex mutex_;
  ChainTip tip_;
};

}  // namespace orgd::eventstore
