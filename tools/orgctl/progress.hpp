#pragma once
// Progress of a long replay for people and for logs: on a terminal, one line redrawn in place
// (bar, events done, events/s, ETA) at most ten times a second; otherwise a plain line at each
// tenth of the work, so a log file stays short. Thread-safety: one thread.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace orgd::tools {

class Progress {
 public:
  // Draws on `out`; a terminal is detected with isatty().
  explicit Progress(std::string label, std::FILE* out = stdout);
  void update(std::uint64_t done, std::uint64_t total);
  // The closing line: events, seconds and events/s.
  void finish(std::uint64_t done);
  [[nodiscard]] double seconds() const;

 private:
  [[nodiscard]] std::string line(std::uint64_t done, std::uint64_t total) const;

  std::string label_;
  std::FILE* out_;
  bool terminal_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point drawn_{};
  std::uint64_t next_tenth_{1};
};

}  // namespace orgd::tools
