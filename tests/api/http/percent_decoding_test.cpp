#include "api/http/percent_decoding.hpp"

#include <gtest/gtest.h>

namespace orgd::api {
namespace {

TEST(PercentDecode, DecodesEscapesInEitherCase) {
  EXPECT_EQ(percent_decode("a%20b%2fc%2F"), "a b/c/");
  EXPECT_EQ(percent_decode("%C3%A9"), "\xC3\xA9");
  EXPECT_EQ(percent_decode(""), "");
}

TEST(PercentDecode, PlusIsASpaceOnlyWhenAsked) {
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(percent_decode("a+b", PlusMeans::space), "a b");
  EXPECT_EQ(percent_decode("a%2Bb", PlusMeans::space), "a+b");
}

TEST(PercentDecode, RejectsMalformedEscapes) {
  EXPECT_FALSE(percent_decode("%"));
  EXPECT_FALSE(percent_decode("%4"));
  EXPECT_FALSE(percent_decode("abc%4"));
  EXPECT_FALSE(percent_decode("%zz"));
  EXPECT_FALSE(percent_decode("%-1"));
}

TEST(IsSafeText, RequiresUtf8WithoutNul) {
  EXPECT_TRUE(is_safe_text("plain"));
  EXPECT_TRUE(is_safe_text("\xC3\xA9t\xC3\xA9"));
  EXPECT_FALSE(is_safe_text(std::string_view("a\0b", 3)));
  EXPECT_FALSE(is_safe_text("\xFF"));
  EXPECT_FALSE(is_safe_text("\xC3"));
}

}  // namespace
}  // namespace orgd::api
