#include "api/http/request_framing.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string_view>

namespace orgd::api::http_detail {
namespace {

TEST(ObsFold, FindsALineBreakFollowedBySpaceOrTab) {
  EXPECT_TRUE(has_obs_fold("GET / HTTP/1.1\r\nX: a\r\n b\r\n"));
  EXPECT_TRUE(has_obs_fold("GET / HTTP/1.1\r\nX: a\r\n\tb\r\n"));
  EXPECT_TRUE(has_obs_fold("GET / HTTP/1.1\r\nX:\r\n chunked\r\n"));
  EXPECT_FALSE(has_obs_fold("GET / HTTP/1.1\r\nX: a b\r\nY:\tc\r\n\r\n"));
  EXPECT_FALSE(has_obs_fold(""));
  EXPECT_FALSE(has_obs_fold("\r\n"));
}

TEST(Framing, AcceptsPlainRequests) {
  EXPECT_TRUE(check_framing({.version = 11, .transfer_encodings = {}, .host_count = 1}));
  EXPECT_TRUE(check_framing({.version = 10, .transfer_encodings = {}, .host_count = 0}));
  const std::array<std::string_view, 1> chunked{"Chunked "};
  EXPECT_TRUE(check_framing({.version = 11, .transfer_encodings = chunked, .host_count = 1}));
}

TEST(Framing, RefusesAmbiguousTransferEncodings) {
  for (const std::string_view value :
       {"chunked, identity", "identity", "gzip, chunked", "xchunked", "", "chunked;q=1"}) {
    const std::array<std::string_view, 1> encodings{value};
    EXPECT_FALSE(check_framing({.version = 11, .transfer_encodings = encodings, .host_count = 1}))
        << value;
  }
  const std::array<std::string_view, 2> twice{"chunked", "chunked"};
  EXPECT_FALSE(check_framing({.version = 11, .transfer_encodings = twice, .host_count = 1}));
  const std::array<std::string_view, 1> chunked{"chunked"};
  EXPECT_FALSE(check_framing({.version = 10, .transfer_encodings = chunked, .host_count = 1}));
}

TEST(Framing, RequiresOneHostInHttp11) {
  EXPECT_FALSE(check_framing({.version = 11, .transfer_encodings = {}, .host_count = 0}));
  EXPECT_FALSE(check_framing({.version = 11, .transfer_encodings = {}, .host_count = 2}));
  EXPECT_FALSE(check_framing({.version = 10, .transfer_encodings = {}, .host_count = 2}));
}

}  // namespace
}  // namespace orgd::api::http_detail
