#pragma once
// Login rate limiting, against password guessing and against the CPU and memory each login
// costs (an argon2id verification: ~0.1 s and 64 MiB).
//
// Two fixed-window counters: failed logins per account, and login attempts of any outcome per
// client IP address. A customer's account is "customer:<id>" (an email can be changed without
// the password, an id cannot): a login's failures count there once its email named a customer,
// and so does a password change's wrong current password. A login naming no customer counts
// under its email (case-insensitive), so an unknown email is refused as often as a real one.
// An attempt over either limit is refused before any password is hashed; the caller answers
// 429 with Retry-After.
//
// Familiar addresses (after the "smart lockout" of identity providers): an address an account
// logged in from within `familiar_for` has a failure counter of its own for that account, and
// the account's shared counter counts only the other addresses. So failures sent from
// elsewhere -- anyone who knows an email can send them -- lock out strangers, not the account's
// owner at the address it logs in from; and guessing from many addresses still stops at the
// shared limit. A success makes its address familiar with a clear count of its own (at most
// `familiar_per_account` per account, the least recent forgotten first) and leaves the shared
// count alone: the owner's login gives whoever guesses from elsewhere no fresh round. Only a
// customer's account gets familiar addresses (its id's entry), so they are bounded by the
// customers, 8 each.
//
// An address is counted as its block (address_block in api/http/client_address.hpp): an IPv4
// address, or an IPv6 address's /64, since one IPv6 host may send from any address of its /64.
// Behind a reverse proxy the address is the client the proxy names, for proxies the operator
// trusts (--trusted-proxies).
//
// Counters live in memory only (a restart forgets them, and which addresses are familiar).
// Expired ones are dropped once more than kPruneAbove are held, and after that once twice as
// many as the last scan left are held or a window has passed since it, so memory stays bounded
// by the request rate (familiar addresses by the successful logins) and a scan costs each
// attempt O(1) however many are live.
//
// Thread-safety: every method may be called from any thread.

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace orgd::api {

struct LoginLimits {
  // Failed logins per account per window before further attempts for it are refused: from
  // its unfamiliar addresses together, and from each familiar address on its own.
  // Default: 5 per 300 s.
  unsigned failures_per_email{5};
  std::chrono::seconds email_window{300};
  // Login attempts per client IP address per window. Default: 60 per 60 s.
  unsigned attempts_per_ip{60};
  std::chrono::seconds ip_window{60};
  // How long after its last successful login an address stays familiar to an account, and
  // how many addresses an account keeps familiar.
  std::chrono::seconds familiar_for{std::chrono::days(30)};
  std::size_t familiar_per_account{8};
};

// The keys failures are counted under: a customer's, and an email's that names none. Apart, so
// that no email typed can count against a customer.
[[nodiscard]] inline std::string throttled_customer(std::string_view customer_id) {
  return "customer:" + std::string(customer_id);
}
[[nodiscard]] inline std::string throttled_unknown_email(std::string_view email) {
  return "email:" + std::string(email);
}

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kPruneAbove = 65'536;

  explicit LoginThrottle(LoginLimits limits) : limits_(limits) {}

  // Counts an attempt against `ip`. nullopt when it may proceed; otherwise how long until it
  // may (whole seconds, at least 1).
  [[nodiscard]] std::optional<std::chrono::seconds> admit_address(std::string_view ip,
                                                                  Clock::time_point now);
  // admit_address, then locked_out.
  [[nodiscard]] std::optional<std::chrono::seconds> admit(std::string_view account,
                                                          std::string_view ip,
                                                          Clock::time_point now);
  // Counts a failure of `account` from `ip` before the password is checked, unless it is over
  // the limit already (then how long until it is not); refund_failure once the password proves
  // right. Checked and counted in one step: checked first and counted after argon2id, logins
  // sent at once all passed the check, and an account got one guess more per worker thread.
  [[nodiscard]] std::optional<std::chrono::seconds> claim_failure(std::string_view account,
                                                                  std::string_view ip,
                                                                  Clock::time_point now);
  // Takes back a failure claim_failure counted (the password was right).
  void refund_failure(std::string_view account, std::string_view ip, Clock::time_point now);
  // Whether `account`'s failures as seen from `ip` are over the limit, without counting an
  // attempt.
  [[nodiscard]] std::optional<std::chrono::seconds> locked_out(std::string_view account,
                                                               std::string_view ip,
                                                               Clock::time_point now) const;
  void record_failure(std::string_view account, std::string_view ip, Clock::time_point now);
  // Makes `ip` familiar to `account`, with no failures of its own.
  void record_success(std::string_view account, std::string_view ip, Clock::time_point now);
  // Forgets the account's failures and familiar addresses (a password change: whoever held
  // the old password loses the addresses it logged in from).
  void forget(std::string_view account);
  // Accounts and addresses with a counter held, and the scans for expired ones so far (for
  // tests of the memory bound and its cost).
  [[nodiscard]] std::size_t tracked() const;
  [[nodiscard]] std::size_t scans() const;

 private:
  struct Window {
    Clock::time_point start;
    unsigned count{0};
  };
  struct Familiar {
    std::string ip;
    Clock::time_point last_success;
    Window failures;
  };
  struct Account {
    Window unfamiliar;  // failures from every address not in `familiar`
    std::vector<Familiar> familiar;
  };
  // When a map is scanned for expired counters next: once it holds more than `above`, or
  // more than kPruneAbove a window after `last`.
  struct Pruning {
    std::size_t above{kPruneAbove};
    Clock::time_point last{};
  };

  static std::string account_key(std::string_view account);
  [[nodiscard]] static std::optional<std::chrono::seconds> over_limit(const Window* window,
                                                                      unsigned limit,
                                                                      std::chrono::seconds length,
                                                                      Clock::time_point now);
  static void count(Window& window, std::chrono::seconds length, Clock::time_point now);
  // The counter `ip`'s failures for `account` go to: its own when familiar, else the shared one.
  [[nodiscard]] const Window* failures_seen_from(const Account& account, std::string_view ip,
                                                 Clock::time_point now) const;
  [[nodiscard]] Window& failures_seen_from(Account& account, std::string_view ip,
                                           Clock::time_point now) const;
  [[nodiscard]] bool expired(const Account& account, Clock::time_point now) const;
  template <class Map, class Expired>
  void prune_when_due(Map& map, Pruning& pruning, std::chrono::seconds length,
                      Clock::time_point now, Expired expired);

  const LoginLimits limits_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Account> accounts_;       // guarded by mutex_
  std::unordered_map<std::string, Window> attempts_by_ip_;  // guarded by mutex_
  Pruning account_pruning_;                                 // guarded by mutex_
  Pruning ip_pruning_;                                      // guarded by mutex_
  std::size_t scans_{0};                                    // guarded by mutex_
};

}  // namespace orgd::api
