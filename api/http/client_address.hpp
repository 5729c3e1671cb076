#pragma once
// Which client a request comes from. Without a reverse proxy it is the socket's peer. Behind
// one, every request's peer is the proxy, so login limits (login_throttle.hpp) would count all
// clients as one address; the proxy names the client in X-Forwarded-For instead, and orgd
// believes that header only from peers the operator trusts (--trusted-proxies): anyone else
// could write any address into it.
//
// Thread-safety: TrustedProxies is immutable after parse(); the functions are pure.

#include <array>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orgd::api {

// An IPv4 or IPv6 address as 16 bytes: IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d), so that
// the two forms of one IPv4 client (a dual-stack socket reports the mapped one) are one.
using IpBytes = std::array<std::uint8_t, 16>;

// `text` as an address: IPv4 dotted quad or IPv6 (RFC 4291 text, no brackets, no zone).
[[nodiscard]] std::optional<IpBytes> parse_ip(std::string_view text);
// The address as clients and logs know it: IPv4 for a mapped IPv4 address, else RFC 5952 text.
[[nodiscard]] std::string ip_text(const IpBytes& address);

// What per-address limits count one client as: an IPv4 address itself, an IPv6 address's /64
// ("2001:db8:1:2::/64"). An IPv6 host, a home or a phone is given a whole /64 and may send
// from any address in it, so counting single IPv6 addresses would give it 2^64 allowances.
// Text that is no address is answered as it is.
[[nodiscard]] std::string address_block(std::string_view ip);

class TrustedProxies {
 public:
  // A comma-separated list of addresses and CIDR networks, spaces allowed around each entry:
  // "10.0.0.0/8, 192.168.1.7, ::1, fd00::/8". Empty: no proxy is trusted.
  // Errors: the entry that is no address or network, a prefix longer than its address, or
  // an address with bits set past its prefix ("10.1.0.0/8": write 10.0.0.0/8; an IPv4
  // network written in IPv6's mapped form needs a prefix of 96 or more).
  [[nodiscard]] static std::expected<TrustedProxies, std::string> parse(std::string_view list);

  [[nodiscard]] bool empty() const { return networks_.empty(); }
  [[nodiscard]] bool contains(const IpBytes& address) const;

 private:
  struct Network {
    IpBytes base;
    unsigned prefix;  // of 128 bits
  };
  std::vector<Network> networks_;
};

// The client of a request from `peer` (an address as the socket reports it) whose
// X-Forwarded-For lines, joined by commas, are `forwarded_for`: the peer itself unless it is
// a trusted proxy. From a trusted proxy, the entries are read from the right (the nearest hop
// first): the first that is not a trusted proxy is the client; an entry that is no address
// (garbage, "unknown") ends the walk, and the hop that wrote it is the client; when every
// entry is trusted, the leftmost. An entry may carry a port ("1.2.3.4:5678", "[::1]:80"), as
// some proxies write it. The answer is in ip_text's form; a peer that is no address is
// answered as it is.
[[nodiscard]] std::string client_address(std::string_view peer, std::string_view forwarded_for,
                                         const TrustedProxies& proxies);

}  // namespace orgd::api
