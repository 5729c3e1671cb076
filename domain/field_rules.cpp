#include "domain/field_rules.hpp"

#include <algorithm>
#include <array>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>
#include <utility>

namespace orgd::domain {
namespace {

// ISO 3166-1 alpha-2 officially assigned codes (249).
constexpr std::string_view kCountryCodes =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ "
    "BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM "
    "DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS "
    "GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN "
    "KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ "
    "MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM "
    "PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV "
    "SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI "
    "VN VU WF WS YE YT ZA ZM ZW";

bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

// The code point starting at utf8[i] (valid UTF-8: the JSON parser checked it) and its size.
std::pair<char32_t, std::size_t> code_point_at(std::string_view utf8, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(utf8[i + k]); };
  const unsigned char lead = byte(0);
  const std::size_t size = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  if (size == 1 || i + size > utf8.size()) return {lead, 1};
  char32_t point = lead & (0x7F >> size);
  for (std::size_t k = 1; k < size; ++k) point = (point << 6) | (byte(k) & 0x3F);
  return {point, size};
}

// Characters that show nothing or turn the text around them: C1 controls, the soft hyphen,
// the Arabic letter mark, the Mongolian vowel separator, zero-width spaces and direction
// marks, line and paragraph separators, embeddings and overrides, invisible operators,
// isolates and deprecated format characters, and U+FEFF. In a name they make "Acme" and
// "Ac\u200bme" two organizations that look alike, or reverse what a listing shows. The
// zero-width joiner and non-joiner (U+200C, U+200D) stay: Persian and Indic names and emoji
// sequences need them.
bool is_hidden(char32_t c) {
  return (c >= 0x80 && c <= 0x9F) || c == 0xAD || c == 0x61C || c == 0x180E || c == 0x200B ||
         c == 0x200E || c == 0x200F || (c >= 0x2028 && c <= 0x202E) ||
         (c >= 0x2060 && c <= 0x2064) || (c >= 0x2066 && c <= 0x206F) || c == 0xFEFF;
}

bool has_hidden_characters(std::string_view utf8) {
  for (std::size_t i = 0; i < utf8.size();) {
    const auto [point, size] = code_point_at(utf8, i);
    if (is_hidden(point)) return true;
    i += size;
  }
  return false;
}

// Unicode's spaces that show as a gap (White_Space less the controls and separators above):
// "Acme\u00a0" or "\u3000Acme" would look like "Acme" in a listing.
bool is_space(char32_t c) {
  return c == 0x20 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F ||
         c == 0x205F || c == 0x3000;
}

// Characters that show nothing on their own, which a name needs only between others: the
// zero-width non-joiner and joiner (Persian and Indic words, emoji sequences), the combining
// grapheme joiner, the Hangul fillers and the blank Braille pattern. At an end, or as the whole
// name, they make "Acme\u200d" look like "Acme", or a name look empty.
bool is_blank_between(char32_t c) {
  return c == 0x200C || c == 0x200D || c == 0x34F || c == 0x115F || c == 0x1160 || c == 0x2800 ||
         c == 0x3164 || c == 0xFFA0;
}

// The last code point of non-empty valid UTF-8.
char32_t last_code_point(std::string_view utf8) {
  std::size_t i = utf8.size() - 1;
  while (i > 0 && (static_cast<unsigned char>(utf8[i]) & 0xC0) == 0x80) --i;
  return code_point_at(utf8, i).first;
}

void add(FieldProblems& out, std::string_view field, std::string message) {
  out.push_back({std::string(field), std::move(message)});
}

bool valid_locale(std::string_view tag) {
  std::size_t start = 0;
  bool first = true;
  while (start <= tag.size()) {
    const std::size_t dash = std::min(tag.find('-', start), tag.size());
    const std::string_view sub = tag.substr(start, dash - start);
    if (sub.empty() || sub.size() > 8) return false;
    if (first) {
      if (sub.size() < 2 || !std::all_of(sub.begin(), sub.end(), is_alpha)) return false;
    } else if (!std::all_of(sub.begin(), sub.end(), is_alnum)) {
      return false;
    }
    first = false;
    start = dash + 1;
  }
  return true;
}

}  // namespace

