// Login rate limits with a clock the test moves: failures per account (from unfamiliar
// addresses together, from each familiar address alone), attempts per address.

#include "api/login_throttle.hpp"

#include <gtest/gtest.h>

namespace orgd::api {
namespace {

using std::chrono::seconds;

class LoginThrottleTest : public ::testing::Test {
 protected:
  LoginThrottle throttle_{LoginLimits{.failures_per_email = 3,
                                      .email_window = seconds(300),
                                      .attempts_per_ip = 10,
                                      .ip_window = seconds(60)}};
  LoginThrottle::Clock::time_point now_{};
};

TEST_F(LoginThrottleTest, AnEmailIsRefusedAfterItsFailuresUntilTheWindowEnds) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_FALSE(throttle_.admit("ann@example.com", "10.0.0.1", now_)) << i;
    throttle_.record_failure("ann@example.com", "10.0.0.1", now_);
  }
  now_ += seconds(100);
  auto refused = throttle_.admit("ann@example.com", "10.0.0.2", now_);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(*refused, seconds(200));
  EXPECT_TRUE(throttle_.admit("ANN@example.com", "10.0.0.3", now_))
      << "emails match case-insensitively";
  EXPECT_FALSE(throttle_.admit("bob@example.com", "10.0.0.2", now_))
      << "other emails are not affected";
  now_ += seconds(200);
  EXPECT_FALSE(throttle_.admit("ann@example.com", "10.0.0.2", now_));
}

// An IPv6 client may send from any address of its /64: they count as one, and a login from one
// of them makes the whole /64 familiar. Other /64s and IPv4 addresses count apart.
TEST_F(LoginThrottleTest, AnIpv6ClientIsCountedByItsSlash64) {
  for (int i = 0; i < 10; ++i) {
    const std::string address = "2001:db8:1:2::" + std::to_string(i + 1);
    ASSERT_FALSE(throttle_.admit_address(address, now_)) << address;
  }
  EXPECT_TRUE(throttle_.admit_address("2001:db8:1:2:ffff:1:2:3", now_)) << "the /64's 11th";
  EXPECT_FALSE(throttle_.admit_address("2001:db8:1:3::1", now_)) << "another /64";
  EXPECT_FALSE(throttle_.admit_address("10.0.0.1", now_));

  throttle_.record_success("customer:ann", "2001:db8:9:9::1", now_);
  for (int i = 0; i < 3; ++i) throttle_.record_failure("customer:ann", "2001:db8:7:7::1", now_);
  EXPECT_TRUE(throttle_.locked_out("customer:ann", "2001:db8:7:7::2", now_));
  EXPECT_FALSE(throttle_.locked_out("customer:ann", "2001:db8:9:9:abcd::5", now_))
      << "familiar: the /64 the owner logged in from";
}

// A success makes its address familiar; the shared count of the others stays, so a login of
// the owner gives whoever guesses from elsewhere no fresh round.
TEST_F(LoginThrottleTest, ASuccessMakesItsAddressFamiliarAndLeavesTheSharedCount) {
  for (int i = 0; i < 2; ++i) throttle_.record_failure("ann@example.com", "10.0.0.1", now_);
  throttle_.record_success("ann@example.com", "10.0.0.1", now_);
  throttle_.record_failure("ann@example.com", "10.0.0.2", now_);
  EXPECT_TRUE(throttle_.admit("ann@example.com", "10.0.0.2", now_));
  EXPECT_FALSE(throttle_.admit("ann@example.com", "10.0.0.1", now_));
}

TEST_F(LoginThrottleTest, AnAddressIsRefusedAfterItsAttemptsWhateverTheirOutcome) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_FALSE(throttle_.admit("user" + std::to_string(i) + "@example.com", "10.0.0.9", now_));
  }
  now_ += seconds(59);
  auto refused = throttle_.admit("new@example.com", "10.0.0.9", now_);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(*refused, seconds(1));
  EXPECT_FALSE(throttle_.admit("new@example.com", "10.0.0.10", now_))
      << "other addresses are not affected";
  now_ += seconds(1);
  EXPECT_FALSE(throttle_.admit("new@example.com", "10.0.0.9", now_)) << "a new window";
}

TEST_F(LoginThrottleTest, AttemptsRefusedForTheirEmailCountForTheirAddress) {
  for (int i = 0; i < 3; ++i) throttle_.record_failure("ann@example.com", "10.0.0.1", now_);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(throttle_.admit("ann@example.com", "10.0.0.9", now_)) << "locked out: " << i;
  }
  EXPECT_TRUE(throttle_.admit("bob@example.com", "10.0.0.9", now_))
      << "the address has had its 10 attempts";
  EXPECT_FALSE(throttle_.admit("bob@example.com", "10.0.0.10", now_));
}

