#include "api/http/request_parser.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <cstdint>
#include <expected>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <vector>

#include "api/http/request_framing.hpp"

namespace orgd::api::http_detail {
namespace {

// Empty lines ignored before a request line (RFC 9112 2.2 asks for at least one).
constexpr std::size_t kEmptyLinesIgnored = 4;

namespace http = boost::beast::http;

std::expected<void, std::string> check_framing_of(const http::request_header<>& header) {
  std::vector<std::string_view> transfer_encodings;
  std::size_t host_count = 0;
  std::string_view host;
  for (const auto& field : header) {
    if (field.name() == http::field::transfer_encoding) transfer_encodings.push_back(field.value());
    if (field.name() == http::field::host) {
      ++host_count;
      host = field.value();
    }
  }
  return check_framing({header.version(), transfer_encodings, host_count, host, header.target()});
}

// Fields the API reads one value of. Sent twice, a proxy in front of us may have acted on the
// other copy (checked one Authorization, scanned a body by one Content-Type), and whichever
// copy we read, the two would disagree about the request: refused, as a second Host is.
constexpr std::array<std::string_view, 4> kSingleFields = {"Authorization", "Content-Type",
                                                           "If-Match", "Idempotency-Key"};

std::expected<void, std::string> check_single_fields(const http::request_header<>& header) {
  for (const std::string_view name : kSingleFields) {
    if (header.count(name) > 1)
      return std::unexpected("more than one " + std::string(name) + " header");
  }
  return {};
}

// Beast's fields keep 16-bit sizes and throw std::length_error for a longer name or value,
// which header_limit does not prevent in a trailer, or at all when set above 64 KiB.
std::size_t put_bounded(RequestParser& parser, std::string_view bytes,
                        boost::beast::error_code& ec) {
  try {
    return parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
  } catch (const std::length_error&) {
    ec = http::error::buffer_overflow;
    return 0;
  }
}

std::size_t field_count(const http::request_header<>& header) {
  return static_cast<std::size_t>(std::distance(header.begin(), header.end()));
}

// Whether `line` (from `from` on; the bytes before were checked) has an LF without its CR.
bool has_bare_lf(std::string_view line, std::size_t from) {
  for (std::size_t i = line.find('\n', from); i != std::string_view::npos;
       i = line.find('\n', i + 1)) {
    if (i == 0 || line[i - 1] != '\r') return true;
  }
  return false;
}

}  // namespace

std::size_t unparsed_limit(const ServerOptions& options) {
  return options.header_limit + kBodyReadSize;
}

void limit_parser(RequestParser& parser, const ServerOptions& options) {
  parser.body_limit(options.body_limit);
  parser.header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(options.header_limit, std::numeric_limits<std::uint32_t>::max())));
}

HeadStep parse_head(RequestParser& parser, std::string_view bytes, std::size_t& head_bytes,
                    const ServerOptions& options) {
  HeadStep step;
  // RFC 9112 2.2: empty lines before a request line (a client's CRLF after a body) are
  // ignored, a few of them; they closed the connection with "bad method".
  std::size_t skipped = 0;
  while (head_bytes == 0 && skipped < 2 * kEmptyLinesIgnored &&
         bytes.substr(skipped).starts_with("\r\n")) {
    skipped += 2;
  }
  bytes.remove_prefix(skipped);
  step.used = skipped;
  if (bytes.empty()) return step;
  boost::beast::error_code ec;
  const std::size_t parsed = put_bounded(parser, bytes, ec);
  step.used += parsed;
  if (has_obs_fold(bytes.substr(0, parsed))) {
    step.malformed = "a header value is folded over lines";
    return step;
  }
  head_bytes += parsed;
  if (head_bytes > options.header_limit) {
    step.error = http::error::header_limit;
    return step;
  }
  if (ec && ec != http::error::need_more) {
    step.error = ec;
    return step;
  }
  if (ec || !parser.is_header_done()) return step;
  if (auto framed = check_framing_of(parser.get()); !framed) {
    step.malformed = std::move(framed.error());
    return step;
  }
  if (auto single = check_single_fields(parser.get()); !single) {
    step.malformed = std::move(single.error());
    return step;
  }
  step.complete = true;
  // Only a chunked body has a trailer to compare against: no count on the path of every GET.
  if (parser.chunked()) step.header_fields = field_count(parser.get());
  return step;
}

BodyStep parse_body(RequestParser& parser, std::string_view bytes, bool buffer_full,
                    std::size_t header_fields, std::size_t& lf_checked) {
  BodyStep step;
  // Beast parses a piece at a time (a chunk header, a chunk's data, the trailer): go on while
  // it makes progress.
  while (!parser.is_done() && step.used < bytes.size()) {
    boost::beast::error_code ec;
    const std::size_t used = put_bounded(parser, bytes.substr(step.used), ec);
    step.used += used;
    if (ec == http::error::need_more) break;
    if (ec) {
      step.error = ec;
      return step;
    }
    if (used == 0) break;
  }
  if (parser.is_done()) {
    // Beast files trailer fields among the head's (next to a field of the same name), where
    // they could not be told apart and dropped: a trailer with fields is refused instead.
    if (parser.chunked() && field_count(parser.get()) != header_fields) {
      step.malformed = "a chunked body's trailer carries fields: none are accepted";
      return step;
    }
    step.complete = true;
    lf_checked = 0;
    return step;
  }
  // What Beast left is the start of a line it waits to see the end of (a chunk's size line or
  // the trailer): chunk data is taken as it comes.
  const std::string_view waiting = bytes.substr(step.used);
  if (parser.chunked() && has_bare_lf(waiting, step.used == 0 ? lf_checked : 0)) {
    step.malformed = "a chunk line or the trailer ends with a bare LF: CRLF is required";
    return step;
  }
  lf_checked = waiting.size();
  if (buffer_full && step.used == 0) step.error = http::error::buffer_overflow;
  return step;
}

}  // namespace orgd::api::http_detail
