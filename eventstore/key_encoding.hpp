#pragma once
// Key and value layouts of the event store's column families (see eventstore/README.md).
//
// Numbers are 8-byte big-endian so that RocksDB's bytewise comparator orders them
// numerically: iterating "events" walks the log in position order, and iterating one
// stream's prefix in "streams" walks it in version order.
//
// Thread-safety: pure functions. Errors: decode_u64 returns nullopt for a value that is not
// exactly 8 bytes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "eventstore/envelope.hpp"

namespace orgd::eventstore {

inline constexpr std::size_t kU64Bytes = 8;

[[nodiscard]] inline std::string encode_u64(std::uint64_t value) {
  std::string out(kU64Bytes, '\0');
  for (std::size_t i = 0; i < kU64Bytes; ++i) {
    out[kU64Bytes - 1 - i] = static_cast<char>((value >> (8 * i)) & 0xffu);
  }
  return out;
}

[[nodiscard]] inline std::optional<std::uint64_t> decode_u64(std::string_view bytes) {
  if (bytes.size() != kU64Bytes) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<std::uint8_t>(c);
  return value;
}

// "events": position -> envelope.
[[nodiscard]] inline std::string event_key(std::uint64_t position) { return encode_u64(position); }

// "streams": stream_id '\0' version -> position. Stream ids never contain '\0' (appends
// with one are rejected), so the prefix names exactly one stream.
[[nodiscard]] inline std::string stream_prefix(std::string_view stream_id) {
  std::string key(stream_id);
  key.push_back('\0');
  return key;
}

[[nodiscard]] inline std::string stream_version_key(std::string_view stream_id,
                                                    std::uint64_t version) {
  return stream_prefix(stream_id) + encode_u64(version);
}

// "claims": scope '\0' value -> owner. Scopes never contain '\0'; values may.
[[nodiscard]] inline std::string claim_key(std::string_view scope, std::string_view value) {
  std::string key(scope);
  key.push_back('\0');
  key.append(value);
  return key;
}

// "meta" head record: position (8 BE) ‖ hash (32), rewritten by every batch that appends.
[[nodiscard]] inline std::string head_record(std::uint64_t position, const Hash& hash) {
  std::string record = encode_u64(position);
  record.append(reinterpret_cast<const char*>(hash.data()), hash.size());
  return record;
}

}  // namespace orgd::eventstore
