// Which client a request comes from: the peer, or whom a trusted proxy's X-Forwarded-For
// names; and what the login limits count one client as.

#include "api/http/client_address.hpp"

#include <gtest/gtest.h>

namespace orgd::api {
namespace {

TrustedProxies trusting(std::string_view list) {
  auto proxies = TrustedProxies::parse(list);
  EXPECT_TRUE(proxies.has_value()) << proxies.error();
  return proxies.value_or(TrustedProxies{});
}

TEST(TrustedProxies, TakesAddressesAndNetworksOfBothFamilies) {
  const auto proxies = trusting(" 10.0.0.0/8, 192.168.1.7 ,::1,fd00::/8,,");
  for (const char* trusted :
       {"10.1.2.3", "10.255.255.255", "192.168.1.7", "::1", "fd12::5", "::ffff:10.9.9.9"}) {
    EXPECT_TRUE(proxies.contains(*parse_ip(trusted))) << trusted;
  }
  for (const char* other : {"11.0.0.1", "192.168.1.8", "::2", "fe00::1", "2001:db8::1"}) {
    EXPECT_FALSE(proxies.contains(*parse_ip(other))) << other;
  }
  EXPECT_TRUE(trusting("").empty());
  // The mapped form of an IPv4 network, with its prefix counted over 128 bits.
  EXPECT_TRUE(trusting("::ffff:10.0.0.0/104").contains(*parse_ip("10.200.0.1")));
  EXPECT_FALSE(trusting("::ffff:10.0.0.0/104").contains(*parse_ip("11.0.0.1")));
  EXPECT_TRUE(trusting("0.0.0.0/0").contains(*parse_ip("203.0.113.9")));
  EXPECT_FALSE(trusting("0.0.0.0/0").contains(*parse_ip("2001:db8::1"))) << "IPv4 only";
  EXPECT_TRUE(trusting("172.16.0.0/12").contains(*parse_ip("172.31.255.1")));
  EXPECT_FALSE(trusting("172.16.0.0/12").contains(*parse_ip("172.32.0.1")));
}

TEST(TrustedProxies, RefusesWhatIsNoAddressOrNetwork) {
  for (const char* bad :
       {"proxy.example", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/8x", "10.0.0/8",
        "1.2.3.4, nonsense", "/8", "10.0.0.0/-1", "10.1.0.0/8", "::ffff:10.0.0.0/8", "fd00::1/8"}) {
    const auto parsed = TrustedProxies::parse(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_FALSE(parsed.error().empty());
  }
}

TEST(ClientAddress, IsThePeerUnlessThePeerIsATrustedProxy) {
  const auto proxies = trusting("10.0.0.0/8");
  // Anyone else may write anything into the header: it is not read.
  EXPECT_EQ(client_address("203.0.113.9", "198.51.100.1", proxies), "203.0.113.9");
  EXPECT_EQ(client_address("203.0.113.9", "198.51.100.1", TrustedProxies{}), "203.0.113.9");
  EXPECT_EQ(client_address("10.0.0.2", "198.51.100.1", proxies), "198.51.100.1");
  EXPECT_EQ(client_address("::ffff:203.0.113.9", "", proxies), "203.0.113.9") << "one form";
}

TEST(ClientAddress, ReadsFromTheRightSkippingTrustedHops) {
  const auto proxies = trusting("10.0.0.0/8");
  // The client forged the leftmost entry; the proxies appended the rest.
  EXPECT_EQ(client_address("10.0.0.2", "1.1.1.1, 198.51.100.7, 10.0.0.5", proxies), "198.51.100.7");
  EXPECT_EQ(client_address("10.0.0.2", "10.0.0.9,10.0.0.5", proxies), "10.0.0.9") << "all trusted";
  EXPECT_EQ(client_address("10.0.0.2", "", proxies), "10.0.0.2") << "no header: the proxy";
  // Garbage ends the walk: the hop that wrote it is the client.
  EXPECT_EQ(client_address("10.0.0.2", "198.51.100.7, unknown", proxies), "10.0.0.2");
  EXPECT_EQ(client_address("10.0.0.2", "198.51.100.7, unknown, 10.0.0.5", proxies), "10.0.0.5");
  // Ports and brackets, as some proxies write them; IPv6 in RFC 5952 form.
  EXPECT_EQ(client_address("10.0.0.2", "198.51.100.7:5123", proxies), "198.51.100.7");
  EXPECT_EQ(client_address("10.0.0.2", "[2001:DB8:0::1]:443", proxies), "2001:db8::1");
  EXPECT_EQ(client_address("10.0.0.2", "2001:db8::1", proxies), "2001:db8::1");
}

TEST(AddressBlock, IsTheIpv4AddressOrTheIpv6Slash64) {
  EXPECT_EQ(address_block("203.0.113.9"), "203.0.113.9");
  EXPECT_EQ(address_block("::ffff:203.0.113.9"), "203.0.113.9");
  EXPECT_EQ(address_block("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(address_block("2001:db8:1:2::1"), address_block("2001:db8:1:2:ffff::9"));
  EXPECT_NE(address_block("2001:db8:1:2::1"), address_block("2001:db8:1:3::1"));
  EXPECT_EQ(address_block("not an address"), "not an address");
}

}  // namespace
}  // namespace orgd::api
