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

// How much a session asks the socket for at a time while reading a body.
inline constexpr std::size_t kBodyReadSize = 64u << 10;

// The most a session buffers of a request it has not parsed yet: the head within
// options.header_limit, and each chunk header (with its extensions) and the trailer fields
// within kBodyReadSize more. Beast bounds neither of the latter two itself.
[[nodiscard]] std::size_t unparsed_limit(const ServerOptions& options);

// What feeding buffered bytes to a parser whose head is not complete came to.
struct HeadStep {
  // Bytes the parser consumed; the caller drops them from its buffer.
  std::size_t used{0};
  // The head is complete and acceptable: read the body next.
  bool complete{false};
  // Refused by the parser or by a limit (a parse error, http::error::header_limit, or
  // http::error::buffer_overflow for a field over Beast's 65,533 bytes), to be answered as such.
  // http::error::need_more is not an error: read more and call again.
  boost::beast::error_code error;
  // Refused by a rule of ours (request_framing.hpp): the reason, for a 400's detail.
  std::string malformed;
  // Once complete, for a chunked body: how many header fields the head has (for parse_body).
  std::size_t header_fields{0};
};

// What feeding buffered bytes to a parser whose head is complete came to.
struct BodyStep {
  std::size_t used{0};
  // The request is whole: release the parser's message.
  bool complete{false};
  // As HeadStep::error; http::error::buffer_overflow when a chunk header or the trailer
  // do not fit in unparsed_limit, or a field is over 65,533 bytes (answered 431).
  boost::beast::error_code error;
  // As HeadStep::malformed: a trailer with fields, or a chunk line or trailer ended by a bare
  // LF.
  std::string malformed;
};

// Feeds `bytes` (buffered, not yet parsed) to `parser` and applies, in this order: no header
// value folded over lines (obs-fold, seen in the raw bytes Beast consumed); the whole head
// within options.header_limit, counted in `head_bytes` across calls (Beast bounds only the
// part it has not parsed yet); and, once the head is complete, unambiguous framing.
[[nodiscard]] HeadStep parse_head(RequestParser& parser, std::string_view bytes,
                                  std::size_t& head_bytes, const ServerOptions& options);

// Feeds `bytes` (buffered, not yet parsed; `buffer_full` when they fill unparsed_limit) to
// `parser` until the request is whole or more is needed. A chunked body's trailer must carry
// no fields (`header_fields`: the head's, from HeadStep): Beast would merge them into the
// head's, where a trailer could add Authorization or If-Match after the head was checked.
// A chunk line or trailer that Beast waits on must not hold a bare LF: Beast looks for its
// CRLF past one and waits, until the request timeout, for a line the client thinks it ended.
// `lf_checked` (0 for a new request) counts the bytes left over from the last call that were
// found free of one, so each byte is looked at once however slowly the line arrives.
[[nodiscard]] BodyStep parse_body(RequestParser& parser, std::string_view bytes, bool buffer_full,
                                  std::size_t header_fields, std::size_t& lf_checked);

}  // namespace orgd::api::http_detail
