#include "projections/second_sight.hpp"

#include <bit>

namespace orgd::projections {

SecondSight::SecondSight(std::size_t slots)
    : slots_(std::bit_ceil(slots == 0 ? std::size_t{1} : slots), 0), mask_(slots_.size() - 1) {}

bool SecondSight::seen_again(std::uint64_t hash) {
  // An empty slot holds 0; marking every recorded hash odd keeps 0 from matching it.
  const std::uint64_t mark = hash | 1;
  std::uint64_t& slot = slots_[(hash >> 1) & mask_];
  if (slot == mark) return true;
  slot = mark;
  return false;
}

}  // namespace orgd::projections
