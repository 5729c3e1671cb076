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

// RFC 9112 §3.2: a Host that is not uri-host [":" port] is a 400. Empty is valid (a target
// without an authority).
TEST(Framing, RequiresAHostValueOfHostAndPort) {
  for (const std::string_view host :
       {"", "localhost", "localhost:8080", "127.0.0.1:0", "[::1]:8080", "[fe80::1]", "a-b.example",
        "xn--bcher-kva.example:443", "host%20name"}) {
    EXPECT_TRUE(
        check_framing({.version = 11, .transfer_encodings = {}, .host_count = 1, .host = host}))
        << host;
  }
  for (const std::string_view host :
       {"user@example.com", "example.com:80x", "exa mple.com", "example.com/path", "[::1",
        "::1:8080", "example.com:80:80", "ex\\ample", "<script>", "a\"b", "example.com?x"}) {
    EXPECT_FALSE(
        check_framing({.version = 11, .transfer_encodings = {}, .host_count = 1, .host = host}))
        << host;
  }
}

// An absolute-form target (as proxies send) names the host used (RFC 9112 3.2.2): its scheme
// and authority must be http(s), a host and no userinfo; its path and query are the router's.
// The Host header is checked all the same (3.2: an invalid one is a 400 on any request).
TEST(Framing, AnAbsoluteTargetNamesAHostAndTheHostHeaderIsCheckedToo) {
  const auto framing = [](std::string_view host, std::string_view target) {
    return check_framing(
        {.version = 11, .transfer_encodings = {}, .host_count = 1, .host = host, .target = target});
  };
  for (const std::string_view target : {"http://x/healthz", "HTTPS://x.example:8443/a?b=c",
                                        "http://[::1]/", "http://x", "http://x/p?q=%zz"}) {
    EXPECT_TRUE(framing("other", target)) << target;
  }
  EXPECT_FALSE(framing("user@x", "http://x/healthz")) << "a Host with userinfo beside it";
  for (const std::string_view target :
       {"http://user@x/healthz", "http:///healthz", "ftp://x/file", "http://x y/", "http://:80/"}) {
    EXPECT_FALSE(framing("x", target)) << target;
  }
  EXPECT_TRUE(framing("x", "/a:b/c")) << "a colon in an origin-form path";
}

}  // namespace
}  // namespace orgd::api::http_detail