TEST_F(LoginThrottleTest, ExpiredCountersAreDroppedSoMemoryStaysBounded) {
  // More distinct emails than the prune threshold, each failing once, a window apart from
  // the next batch: the old ones must not keep anyone locked out nor pile up.
  for (std::size_t i = 0; i <= LoginThrottle::kPruneAbove; ++i) {
    throttle_.record_failure("spray" + std::to_string(i) + "@example.com", "10.0.0.1", now_);
  }
  EXPECT_GT(throttle_.tracked(), LoginThrottle::kPruneAbove);
  now_ += seconds(301);
  throttle_.record_failure("late@example.com", "10.0.0.1", now_);
  EXPECT_EQ(throttle_.tracked(), 1u) << "expired counters were dropped";
  for (int i = 0; i < 2; ++i) throttle_.record_failure("spray1@example.com", "10.0.0.1", now_);
  EXPECT_FALSE(throttle_.admit("spray1@example.com", "10.0.0.1", now_))
      << "the first failure expired with its window";
}

// A flood of logins from distinct addresses within one window: nothing expires, and each scan
// for expired counters waits until their number has doubled (a scan on every attempt past
// 65,536 live addresses held an I/O thread for each). Once they expire, they are dropped.
TEST_F(LoginThrottleTest, LiveCountersAreScannedOnlyAsTheyDouble) {
  const std::size_t addresses = 4 * LoginThrottle::kPruneAbove;
  for (std::size_t i = 0; i < addresses; ++i) {
    ASSERT_FALSE(throttle_.admit("ann@example.com", "10." + std::to_string(i), now_));
  }
  EXPECT_EQ(throttle_.tracked(), addresses);
  EXPECT_EQ(throttle_.scans(), 2u) << "past 65,536 and past 131,074, not on every attempt";
  // The flood is over: a window later, the next attempt drops every expired counter.
  now_ += seconds(61);
  ASSERT_FALSE(throttle_.admit("ann@example.com", "10.0.0.1", now_));
  EXPECT_EQ(throttle_.tracked(), 1u);
  EXPECT_EQ(throttle_.scans(), 3u);
}

// Anyone who knows an email can send its failures; from addresses the account has not logged
// in from they lock out only those addresses, never the owner at an address it logged in from.
TEST_F(LoginThrottleTest, FailuresFromElsewhereDoNotLockOutAFamiliarAddress) {
  throttle_.record_success("ann@example.com", "10.0.0.1", now_);
  now_ += seconds(3600);
  for (int i = 0; i < 3; ++i)
    throttle_.record_failure("ann@example.com", "192.0.2." + std::to_string(i), now_);
  EXPECT_TRUE(throttle_.admit("ann@example.com", "192.0.2.99", now_))
      << "unfamiliar addresses share one counter: guessing from many stops at its limit";
  EXPECT_FALSE(throttle_.admit("ann@example.com", "10.0.0.1", now_));
  EXPECT_FALSE(throttle_.locked_out("ann@example.com", "10.0.0.1", now_));
  EXPECT_TRUE(throttle_.locked_out("ANN@example.com", "192.0.2.1", now_));
}

TEST_F(LoginThrottleTest, AFamiliarAddressHasItsOwnLimit) {
  throttle_.record_success("ann@example.com", "10.0.0.1", now_);
  for (int i = 0; i < 3; ++i) {
    ASSERT_FALSE(throttle_.admit("ann@example.com", "10.0.0.1", now_)) << i;
    throttle_.record_failure("ann@example.com", "10.0.0.1", now_);
  }
  EXPECT_TRUE(throttle_.admit("ann@example.com", "10.0.0.1", now_))
      << "guessing from home stops too";
  EXPECT_FALSE(throttle_.admit("ann@example.com", "10.0.0.2", now_))
      << "its failures are its own, not the shared counter's";
  throttle_.record_success("ann@example.com", "10.0.0.3", now_);
  EXPECT_FALSE(throttle_.admit("ann@example.com", "10.0.0.3", now_));
  EXPECT_TRUE(throttle_.admit("ann@example.com", "10.0.0.1", now_))
      << "a success elsewhere clears only its own address's counter";
}

TEST_F(LoginThrottleTest, ASuccessAtAFamiliarAddressLeavesTheSharedCounter) {
  throttle_.record_success("ann@example.com", "10.0.0.1", now_);
  for (int i = 0; i < 2; ++i) throttle_.record_failure("ann@example.com", "192.0.2.1", now_);
  throttle_.record_success("ann@example.com", "10.0.0.1", now_);
  throttle_.record_failure("ann@example.com", "192.0.2.2", now_);
  EXPECT_TRUE(throttle_.admit("ann@example.com", "192.0.2.3", now_))
      << "the owner's login gave whoever guesses from elsewhere no fresh round";
}

