#include "tools/orgctl/progress.hpp"

#include <unistd.h>

namespace orgd::tools {
namespace {

constexpr int kBarWidth = 24;

std::string eta_text(double seconds) {
  if (seconds < 0 || seconds > 99 * 3600) return "--:--";
  const auto s = static_cast<long>(seconds + 0.5);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%02ld:%02ld", s / 60, s % 60);
  return buffer;
}

}  // namespace

Progress::Progress(std::string label, std::FILE* out)
    : label_(std::move(label)),
      out_(out),
      terminal_(isatty(fileno(out)) == 1),
      started_(std::chrono::steady_clock::now()) {}

double Progress::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

std::string Progress::line(std::uint64_t done, std::uint64_t total) const {
  const double elapsed = seconds();
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  const double fraction = total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
  const double eta = rate > 0 ? static_cast<double>(total - std::min(done, total)) / rate : -1;
  std::string bar(kBarWidth, '.');
  for (int i = 0; i < static_cast<int>(fraction * kBarWidth) && i < kBarWidth; ++i) bar[i] = '#';
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, "%s [%s] %3d%% %llu/%llu events %.0f events/s ETA %s",
                label_.c_str(), bar.c_str(), static_cast<int>(fraction * 100),
                static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                rate, eta_text(eta).c_str());
  return buffer;
}

void Progress::update(std::uint64_t done, std::uint64_t total) {
  if (terminal_) {
    const auto now = std::chrono::steady_clock::now();
    if (now - drawn_ < std::chrono::milliseconds(100) && done < total) return;
    drawn_ = now;
    std::fprintf(out_, "\r%s\x1b[K", line(done, total).c_str());
    std::fflush(out_);
    return;
  }
  // Plain: a line each time another tenth is done.
  if (total == 0 || done * 10 < next_tenth_ * total) return;
  while (done * 10 >= next_tenth_ * total && next_tenth_ <= 10) ++next_tenth_;
  std::fprintf(out_, "%s\n", line(done, total).c_str());
}

void Progress::finish(std::uint64_t done) {
  const double elapsed = seconds();
  if (terminal_) std::fprintf(out_, "\r\x1b[K");
  std::fprintf(out_, "%s: %llu events in %.2f s (%.0f events/s)\n", label_.c_str(),
               static_cast<unsigned long long>(done), elapsed,
               elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0);
  std::fflush(out_);
}

}  // namespace orgd::tools
