#include "api/login_throttle.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <utility>

#include "api/http/client_address.hpp"

namespace orgd::api {

std::string LoginThrottle::account_key(std::string_view account) {
  std::string key(account);
  std::ranges::transform(key, key.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return key;
}

std::optional<std::chrono::seconds> LoginThrottle::over_limit(const Window* window, unsigned limit,
                                                              std::chrono::seconds length,
                                                              Clock::time_point now) {
  if (window == nullptr || now - window->start >= length || window->count < limit) {
    return std::nullopt;
  }
  const auto left = std::chrono::ceil<std::chrono::seconds>(window->start + length - now);
  return std::max(left, std::chrono::seconds(1));
}

void LoginThrottle::count(Window& window, std::chrono::seconds length, Clock::time_point now) {
  if (window.count == 0 || now - window.start >= length) window = {now, 0};
  ++window.count;
}

const LoginThrottle::Window* LoginThrottle::failures_seen_from(const Account& account,
                                                               std::string_view ip,
                                                               Clock::time_point now) const {
  const std::string block = address_block(ip);
  for (const Familiar& familiar : account.familiar) {
    if (familiar.ip == block && now - familiar.last_success < limits_.familiar_for) {
      return &familiar.failures;
    }
  }
  return &account.unfamiliar;
}

LoginThrottle::Window& LoginThrottle::failures_seen_from(Account& account, std::string_view ip,
                                                         Clock::time_point now) const {
  return const_cast<Window&>(*failures_seen_from(std::as_const(account), ip, now));
}

bool LoginThrottle::expired(const Account& account, Clock::time_point now) const {
  const auto window_over = [&](const Window& w) {
    return w.count == 0 || now - w.start >= limits_.email_window;
  };
  return window_over(account.unfamiliar) &&
         std::ranges::all_of(account.familiar, [&](const Familiar& f) {
           return now - f.last_success >= limits_.familiar_for && window_over(f.failures);
         });
}

template <class Map, class Expired>
void LoginThrottle::prune_when_due(Map& map, Pruning& pruning, std::chrono::seconds length,
                                   Clock::time_point now, Expired expired) {
  // Live counters stay; the next scan waits until they have doubled, or a window has passed
  // (by then every counter the last scan kept has expired). A scan on every attempt once
  // 65,536 addresses were live within a window took an I/O thread from 0.7 to 12 ms per
  // request (a review's flood of logins from distinct addresses).
  if (map.size() > pruning.above || (map.size() > kPruneAbove && now - pruning.last >= length)) {
    const std::size_t held = map.size();
    std::erase_if(map, [&](const auto& entry) { return expired(entry.second); });
    ++scans_;
    spdlog::debug("login throttle: scanned {} counters, dropped {} expired", held,
                  held - map.size());
    pruning = {std::max(kPruneAbove, 2 * map.size()), now};
  }
}

std::optional<std::chrono::seconds> LoginThrottle::admit(std::string_view account,
                                                         std::string_view ip,
                                                         Clock::time_point now) {
  if (auto wait = admit_address(ip, now)) return wait;
  return locked_out(account, ip, now);
}

std::optional<std::chrono::seconds> LoginThrottle::claim_failure(std::string_view account,
                                                                 std::string_view ip,
                                                                 Clock::time_point now) {
  std::lock_guard lock(mutex_);
  prune_when_due(accounts_, account_pruning_, limits_.email_window, now,
                 [&](const Account& a) { return expired(a, now); });
  Window& failures = failures_seen_from(accounts_[account_key(account)], ip, now);
  if (auto wait = over_limit(&failures, limits_.failures_per_email, limits_.email_window, now)) {
    return wait;
  }
  count(failures, limits_.email_window, now);
  return std::nullopt;
}

void LoginThrottle::refund_failure(std::string_view account, std::string_view ip,
                                   Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const auto found = accounts_.find(account_key(account));
  if (found == accounts_.end()) return;
  Window& failures = failures_seen_from(found->second, ip, now);
  if (failures.count > 0 && now - failures.start < limits_.email_window) --failures.count;
}

std::optional<std::chrono::seconds> LoginThrottle::admit_address(std::string_view ip,
                                                                 Clock::time_point now) {
  const std::string address = address_block(ip);
  std::lock_guard lock(mutex_);
  const auto attempts = attempts_by_ip_.find(address);
  if (auto wait = over_limit(attempts == attempts_by_ip_.end() ? nullptr : &attempts->second,
                             limits_.attempts_per_ip, limits_.ip_window, now)) {
    return wait;
  }
  // An attempt refused for its account's lockout is an attempt from this address all the same
  // (README: "of any outcome"); it was not counted until 2026-12-05.
  prune_when_due(attempts_by_ip_, ip_pruning_, limits_.ip_window, now,
                 [&](const Window& w) { return now - w.start >= limits_.ip_window; });
  count(attempts_by_ip_[address], limits_.ip_window, now);
  return std::nullopt;
}

std::optional<std::chrono::seconds> LoginThrottle::locked_out(std::string_view account,
                                                              std::string_view ip,
                                                              Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  const auto found = accounts_.find(account_key(account));
  if (found == accounts_.end()) return std::nullopt;
  return over_limit(failures_seen_from(found->second, ip, now), limits_.failures_per_email,
                    limits_.email_window, now);
}

void LoginThrottle::record_failure(std::string_view account, std::string_view ip,
                                   Clock::time_point now) {
  std::lock_guard lock(mutex_);
  prune_when_due(accounts_, account_pruning_, limits_.email_window, now,
                 [&](const Account& a) { return expired(a, now); });
  count(failures_seen_from(accounts_[account_key(account)], ip, now), limits_.email_window, now);
}

void LoginThrottle::record_success(std::string_view account, std::string_view ip,
                                   Clock::time_point now) {
  std::lock_guard lock(mutex_);
  prune_when_due(accounts_, account_pruning_, limits_.email_window, now,
                 [&](const Account& a) { return expired(a, now); });
  Account& entry = accounts_[account_key(account)];
  auto& familiar = entry.familiar;
  std::string block = address_block(ip);
  const auto known = std::ranges::find(familiar, block, &Familiar::ip);
  if (known != familiar.end()) {
    *known = {std::move(block), now, {}};
    return;
  }
  if (limits_.familiar_per_account == 0) return;
  if (familiar.size() >= limits_.familiar_per_account) {
    familiar.erase(std::ranges::min_element(familiar, {}, &Familiar::last_success));
  }
  familiar.push_back({std::move(block), now, {}});
}

void LoginThrottle::forget(std::string_view account) {
  std::lock_guard lock(mutex_);
  accounts_.erase(account_key(account));
}

std::size_t LoginThrottle::tracked() const {
  std::lock_guard lock(mutex_);
  return accounts_.size() + attempts_by_ip_.size();
}

std::size_t LoginThrottle::scans() const {
  std::lock_guard lock(mutex_);
  return scans_;
}

}  // namespace orgd::api
