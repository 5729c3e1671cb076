#include "api/login_throttle.hpp"

#include <algorithm>
#include <cctype>

namespace orgd::api {

std::string LoginThrottle::email_key(std::string_view email) {
  std::string key(email);
  std::ranges::transform(key, key.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return key;
}

std::optional<std::chrono::seconds> LoginThrottle::over_limit(const Windows& windows,
                                                              const std::string& key,
                                                              unsigned limit,
                                                              std::chrono::seconds window,
                                                              Clock::time_point now) {
  const auto it = windows.find(key);
  if (it == windows.end() || now - it->second.start >= window || it->second.count < limit) {
    return std::nullopt;
  }
  const auto left = std::chrono::ceil<std::chrono::seconds>(it->second.start + window - now);
  return std::max(left, std::chrono::seconds(1));
}

void LoginThrottle::count(Windows& windows, Pruning& pruning, const std::string& key,
                          std::chrono::seconds window, Clock::time_point now) {
  // Live counters stay; the next scan waits until they have doubled, or a window has passed
  // (by then every counter the last scan kept has expired). A scan on every attempt once
  // 65,536 addresses were live within a window took an I/O thread from 0.7 to 12 ms per
  // request (a review's flood of logins from distinct addresses).
  if (windows.size() > pruning.above ||
      (windows.size() > kPruneAbove && now - pruning.last >= window)) {
    prune(windows, window, now);
    ++scans_;
    pruning = {std::max(kPruneAbove, 2 * windows.size()), now};
  }
  auto& entry = windows[key];
  if (entry.count == 0 || now - entry.start >= window) entry = {now, 0};
  ++entry.count;
}

void LoginThrottle::prune(Windows& windows, std::chrono::seconds window, Clock::time_point now) {
  std::erase_if(windows, [&](const auto& entry) { return now - entry.second.start >= window; });
}

std::optional<std::chrono::seconds> LoginThrottle::admit(std::string_view email,
                                                         std::string_view ip,
                                                         Clock::time_point now) {
  const std::string address(ip);
  std::lock_guard lock(mutex_);
  if (auto wait =
          over_limit(attempts_by_ip_, address, limits_.attempts_per_ip, limits_.ip_window, now)) {
    return wait;
  }
  // An attempt refused for its email's lockout is an attempt from this address all the same
  // (README: "of any outcome"); it was not counted until 2026-12-05.
  count(attempts_by_ip_, ip_pruning_, address, limits_.ip_window, now);
  if (auto wait = over_limit(failures_by_email_, email_key(email), limits_.failures_per_email,
                             limits_.email_window, now)) {
    return wait;
  }
  return std::nullopt;
}

std::optional<std::chrono::seconds> LoginThrottle::locked_out(std::string_view email,
                                                              Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  return over_limit(failures_by_email_, email_key(email), limits_.failures_per_email,
                    limits_.email_window, now);
}

void LoginThrottle::record_failure(std::string_view email, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  count(failures_by_email_, email_pruning_, email_key(email), limits_.email_window, now);
}

std::size_t LoginThrottle::tracked() const {
  std::lock_guard lock(mutex_);
  return failures_by_email_.size() + attempts_by_ip_.size();
}

std::size_t LoginThrottle::scans() const {
  std::lock_guard lock(mutex_);
  return scans_;
}

void LoginThrottle::record_success(std::string_view email) {
  std::lock_guard lock(mutex_);
  failures_by_email_.erase(email_key(email));
}

}  // namespace orgd::api
