#pragma once
// The one way a fuzz target reports a broken invariant: a message, then abort(), which
// libFuzzer records as a crash with the input that caused it.

#include <cstdio>
#include <cstdlib>

inline void fuzz_check(bool holds, const char* invariant) {
  if (holds) return;
  std::fprintf(stderr, "fuzz invariant violated: %s\n", invariant);
  std::abort();
}