std::size_t code_points(std::string_view utf8) {
  return static_cast<std::size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string fold_case(std::string_view text) {
  std::string folded(text);
  std::transform(folded.begin(), folded.end(), folded.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return folded;
}

void check_text(FieldProblems& out, std::string_view field, std::string_view value,
                std::size_t min_points, std::size_t max_points) {
  const std::size_t n = code_points(value);
  if (n < min_points) {
    add(out, field, min_points == 1 ? "must not be empty"
                                    : "must have at least " + std::to_string(min_points) +
                                          " characters");
  } else if (n > max_points) {
    add(out, field, "must have at most " + std::to_string(max_points) + " characters");
  }
}

void check_name(FieldProblems& out, std::string_view field, std::string_view value,
                std::size_t max_points) {
  const std::size_t before = out.size();
  check_text(out, field, value, 1, max_points);
  if (out.size() != before) return;
  if (std::any_of(value.begin(), value.end(),
                  [](char c) { return is_control(static_cast<unsigned char>(c)); })) {
    add(out, field, "must not contain control characters");
  } else if (has_hidden_characters(value)) {
    add(out, field, "must not contain invisible or text-direction characters");
  } else if (is_space(code_point_at(value, 0).first) || is_space(last_code_point(value))) {
    add(out, field, "must not start or end with a space");
  } else if (is_blank_between(code_point_at(value, 0).first) ||
             is_blank_between(last_code_point(value))) {
    add(out, field, "must not start or end with a character that shows nothing");
  }
}

void check_locale(FieldProblems& out, std::string_view field, std::string_view value) {
  if (value.empty()) return;
  if (value.size() > 35 || !valid_locale(value)) {
    add(out, field, "must be a BCP 47 language tag such as de-DE");
  }
}

void check_country(FieldProblems& out, std::string_view field, std::string_view value) {
  if (value.empty()) return;
  const bool shaped = value.size() == 2 && std::isupper(static_cast<unsigned char>(value[0])) &&
                      std::isupper(static_cast<unsigned char>(value[1]));
  if (!shaped || kCountryCodes.find(value) == std::string_view::npos) {
    add(out, field, "must be an ISO 3166-1 alpha-2 country code such as DE");
  }
}

// RFC 3986 by Boost.URL's grammar (until 2026-12-05 only the scheme and the absence of spaces
// were checked: "https://" passed, and so did quotes and angle brackets, which a client
// putting the URL into a page must then escape). A host is required; credentials are refused
// (everyone who sees the organization or contract would read them).
void check_url(FieldProblems& out, std::string_view field, std::string_view value) {
  if (value.empty()) return;
  const auto url = boost::urls::parse_uri(value);
  const bool shaped = url.has_value() &&
                      (url->scheme_id() == boost::urls::scheme::http ||
                       url->scheme_id() == boost::urls::scheme::https) &&
                      !url->encoded_host().empty() && !url->has_userinfo();
  if (!shaped || value.size() > 2048) {
    add(out, field,
        "must be an http(s) URL of at most 2048 characters, with a host and without "
        "credentials (RFC 3986: other characters percent-encoded)");
  }
}

void check_slug(FieldProblems& out, std::string_view field, std::string_view value,
                std::size_t max) {
  if (value.empty()) return;
  const bool ok = value.size() <= max && is_alnum(value[0]) &&
                  std::all_of(value.begin(), value.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                           c == '_';
                  });
  if (!ok) add(out, field, "must be lower-case letters, digits, '-' or '_' (at most " +
                               std::to_string(max) + ")");
}

}  // namespace orgd::domain
