#pragma once
// The unit of the log: one committed event with everything an auditor needs to place it.

#include <array>
#include <cstdint>
#include <string>

namespace orgd::eventstore {

// BLAKE2b-256 (libsodium crypto_generichash) of the previous envelope's hash followed by
// this envelope's canonical bytes. The first envelope chains from 32 zero bytes.
using Hash = std::array<std::uint8_t, 32>;

// An event as a command produces it, before the store places it in the log.
struct EventData {
  std::string type;               // e.g. "OrganizationCreated"
  std::uint32_t schema_version{1};  // the payload layout's version, for upcasting on read
  std::string payload;            // opaque bytes (cereal binary, written by the domain)
};

// An event as committed. Immutable once written.
struct Envelope {
  std::uint64_t position{0};  // global, gapless, starts at 1, commit order
  std::string stream_id;
  std::uint64_t version{0};  // position within its stream, starts at 1
  std::string type;
  std::uint32_t schema_version{1};
  std::int64_t timestamp_ms{0};  // UTC milliseconds since the epoch; never decreases along the log
  std::string actor;             // customer id or "system"
  std::string correlation_id;    // one per command; shared by all events of one append
  std::string idempotency_key;   // empty when the command carried none
  std::string payload;
  Hash hash{};

  bool operator==(const Envelope&) const = default;
};

}  // namespace orgd::eventstore
