#pragma once
// Login rate limiting, against password guessing and against the CPU and memory each login
// costs (an argon2id verification: ~0.1 s and 64 MiB).
//
// Two fixed-window counters: failed logins per email (case-insensitive), and login attempts
// of any outcome per client IP address. Failures are also counted under "customer:<id>" in
// place of an email: a login's, once its email named a customer, and a password change's
// wrong current password. An email can be changed without the password, an id cannot. An attempt
// over either limit is refused before any password is hashed; the caller answers 429 with
// Retry-After. A successful login clears its email's failures. Counters live in memory only (a
// restart forgets them) and expired ones are dropped once more than kPruneAbove are held, and
// after that once twice as many as the last scan left are held or a window has passed since it,
// so memory stays bounded by the request rate and a scan costs each attempt O(1) however many
// are live.
//
// Thread-safety: every method may be called from any thread.

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace orgd::api {

struct LoginLimits {
  // Failed logins per email per window before further attempts for it are refused.
  // Default: 5 per 300 s.
  unsigned failures_per_email{5};
  std::chrono::seconds email_window{300};
  // Login attempts per client IP address per window. Default: 60 per 60 s.
  unsigned attempts_per_ip{60};
  std::chrono::seconds ip_window{60};
};

// The key a customer's failures are counted under beside its email's.
[[nodiscard]] inline std::string throttled_customer(std::string_view customer_id) {
  return "customer:" + std::string(customer_id);
}

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kPruneAbove = 65'536;

  explicit LoginThrottle(LoginLimits limits) : limits_(limits) {}

  // Counts an attempt against `ip`. nullopt when it may proceed; otherwise how long until it
  // may (whole seconds, at least 1).
  [[nodiscard]] std::optional<std::chrono::seconds> admit(std::string_view email,
                                                          std::string_view ip,
                                                          Clock::time_point now);
  // Whether `email`'s failures are over the limit, without counting an attempt: for a second
  // key of the same account once it is known (a login counts under the email it names and
  // under its customer's id, which a renamed email does not reset).
  [[nodiscard]] std::optional<std::chrono::seconds> locked_out(std::string_view email,
                                                               Clock::time_point now) const;
  void record_failure(std::string_view email, Clock::time_point now);
  void record_success(std::string_view email);
  // Emails and addresses with a counter held, and the scans for expired ones so far (for tests
  // of the memory bound and its cost).
  [[nodiscard]] std::size_t tracked() const;
  [[nodiscard]] std::size_t scans() const;

 private:
  struct Window {
    Clock::time_point start;
    unsigned count{0};
  };
  using Windows = std::unordered_map<std::string, Window>;

  static std::string email_key(std::string_view email);
  static std::optional<std::chrono::seconds> over_limit(const Windows& windows,
                                                        const std::string& key, unsigned limit,
                                                        std::chrono::seconds window,
                                                        Clock::time_point now);
  // When a map is scanned for expired counters next: once it holds more than `above`, or
  // more than kPruneAbove a window after `last`.
  struct Pruning {
    std::size_t above{kPruneAbove};
    Clock::time_point last{};
  };
  void count(Windows& windows, Pruning& pruning, const std::string& key,
             std::chrono::seconds window, Clock::time_point now);
  static void prune(Windows& windows, std::chrono::seconds window, Clock::time_point now);

  const LoginLimits limits_;
  mutable std::mutex mutex_;
  Windows failures_by_email_;  // guarded by mutex_
  Windows attempts_by_ip_;     // guarded by mutex_
  Pruning email_pruning_;      // guarded by mutex_
  Pruning ip_pruning_;         // guarded by mutex_
  std::size_t scans_{0};  // guarded by mutex_
};

}  // namespace orgd::api
