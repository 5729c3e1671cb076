#include "projections/second_sight.hpp"

#include <gtest/gtest.h>

namespace orgd::projections {
namespace {

TEST(SecondSight, AHashIsSeenAgainOnItsSecondOffer) {
  SecondSight sight(16);
  EXPECT_FALSE(sight.seen_again(42));
  EXPECT_TRUE(sight.seen_again(42));
  EXPECT_TRUE(sight.seen_again(42));
  EXPECT_FALSE(sight.seen_again(43 << 8)) << "another hash";
}

TEST(SecondSight, ANewerHashTakesTheSlot) {
  SecondSight sight(1);
  EXPECT_FALSE(sight.seen_again(10));
  EXPECT_FALSE(sight.seen_again(20)) << "one slot: 20 displaces 10";
  EXPECT_FALSE(sight.seen_again(10)) << "10 was forgotten";
  EXPECT_TRUE(sight.seen_again(10));
}

TEST(SecondSight, ZeroIsNotSeenInAnEmptyTable) {
  SecondSight sight(4);
  EXPECT_FALSE(sight.seen_again(0));
  EXPECT_TRUE(sight.seen_again(0));
}

}  // namespace
}  // namespace orgd::projections
