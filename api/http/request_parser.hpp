#pragma once
// How a session parses each request, without the socket: the parser with the server's
// limits, and the head step with the rules Beast leaves to the server. Internal to api/http;
// the fuzz target tests/fuzz/http_request_fuzz.cpp drives the same functions, so what it
// covers is what the server runs.
//
// Thread-safety: pure functions; a parser belongs to one session (one strand) at a time.

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <string>
#include <string_view>

#include "api/http/server.hpp"

namespace orgd::api::http_detail {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// Gives a fresh parser (one per request) the server's limits: a larger body fails the read
// with http::error::body_limit (answered 413), a larger request head with
// http::error::header_limit (431).
void limit_parser(RequestParser& parser, const ServerOptions& options);

// What feeding buffered bytes to a parser whose head is not complete came to.
struct HeadStep {
  // Bytes the parser consumed; the caller drops them from its buffer.
  std::size_t used{0};
  // The head is complete and acceptable: read the body next.
  bool complete{false};
  // Refused by the parser or by a limit (a parse error, or http::error::header_limit), to
  // be answered as such. http::error::need_more is not an error: read more and call again.
  boost::beast::error_code error;
  // Refused by a rule of ours (request_framing.hpp): the reason, for a 400's detail.
  std::string malformed;
};

// Feeds `bytes` (buffered, not yet parsed) to `parser` and applies, in this order: no header
// value folded over lines (obs-fold, seen in the raw bytes Beast consumed); the whole head
// within options.header_limit, counted in `head_bytes` across calls (Beast bounds only the
// part it has not parsed yet); and, once the head is complete, unambiguous framing.
[[nodiscard]] HeadStep parse_head(RequestParser& parser, std::string_view bytes,
                                  std::size_t& head_bytes, const ServerOptions& options);

}  // namespace orgd::api::http_detail
