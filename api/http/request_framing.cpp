#include "api/http/request_framing.hpp"

#include <algorithm>

#include "api/http/header_text.hpp"

namespace orgd::api::http_detail {

bool has_obs_fold(std::string_view head_bytes) {
  for (auto at = head_bytes.find('\n'); at != std::string_view::npos;
       at = head_bytes.find('\n', at + 1)) {
    if (at + 1 < head_bytes.size() && (head_bytes[at + 1] == ' ' || head_bytes[at + 1] == '\t')) {
      return true;
    }
  }
  return false;
}

std::expected<void, std::string> check_framing(const FramingHeaders& headers) {
  if (!headers.transfer_encodings.empty()) {
    if (headers.version < 11) {
      return std::unexpected("Transfer-Encoding is not allowed in an HTTP/1.0 request");
    }
    if (headers.transfer_encodings.size() > 1 ||
        !iequals(trim(headers.transfer_encodings.front()), "chunked")) {
      return std::unexpected("Transfer-Encoding must be exactly 'chunked'");
    }
  }
  if (headers.host_count > 1) return std::unexpected("more than one Host header");
  if (headers.host_count == 0 && headers.version >= 11) {
    return std::unexpected("an HTTP/1.1 request must have a Host header");
  }
  return {};
}

}  // namespace orgd::api::http_detail
