#include "api/http/request_parser.hpp"

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <cstdint>
#include <expected>
#include <limits>
#include <vector>

#include "api/http/request_framing.hpp"

namespace orgd::api::http_detail {
namespace {

namespace http = boost::beast::http;

std::expected<void, std::string> check_framing_of(const http::request_header<>& header) {
  std::vector<std::string_view> transfer_encodings;
  for (const auto& field : header) {
    if (field.name() == http::field::transfer_encoding) transfer_encodings.push_back(field.value());
  }
  return check_framing({header.version(), transfer_encodings, header.count(http::field::host)});
}

}  // namespace

void limit_parser(RequestParser& parser, const ServerOptions& options) {
  parser.body_limit(options.body_limit);
  parser.header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(options.header_limit, std::numeric_limits<std::uint32_t>::max())));
}

HeadStep parse_head(RequestParser& parser, std::string_view bytes, std::size_t& head_bytes,
                    const ServerOptions& options) {
  HeadStep step;
  boost::beast::error_code ec;
  step.used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
  if (has_obs_fold(bytes.substr(0, step.used))) {
    step.malformed = "a header value is folded over lines";
    return step;
  }
  head_bytes += step.used;
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
  step.complete = true;
  return step;
}

}  // namespace orgd::api::http_detail
