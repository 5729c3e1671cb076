#include "eventstore/key_encoding.hpp"

#include <gtest/gtest.h>

namespace orgd::eventstore {
namespace {

TEST(KeyEncoding, NumbersSortBytewiseInNumericOrder) {
  EXPECT_LT(event_key(255), event_key(256));
  EXPECT_LT(event_key(1), event_key(1ull << 40));
  EXPECT_EQ(event_key(0x0102030405060708ull), std::string("\x01\x02\x03\x04\x05\x06\x07\x08"));
}

TEST(KeyEncoding, U64RoundTripsAndRejectsOtherLengths) {
  EXPECT_EQ(decode_u64(encode_u64(UINT64_MAX)), UINT64_MAX);
  EXPECT_EQ(decode_u64(encode_u64(0)), 0u);
  EXPECT_FALSE(decode_u64("1234567"));
  EXPECT_FALSE(decode_u64("123456789"));
}

TEST(KeyEncoding, AStreamsKeysShareAPrefixNoOtherStreamHas) {
  const std::string prefix = stream_prefix("org-1");
  EXPECT_TRUE(stream_version_key("org-1", 9).starts_with(prefix));
  EXPECT_FALSE(stream_version_key("org-10", 1).starts_with(prefix));
  EXPECT_LT(stream_version_key("org-1", 9), stream_version_key("org-1", 10));
}

TEST(KeyEncoding, ClaimKeysSeparateScopeFromValue) {
  EXPECT_NE(claim_key("ab", "c"), claim_key("a", "bc"));
  EXPECT_EQ(claim_key("name", "acme"), std::string("name\0acme", 9));
}

}  // namespace
}  // namespace orgd::eventstore
