#pragma once
// Admission on second sight, for the memories that serve repeated reads (rows at a snapshot,
// organizations' JSON by their bytes). A memory that keeps everything it is offered pays a copy,
// an allocation and a map insert for each thing that never comes again: the rows of pages read
// at random, ~60k of such a page's ~730k instructions (callgrind). SecondSight admits a thing
// only when its hash was offered before: a fixed table holds one recent hash per slot, and a
// newer hash takes the slot. It errs both ways, harmlessly: a collision admits something on its
// first sight (one insert too many), a displaced hash waits for a third (one miss more). It
// never decides what a memory answers, only whether it keeps something.
//
// Thread-safety: none; a memory calls it under its own lock.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace orgd::projections {

class SecondSight {
 public:
  // `slots` is rounded up to a power of two.
  explicit SecondSight(std::size_t slots);

  // Whether `hash` was offered before (and not displaced since); records it either way.
  [[nodiscard]] bool seen_again(std::uint64_t hash);

 private:
  std::vector<std::uint64_t> slots_;
  std::uint64_t mask_;
};

}  // namespace orgd::projections
