#pragma once
// The framing rules of RFC 9112 that Boost.Beast's parser leaves to the server. Beast already
// refuses Content-Length beside Transfer-Encoding, two different Content-Lengths, a repeated
// "Transfer-Encoding: chunked" and malformed chunk sizes; these are the rest. A request that
// breaks one is answered 400 and its connection closed: when a proxy in front of us may have
// framed the same bytes differently (request smuggling), nothing after them can be trusted.
// Internal to api/http.
//
// Thread-safety: pure functions.

#include <cstddef>
#include <expected>
#include <span>
#include <string>
#include <string_view>

namespace orgd::api::http_detail {

// Whether `head_bytes`, raw request-line and header lines as received, fold a header value
// over two lines (obs-fold: a line break followed by a space or tab). Beast joins folded
// lines; a proxy might not, and then reads a different header (RFC 9112 §5.2 allows either
// joining or 400; we refuse).
[[nodiscard]] bool has_obs_fold(std::string_view head_bytes);

// What of a parsed request head decides its framing.
struct FramingHeaders {
  unsigned version{11};                                  // 10 or 11
  std::span<const std::string_view> transfer_encodings;  // every Transfer-Encoding value
  std::size_t host_count{0};                             // Host header lines
  std::string_view host;                                 // the Host value, when there is one
  std::string_view target;                               // the request-target as sent
};

// Errors (the reason, for the 400's detail):
// - a Transfer-Encoding other than one header saying exactly "chunked" (RFC 9112 §6.3: with
//   chunked not last the body length is unknowable; other codings are not supported);
// - a Transfer-Encoding in an HTTP/1.0 request (RFC 9112 §6.1: framing is faulty);
// - an HTTP/1.1 request without exactly one Host (RFC 9112 §3.2), or any request with more;
// - a Host that is not `host[:port]` of RFC 3986 (RFC 9112 §3.2 asks for a 400 on an invalid
//   one; empty is valid). orgd routes by path alone, so this only refuses what a proxy or a
//   log reading the Host could not make sense of either. An absolute-form target
//   ("http://host/p", as proxies send) stands for the Host, whose value is then ignored
//   (RFC 9112 §3.2.2): the target must be an http(s) URI with a host and no userinfo
//   (RFC 9110 §4.2.4 asks to treat userinfo as an error).
[[nodiscard]] std::expected<void, std::string> check_framing(const FramingHeaders& headers);

}  // namespace orgd::api::http_detail
