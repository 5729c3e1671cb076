#include "api/http/request_framing.hpp"

#include <algorithm>
#include <boost/url/authority_view.hpp>

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

namespace {

// A host name or IPv4 address with an optional port, the Host of nearly every request: a
// reg-name of unreserved characters is a valid uri-host as it is, so Boost.URL's grammar (~650
// instructions, 2 % of a GET by id under callgrind) is left for the rest.
bool is_plain_host(std::string_view value) {
  const auto colon = value.find(':');
  const auto name = value.substr(0, colon);
  const bool plain_name = std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
  });
  if (!plain_name) return false;
  if (colon == std::string_view::npos) return true;
  return std::ranges::all_of(value.substr(colon + 1), [](char c) { return c >= '0' && c <= '9'; });
}

// uri-host [ ":" port ] (RFC 9110 §7.2): an authority without userinfo.
bool is_host_value(std::string_view value) {
  if (is_plain_host(value)) return true;
  const auto authority = boost::urls::parse_authority(value);
  return authority.has_value() && !authority->has_userinfo();
}

bool is_absolute_form(std::string_view target) {
  const auto colon = target.find(':');
  return colon != std::string_view::npos && target.find('/') > colon;
}

// An absolute-form target's scheme and authority: http(s), a host, no userinfo (RFC 9110
// §4.2.1, §4.2.4). Its path and query are the router's to check, as an origin-form's are (a
// bad query is then 400 invalid-query on a connection that stays open).
bool is_absolute_target(std::string_view target) {
  const auto separator = target.find("://");
  if (separator == std::string_view::npos) return false;
  const auto scheme = target.substr(0, separator);
  if (!iequals(scheme, "http") && !iequals(scheme, "https")) return false;
  const auto rest = target.substr(separator + 3);
  const auto authority = rest.substr(0, rest.find_first_of("/?#"));
  // Without userinfo, the host is what comes before the port: none when the port comes first.
  return !authority.empty() && authority.front() != ':' && is_host_value(authority);
}

}  // namespace

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
  // Checked whatever the target's form: with an absolute-form target the Host's value is not
  // used (RFC 9112 §3.2.2), but an invalid one is still a 400 (§3.2), and a proxy in front may
  // have read it (until 2026-12-05 such a target let any Host through).
  if (headers.host_count == 1 && !is_host_value(headers.host)) {
    return std::unexpected("the Host header must be host[:port]");
  }
  if (is_absolute_form(headers.target) && !is_absolute_target(headers.target)) {
    return std::unexpected(
        "an absolute request target must be http(s)://host[:port] without userinfo");
  }
  return {};
}

}  // namespace orgd::api::http_detail
