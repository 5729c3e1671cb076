#include "domain/event_codec.hpp"

#include <gtest/gtest.h>

namespace orgd::domain {
namespace {

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// One instance of every event type, with every field set.
std::vector<Event> samples() {
  return {OrganizationCreated{"i", "n", "d", "p", "active", "de-DE", "DE", "https://l", "free"},
          OrganizationUpdated{"n", "d", "p", "inactive", "en", "US", "http://x"},
          OrganizationDeleted{"n"},
          ChildOrganizationAdded{"c"},
          ChildOrganizationRemoved{"c"},
          CustomerRegistered{"i", "e@x.io", "f", "l", "d", "o", "owner", "superadmin", "h", "en",
                             "DE"},
          SessionStarted{"s", "t", 42},
          SessionEnded{"s", "t", "logout"},
          CustomerMoved{"o", "member"},
          CustomerRoleChanged{"admin"},
          CustomerProfileUpdated{"e@x.io", "f", "l", "d", "en", "DE"},
          CustomerPasswordChanged{"h"},
          CustomerDeleted{"e@x.io"},
          MemberJoined{"c", "owner"},
          MemberLeft{"c"},
          MemberRoleChanged{"c", "admin"},
          GroupCreated{"g", "o", "All customers", "customers", true},
          GroupMemberAdded{"c"},
          GroupMemberRemoved{"c"},
          GroupDeleted{"o"},
          ContractPublished{"k", "T", "x", "", "1"},
          ContractRevised{"T", "", "https://t", "2"},
          ContractAssigned{"k"},
          ContractUnassigned{"k"},
          ContractAccepted{"k", 2},
          BillingPlanChanged{"pro"},
          InvoiceIssued{"i", "o", "2026-11", 4999, "EUR"},
          InvoicePaid{"o"},
          InvoiceVoided{"o"},
          ResourceCreated{"r", "app-backend", "n", "d", "c", "o", "h", {true, false, true}},
          ResourceUpdated{"n", "d", {false, true, false}},
          ResourceApiKeyRotated{"h2"},
          ResourceDeleted{"n"},
          ResourceOwnershipTransferred{"c", "c2", "o"},
          ResourceAccessGranted{"g", "customer", "c3", "write"},
          ResourceAccessRevoked{"g"}};
}

TEST(EventCodec, EveryTypeRoundTrips) {
  EXPECT_EQ(samples().size(), std::variant_size_v<Event>) << "a sample of every event type";
  for (const Event& event : samples()) {
    const EncodedEvent encoded = encode_event(event);
    EXPECT_EQ(encoded.type, event_type(event));
    // ContractAccepted names its organization since class version 2.
    EXPECT_EQ(encoded.schema_version, std::holds_alternative<ContractAccepted>(event) ? 2u : 1u);
    auto decoded = decode_event(encoded.type, encoded.schema_version, encoded.payload);
    ASSERT_TRUE(decoded.has_value()) << decoded.error();
    EXPECT_EQ(*decoded, event) << encoded.type;
  }
}

// Golden bytes: a stored event must decode forever, so its layout may never drift. A failure
// here means an event's serialize() changed; add a new CEREAL_CLASS_VERSION instead.
TEST(EventCodec, GoldenBytesPinTheLayout) {
  // Portable binary: 1 byte endianness marker, u32 class version, then u64 length + bytes per
  // string field, little-endian.
  EXPECT_EQ(hex(encode_event(ChildOrganizationAdded{"c"}).payload),
            "01" "01000000" "0100000000000000" "63");
  EXPECT_EQ(hex(encode_event(OrganizationDeleted{"ab"}).payload),
            "01" "01000000" "0200000000000000" "6162");
  EXPECT_EQ(hex(encode_event(SessionStarted{"s", "t", 258}).payload),
            "01" "01000000" "0100000000000000" "73" "0100000000000000" "74"
            "0201000000000000");
  EXPECT_EQ(hex(encode_event(GroupCreated{"g", "o", "n", "k", true}).payload),
            "01" "01000000" "0100000000000000" "67" "0100000000000000" "6f"
            "0100000000000000" "6e" "0100000000000000" "6b" "01");
  EXPECT_EQ(hex(encode_event(ResourceUpdated{"n", "d", {true, false, true}}).payload),
            "01" "01000000" "0100000000000000" "6e" "0100000000000000" "64" "01" "00" "01");
  EXPECT_EQ(hex(encode_event(ResourceAccessGranted{"g", "group", "p", "read"}).payload),
            "01" "01000000" "0100000000000000" "67" "0500000000000000" "67726f7570"
            "0100000000000000" "70" "0400000000000000" "72656164");
  const std::string created = hex(encode_event(samples()[0]).payload);
  EXPECT_EQ(created,
            "01" "01000000"
            "0100000000000000" "69" "0100000000000000" "6e" "0100000000000000" "64"
            "0100000000000000" "70" "0600000000000000" "616374697665"
            "0500000000000000" "64652d4445" "0200000000000000" "4445"
            "0900000000000000" "68747470733a2f2f6c" "0400000000000000" "66726565");
}

// Class version 2 of ContractAccepted adds the organization; version 1 bytes, as logged before
// it, still decode (with none).
TEST(EventCodec, ContractAcceptedOfBothClassVersions) {
  EXPECT_EQ(hex(encode_event(ContractAccepted{"k", 2, "o"}).payload),
            "01"
            "02000000"
            "0100000000000000"
            "6b"
            "0200000000000000"
            "0100000000000000"
            "6f");
  std::string v1;
  for (const unsigned char byte :
       {0x01, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x6b, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}) {
    v1.push_back(static_cast<char>(byte));
  }
  const auto decoded = decode_event("ContractAccepted", 1, v1);
  ASSERT_TRUE(decoded.has_value()) << decoded.error();
  EXPECT_EQ(std::get<ContractAccepted>(*decoded), (ContractAccepted{"k", 2, ""}));
}

TEST(EventCodec, UnknownTypeAndTruncatedBytesAreErrorsNotCrashes) {
  EXPECT_FALSE(decode_event("NoSuchEvent", 1, "").has_value());
  const std::string payload = encode_event(samples()[0]).payload;
  for (std::size_t cut = 0; cut < payload.size(); ++cut) {
    EXPECT_FALSE(decode_event("OrganizationCreated", 1, payload.substr(0, cut)).has_value())
        << "cut at " << cut;
  }
  EXPECT_FALSE(decode_event("OrganizationDeleted", 1, payload).has_value())
      << "trailing bytes are rejected";
}

// Each thread decodes through one stream (event_codec.cpp): a decode, failed or not, must
// leave nothing behind for the next one on the same thread (a stream left at its end would
// no longer see trailing bytes).
TEST(EventCodec, EachDecodeOnAThreadStartsClean) {
  const auto encoded = encode_event(samples()[0]);
  const std::string trailing = encoded.payload + "x";
  for (std::size_t cut = 0; cut < encoded.payload.size(); cut += 7) {
    auto decoded = decode_event(encoded.type, encoded.schema_version, encoded.payload);
    ASSERT_TRUE(decoded.has_value()) << decoded.error();
    EXPECT_EQ(encode_event(*decoded).payload, encoded.payload);
    EXPECT_FALSE(decode_event(encoded.type, encoded.schema_version, trailing).has_value())
        << "trailing bytes after a decode that read to the end";
    EXPECT_FALSE(decode_event(encoded.type, 1, encoded.payload.substr(0, cut)).has_value());
  }
}

// Found by fuzzing (tests/fuzz/event_decoding_fuzz.cpp): a corrupt string length made one
// decode allocate whatever it claimed before failing, and a bool byte other than 0 or 1 was
// loaded into a bool (undefined behaviour).
TEST(EventCodec, CorruptLengthsAndBoolsAreRefusedBeforeUse) {
  // ChildOrganizationAdded whose one string claims 1 GiB but holds a single byte.
  std::string payload("\x01" "\x01\x00\x00\x00" "\x00\x00\x00\x40\x00\x00\x00\x00" "c", 14);
  auto decoded = decode_event("ChildOrganizationAdded", 1, payload);
  ASSERT_FALSE(decoded.has_value());
  EXPECT_NE(decoded.error().find("a length beyond the payload"), std::string::npos)
      << decoded.error();

  std::string group = encode_event(GroupCreated{"g", "o", "n", "k", true}).payload;
  group.back() = '\x02';
  decoded = decode_event("GroupCreated", 1, group);
  ASSERT_FALSE(decoded.has_value());
  EXPECT_NE(decoded.error().find("a bool is neither 0 nor 1"), std::string::npos)
      << decoded.error();
}

}  // namespace
}  // namespace orgd::domain