TEST_F(LoginThrottleTest, AnAddressStaysFamiliarForItsPeriodAndAFewPerAccount) {
  LoginThrottle throttle{LoginLimits{.failures_per_email = 1,
                                     .email_window = seconds(300),
                                     .attempts_per_ip = 1000,
                                     .ip_window = seconds(60),
                                     .familiar_for = seconds(86'400),
                                     .familiar_per_account = 2}};
  throttle.record_success("ann@example.com", "10.0.0.1", now_);
  now_ += seconds(10);
  throttle.record_success("ann@example.com", "10.0.0.2", now_);  // t = 10 s
  now_ += seconds(10);
  throttle.record_success("ann@example.com", "10.0.0.3", now_);  // t = 20 s
  throttle.record_failure("ann@example.com", "192.0.2.1", now_);
  EXPECT_TRUE(throttle.locked_out("ann@example.com", "10.0.0.1", now_))
      << "the least recent of more than two is forgotten";
  EXPECT_FALSE(throttle.locked_out("ann@example.com", "10.0.0.2", now_));
  now_ += seconds(86'400 - 5);  // t = 86,415 s: 10.0.0.2's day is over, 10.0.0.3's is not
  throttle.record_failure("ann@example.com", "192.0.2.1", now_);
  EXPECT_TRUE(throttle.locked_out("ann@example.com", "10.0.0.2", now_))
      << "a day after its last success it is a stranger again";
  EXPECT_FALSE(throttle.locked_out("ann@example.com", "10.0.0.3", now_));
}

// A password change: whoever held the old password loses its familiar addresses too.
TEST_F(LoginThrottleTest, ForgettingAnAccountDropsItsCountsAndItsFamiliarAddresses) {
  throttle_.record_success("customer:a", "10.0.0.1", now_);
  for (int i = 0; i < 3; ++i) {
    throttle_.record_failure("customer:a", "10.0.0.1", now_);
    throttle_.record_failure("customer:a", "192.0.2.1", now_);
  }
  throttle_.forget("customer:a");
  EXPECT_FALSE(throttle_.locked_out("customer:a", "10.0.0.1", now_));
  EXPECT_FALSE(throttle_.locked_out("customer:a", "192.0.2.1", now_));
  for (int i = 0; i < 3; ++i) throttle_.record_failure("customer:a", "192.0.2.1", now_);
  EXPECT_TRUE(throttle_.locked_out("customer:a", "10.0.0.1", now_)) << "a stranger again";
  EXPECT_EQ(throttle_.tracked(), 1u);
}

// Familiar addresses are kept for a month, so expired counters of an account that has one stay
// until its familiarity ends too; then the account is dropped like any other.
TEST_F(LoginThrottleTest, AccountsWithFamiliarAddressesAreDroppedOnceTheyExpire) {
  for (std::size_t i = 0; i <= LoginThrottle::kPruneAbove; ++i) {
    throttle_.record_success("user" + std::to_string(i) + "@example.com", "10.0.0.1", now_);
  }
  now_ += seconds(301);
  throttle_.record_failure("late@example.com", "10.0.0.1", now_);
  EXPECT_GT(throttle_.tracked(), LoginThrottle::kPruneAbove) << "still familiar";
  now_ += std::chrono::days(30);
  throttle_.record_failure("later@example.com", "10.0.0.1", now_);
  EXPECT_EQ(throttle_.tracked(), 1u);
}

// Logins sent at once: each counts its failure before argon2id runs, so the limit holds however
// many are in flight, and a right password takes its failure back.
TEST_F(LoginThrottleTest, AFailureIsClaimedBeforeThePasswordIsCheckedAndRefundedWhenRight) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_FALSE(throttle_.claim_failure("customer:a", "192.0.2." + std::to_string(i), now_)) << i;
  }
  EXPECT_TRUE(throttle_.claim_failure("customer:a", "192.0.2.9", now_))
      << "three in flight, none answered yet: the fourth is refused";
  throttle_.refund_failure("customer:a", "192.0.2.1", now_);
  EXPECT_FALSE(throttle_.claim_failure("customer:a", "192.0.2.9", now_))
      << "a right password gave its claim back";
  EXPECT_TRUE(throttle_.locked_out("customer:a", "192.0.2.5", now_));
}

}  // namespace
}  // namespace orgd::api
