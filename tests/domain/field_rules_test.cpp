#include "domain/field_rules.hpp"

#include <gtest/gtest.h>

namespace orgd::domain {
namespace {

bool ok(void (*check)(FieldProblems&, std::string_view, std::string_view), std::string_view v) {
  FieldProblems problems;
  check(problems, "f", v);
  return problems.empty();
}

TEST(FieldRules, Locale) {
  for (auto good : {"de", "de-DE", "zh-Hant-TW", "en-US-x-twain", ""}) {
    EXPECT_TRUE(ok(check_locale, good)) << good;
  }
  for (auto bad : {"d", "de_DE", "de-", "-de", "1e-DE", "de-DEUTSCHLAND", "de DE"}) {
    EXPECT_FALSE(ok(check_locale, bad)) << bad;
  }
}

TEST(FieldRules, CountryIsAnAssignedAlpha2Code) {
  for (auto good : {"DE", "US", "ZW", "AD", ""}) EXPECT_TRUE(ok(check_country, good)) << good;
  for (auto bad : {"de", "XX", "DEU", "D", "D ", "E "}) {
    EXPECT_FALSE(ok(check_country, bad)) << bad;
  }
}

TEST(FieldRules, Url) {
  EXPECT_TRUE(ok(check_url, "https://example.org/logo.png"));
  EXPECT_FALSE(ok(check_url, "javascript:alert(1)"));
  EXPECT_FALSE(ok(check_url, "https://a b"));
  EXPECT_FALSE(ok(check_url, "https://" + std::string(2100, 'a')));
}

TEST(FieldRules, FoldCaseIsAsciiOnly) {
  EXPECT_EQ(fold_case("AcMe GmbH"), "acme gmbh");
  EXPECT_EQ(fold_case("\xC3\x9C"), "\xC3\x9C");  // Ü unchanged (documented)
}

TEST(FieldRules, NamesRejectControlCharactersAndOuterSpaces) {
  FieldProblems p;
  check_name(p, "name", "a\tb", 100);
  check_name(p, "name", "ab ", 100);
  check_name(p, "name", "", 100);
  EXPECT_EQ(p.size(), 3u);
}

}  // namespace
}  // namespace orgd::domain
