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
  for (auto good : {"http://example.org", "https://example.org:8443/a/b.png?size=64#top",
                    "https://[::1]/x", "https://xn--bcher-kva.example/%C3%BC.png"}) {
    EXPECT_TRUE(ok(check_url, good)) << good;
  }
  for (auto bad : {"https://", "http:///x", "https://x.example/<script>", "https://x/\"q\"",
                   "https://user:secret@x.example/", "ftp://x.example/", "https:x.example",
                   "https://x.example/a b"}) {
    EXPECT_FALSE(ok(check_url, bad)) << bad;
  }
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

// Any space that shows as a gap, not only ASCII's: a name ending in a no-break space or
// starting with an ideographic one looks like the name without it.
TEST(FieldRules, NamesRejectUnicodeSpacesAtEitherEnd) {
  for (const std::string_view name :
       {"Acme\u00a0", "\u3000Acme", "Acme\u2009", "\u202fAcme", "\u1680Acme", "Acme\u205f"}) {
    FieldProblems p;
    check_name(p, "name", name, 100);
    ASSERT_EQ(p.size(), 1u) << name;
    EXPECT_EQ(p[0].message, "must not start or end with a space");
  }
  FieldProblems inside;
  check_name(inside, "name", "Acme\u00a0Corp \u65e5\u672c", 100);
  EXPECT_TRUE(inside.empty()) << "spaces inside a name stay";
  FieldProblems accent;
  check_name(accent, "name", "Caf\u00e9", 100);
  EXPECT_TRUE(accent.empty()) << "a multi-byte last letter is no space";
}

// Joiners and fillers show nothing on their own: between letters they stay (Persian, emoji),
// at an end or as the whole name they are refused.
TEST(FieldRules, NamesRejectJoinersAndFillersAtEitherEnd) {
  for (const std::string_view name : {"Acme\u200d", "\u200cAcme", "\u200d", "\u3164", "\uffa0",
                                      "\u2800", "Acme\u034f", "\u115fAcme"}) {
    FieldProblems p;
    check_name(p, "name", name, 100);
    ASSERT_EQ(p.size(), 1u) << name;
    EXPECT_EQ(p[0].message, "must not start or end with a character that shows nothing");
  }
  FieldProblems between;
  check_name(between, "name",
             "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 "
             "\U0001f469\u200d\U0001f4bb",
             100);
  EXPECT_TRUE(between.empty()) << "a Persian word and an emoji sequence keep their joiners";
}

TEST(FieldRules, NamesRejectInvisibleAndTextDirectionCharacters) {
  for (const char* hidden :
       {"\u0085", "\u009f", "\u00ad", "\u061c", "\u180e", "\u200b", "\u200e", "\u200f", "\u2028",
        "\u2029", "\u202a", "\u202e", "\u2060", "\u2064", "\u2066", "\u2069", "\u206f", "\ufeff"}) {
    FieldProblems p;
    check_name(p, "name", std::string("Ac") + hidden + "me", 100);
    ASSERT_EQ(p.size(), 1u) << "U+" << hidden;
    EXPECT_EQ(p[0].message, "must not contain invisible or text-direction characters");
  }
  for (const char* visible :
       {"\u00a0x", "\u00e9", "\u0600", "\u2010", "\u200c", "\u200d", "\u2065", "\u2070", "\u202f",
        "\ufefe", "\u4e2d\u6587", "\U0001f600", "\U0001f469\u200d\U0001f4bb"}) {
    FieldProblems p;
    check_name(p, "name", std::string("Ac") + visible + "me", 100);
    EXPECT_TRUE(p.empty()) << visible;
  }
}

}  // namespace
}  // namespace orgd::domain
