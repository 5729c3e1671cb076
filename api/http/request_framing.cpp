#include "api/http/request_framing.hpp"

#include <algorithm>

namespace orgd::api::http_detail {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return lower(x) == lower(y);
  });
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

}  // namespace

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
