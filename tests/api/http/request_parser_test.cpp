// The body step of a session's parsing (api/http/request_parser.hpp) fed as TCP may deliver
// a chunked body: in pieces, with what it consumed dropped from the buffer between calls, as
// Session::read_body does. The server tests send whole requests; here the pieces split where
// the bare-LF check keeps its place (lf_checked).

#include "api/http/request_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace orgd::api::http_detail {
namespace {

constexpr std::string_view kChunkedHead =
    "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";

struct Fed {
  BodyStep last;     // the step that ended the feeding (or the last one)
  std::string body;  // the request's body once complete
  std::size_t lf_checked{0};
};

// Parses `head`, then feeds `pieces` one at a time to parse_body, each appended to what the
// calls before left unconsumed; stops at the first step that completes or refuses.
Fed feed(std::string_view head, const std::vector<std::string>& pieces) {
  const ServerOptions options;
  RequestParser parser;
  limit_parser(parser, options);
  std::size_t head_bytes = 0;
  const HeadStep head_step = parse_head(parser, head, head_bytes, options);
  EXPECT_TRUE(head_step.complete) << head_step.malformed << head_step.error.message();
  Fed fed;
  std::string buffer;
  for (const auto& piece : pieces) {
    buffer += piece;
    fed.last = parse_body(parser, buffer, false, head_step.header_fields, fed.lf_checked);
    buffer.erase(0, fed.last.used);
    if (fed.last.complete || !fed.last.malformed.empty() || fed.last.error) break;
  }
  if (fed.last.complete) fed.body = parser.release().body();
  return fed;
}

// Every byte alone, as a client dripping them would send them.
std::vector<std::string> bytes_of(std::string_view text) {
  std::vector<std::string> pieces;
  for (const char c : text) pieces.emplace_back(1, c);
  return pieces;
}

TEST(RequestParserTest, ACrAndItsLfArrivingApartAreNoBareLf) {
  const auto fed = feed(kChunkedHead, {"2\r", "\nhi\r", "\n0\r", "\n\r", "\n"});
  EXPECT_TRUE(fed.last.complete) << fed.last.malformed;
  EXPECT_EQ(fed.body, "hi");
  EXPECT_EQ(fed.lf_checked, 0U) << "a complete request leaves nothing checked for the next";
}

TEST(RequestParserTest, LfsInsideChunkDataAreData) {
  const std::string body = "5\r\na\nb\n\n\r\n3\r\n\n\n\n\r\n0\r\n\r\n";
  for (const auto& pieces : {std::vector<std::string>{body}, bytes_of(body)}) {
    const auto fed = feed(kChunkedHead, pieces);
    EXPECT_TRUE(fed.last.complete) << fed.last.malformed;
    EXPECT_EQ(fed.body, "a\nb\n\n\n\n\n");
  }
}

TEST(RequestParserTest, ABareLfIsFoundWhereverThePiecesSplitTheLine) {
  // A size line, the last chunk's line and the trailer's end, each ended by a bare LF; every
  // split point of the body is tried, so the LF falls at, before and after lf_checked.
  for (const std::string body : {"2\nhi\n", "2\r\nhi\r\n0\n\r\n", "2\r\nhi\r\n0\r\n\n"}) {
    for (std::size_t split = 1; split < body.size(); ++split) {
      const auto fed = feed(kChunkedHead, {body.substr(0, split), body.substr(split)});
      EXPECT_NE(fed.last.malformed.find("bare LF"), std::string::npos)
          << "split at " << split << " of " << testing::PrintToString(body);
    }
    const auto dripped = feed(kChunkedHead, bytes_of(body));
    EXPECT_NE(dripped.last.malformed.find("bare LF"), std::string::npos)
        << "dripped " << testing::PrintToString(body);
  }
}

TEST(RequestParserTest, WhatWasCheckedIsNotLookedAtAgain) {
  // After a piece of a size line, lf_checked covers it; a bare LF placed in that part of the
  // buffer behind the parser's back is not seen again (each byte is looked at once), while
  // one in the new piece is.
  const ServerOptions options;
  RequestParser parser;
  limit_parser(parser, options);
  std::size_t head_bytes = 0;
  const HeadStep head = parse_head(parser, kChunkedHead, head_bytes, options);
  ASSERT_TRUE(head.complete);
  std::size_t lf_checked = 0;
  auto step = parse_body(parser, "10;a=b", false, head.header_fields, lf_checked);
  EXPECT_TRUE(step.malformed.empty());
  EXPECT_EQ(lf_checked, 6U);
  step = parse_body(parser, "10;a\nb;c", false, head.header_fields, lf_checked);
  EXPECT_TRUE(step.malformed.empty()) << "bytes before lf_checked are not scanned again";
  EXPECT_EQ(lf_checked, 8U);
  step = parse_body(parser, "10;a\nb;c\n", false, head.header_fields, lf_checked);
  EXPECT_NE(step.malformed.find("bare LF"), std::string::npos);
}

TEST(RequestParserTest, ABodyOfKnownLengthMayHoldBareLfs) {
  const auto fed = feed("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n", {"a\n", "\nb"});
  EXPECT_TRUE(fed.last.complete) << fed.last.malformed;
  EXPECT_EQ(fed.body, "a\n\nb");
}

}  // namespace
}  // namespace orgd::api::http_detail
