#include "api/http/client_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "api/http/header_text.hpp"

namespace orgd::api {
namespace {

constexpr unsigned kMappedPrefix = 96;  // ::ffff:0:0/96 holds the IPv4 addresses

bool is_mapped_ipv4(const IpBytes& address) {
  return std::all_of(address.begin(), address.begin() + 10, [](auto b) { return b == 0; }) &&
         address[10] == 0xff && address[11] == 0xff;
}

// `address` with every bit past the first `prefix` cleared.
IpBytes masked(IpBytes address, unsigned prefix) {
  for (unsigned bit = prefix; bit < 128; ++bit) {
    address[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
  }
  return address;
}

// An X-Forwarded-For entry's address without the port some proxies add: "1.2.3.4:80",
// "[2001:db8::1]:443", "[2001:db8::1]".
std::string_view without_port(std::string_view entry) {
  if (entry.starts_with('[')) {
    const auto close = entry.find(']');
    return close == std::string_view::npos ? entry : entry.substr(1, close - 1);
  }
  const auto colon = entry.find(':');
  if (colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos) {
    return entry.substr(0, colon);  // one colon: IPv4 with a port (IPv6 has at least two)
  }
  return entry;
}

}  // namespace

std::optional<IpBytes> parse_ip(std::string_view text) {
  // inet_pton wants a terminated string; no address is longer than this.
  char terminated[INET6_ADDRSTRLEN] = {};
  if (text.empty() || text.size() >= sizeof terminated) return std::nullopt;
  std::memcpy(terminated, text.data(), text.size());
  IpBytes address{};
  if (in_addr v4{}; inet_pton(AF_INET, terminated, &v4) == 1) {
    address[10] = address[11] = 0xff;
    std::memcpy(address.data() + 12, &v4, 4);
    return address;
  }
  if (in6_addr v6{}; inet_pton(AF_INET6, terminated, &v6) == 1) {
    std::memcpy(address.data(), &v6, 16);
    return address;
  }
  return std::nullopt;
}

std::string ip_text(const IpBytes& address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (is_mapped_ipv4(address)) {
    inet_ntop(AF_INET, address.data() + 12, text, sizeof text);
  } else {
    inet_ntop(AF_INET6, address.data(), text, sizeof text);
  }
  return text;
}

std::string address_block(std::string_view ip) {
  auto address = parse_ip(ip);
  if (!address) return std::string(ip);
  if (is_mapped_ipv4(*address)) return ip_text(*address);
  return ip_text(masked(*address, 64)) + "/64";
}

std::expected<TrustedProxies, std::string> TrustedProxies::parse(std::string_view list) {
  TrustedProxies proxies;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view entry = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (entry.empty()) continue;
    const auto slash = entry.find('/');
    const auto base = parse_ip(entry.substr(0, slash));
    if (!base) return std::unexpected("'" + std::string(entry) + "' is no address or network");
    const bool v4 = is_mapped_ipv4(*base) && entry.find(':') == std::string_view::npos;
    const unsigned bits = v4 ? 32 : 128;
    unsigned prefix = bits;
    if (slash != std::string_view::npos) {
      const auto digits = entry.substr(slash + 1);
      const auto [end, error] =
          std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
      if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
          prefix > bits) {
        return std::unexpected("'" + std::string(entry) + "' has no prefix length of 0 to " +
                               std::to_string(bits));
      }
    }
    const unsigned prefix_of_128 = v4 ? kMappedPrefix + prefix : prefix;
    // Strict, as a typo could widen the network: "::ffff:10.0.0.0/8" is ::/8, every IPv4
    // client among it, when 10.0.0.0/8 was meant.
    if (masked(*base, prefix_of_128) != *base) {
      return std::unexpected("'" + std::string(entry) + "' has address bits set past its prefix");
    }
    proxies.networks_.push_back({*base, prefix_of_128});
  }
  return proxies;
}

bool TrustedProxies::contains(const IpBytes& address) const {
  return std::ranges::any_of(networks_, [&address](const Network& network) {
    return masked(address, network.prefix) == network.base;  // bases are masked (parse)
  });
}

std::string client_address(std::string_view peer, std::string_view forwarded_for,
                           const TrustedProxies& proxies) {
  const auto peer_address = parse_ip(peer);
  if (!peer_address) return std::string(peer);
  IpBytes client = *peer_address;
  if (!proxies.contains(client)) return ip_text(client);
  // From the right: each entry is the client of the hop after it.
  while (!forwarded_for.empty()) {
    const auto comma = forwarded_for.rfind(',');
    const std::string_view entry =
        trim(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
    forwarded_for =
        comma == std::string_view::npos ? std::string_view() : forwarded_for.substr(0, comma);
    const auto hop = parse_ip(without_port(entry));
    if (!hop) break;
    client = *hop;
    if (!proxies.contains(client)) break;
  }
  return ip_text(client);
}

}  // namespace orgd::api
