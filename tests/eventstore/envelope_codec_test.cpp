#include "eventstore/envelope_codec.hpp"

#include <gtest/gtest.h>

#include <string>

#include "eventstore/store.hpp"

namespace orgd::eventstore {
namespace {

Envelope sample() {
  return {.position = 7,
          .stream_id = "org-1",
          .version = 2,
          .type = "Renamed",
          .schema_version = 3,
          .timestamp_ms = 1700000000000,
          .actor = "cust-9",
          .correlation_id = "c1",
          .idempotency_key = "k",
          .payload = std::string("\x00\x01\xff", 3)};
}

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

TEST(EnvelopeCodec, SealedEnvelopeDecodesToItself) {
  Envelope envelope = sample();
  const std::string value = seal_envelope(envelope, Hash{});
  const auto decoded = decode_envelope(value);
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(*decoded, envelope);
}

TEST(EnvelopeCodec, StoredValueIsCanonicalBytesThenChainHash) {
  Hash previous{};
  previous[0] = 0x42;
  Envelope envelope = sample();
  const std::string value = seal_envelope(envelope, previous);
  EXPECT_EQ(envelope.hash, chain_hash(previous, envelope));
  const std::string hash(reinterpret_cast<const char*>(envelope.hash.data()), envelope.hash.size());
  EXPECT_EQ(value, canonical_bytes(envelope) + hash);
}

// Pins the format: an envelope written today must hash the same forever.
TEST(EnvelopeCodec, CanonicalBytesAreFixed) {
  EXPECT_EQ(hex(canonical_bytes(sample())),
            "0101"              // format 1, cereal little-endian flag
            "0700000000000000"  // position
            "0500000000000000"
            "6f72672d31"        // stream_id
            "0200000000000000"  // version
            "0700000000000000"
            "52656e616d6564"    // type
            "03000000"          // schema_version
            "0068e5cf8b010000"  // timestamp_ms
            "0600000000000000"
            "637573742d39"  // actor
            "0200000000000000"
            "6331"  // correlation_id
            "0100000000000000"
            "6b"  // idempotency_key
            "0300000000000000"
            "0001ff");  // payload
}

TEST(EnvelopeCodec, CanonicalBytesIgnoreTheHashButNoOtherField) {
  Envelope envelope = sample();
  const std::string before = canonical_bytes(envelope);
  envelope.hash[5] = 1;
  EXPECT_EQ(canonical_bytes(envelope), before);
  envelope.actor = "cust-8";
  EXPECT_NE(canonical_bytes(envelope), before);
}

TEST(EnvelopeCodec, ChainHashDependsOnThePreviousHash) {
  Hash other{};
  other[31] = 1;
  EXPECT_NE(chain_hash(Hash{}, sample()), chain_hash(other, sample()));
  EXPECT_EQ(chain_hash(other, sample()), chain_hash(other, sample()));
}

// Each thread decodes through one stream (envelope_codec.cpp): a decode, failed or not, must
// leave nothing behind for the next one on the same thread.
TEST(EnvelopeCodec, EachDecodeOnAThreadStartsClean) {
  Envelope envelope = sample();
  const std::string value = seal_envelope(envelope, Hash{});
  std::string trailing = value;
  trailing.insert(value.size() - 32, "x");
  for (std::size_t cut = 33; cut < value.size(); cut += 5) {
    const auto decoded = decode_envelope(value);
    ASSERT_TRUE(decoded) << decoded.error();
    EXPECT_EQ(decoded->stream_id, envelope.stream_id);
    EXPECT_EQ(decoded->hash, envelope.hash);
    EXPECT_FALSE(decode_envelope(trailing));
    EXPECT_FALSE(decode_envelope(value.substr(0, cut)));
  }
}

TEST(EnvelopeCodec, RejectsBytesThatAreNotAnEnvelope) {
  Envelope envelope = sample();
  const std::string value = seal_envelope(envelope, Hash{});
  EXPECT_FALSE(decode_envelope(value.substr(0, 20)));
  EXPECT_FALSE(decode_envelope(""));
  std::string unknown_format = value;
  unknown_format[0] = 2;
  EXPECT_FALSE(decode_envelope(unknown_format));
  std::string trailing = value;
  trailing.insert(value.size() - 32, "x");
  EXPECT_FALSE(decode_envelope(trailing));
  std::string huge_length = value;
  huge_length[10 + 7] = '\x7f';  // stream_id's length, most significant byte
  const auto decoded = decode_envelope(huge_length);
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().find("does not decode"), std::string::npos);
}

}  // namespace
}  // namespace orgd::eventstore
