#pragma once
// The stored form of an envelope in the "events" column family.
//
//   value = canonical_bytes(envelope) ‖ hash (32 bytes)
//   canonical_bytes = kEnvelopeFormat (1 byte) ‖ cereal PortableBinary archive of the fields
//                     position, stream_id, version, type, schema_version, timestamp_ms,
//                     actor, correlation_id, idempotency_key, payload (in this order)
//
// canonical_bytes() and chain_hash() themselves are declared in store.hpp (public, for
// auditors); this header adds the store-internal halves.
//
// Thread-safety: pure functions. Errors: decode_envelope returns a description of what is
// wrong with the bytes; it never throws.

#include <expected>
#include <string>
#include <string_view>

#include "eventstore/envelope.hpp"

namespace orgd::eventstore {

// Bumped only with a new layout; decode rejects versions it does not know.
inline constexpr char kEnvelopeFormat = 1;

// Sets envelope.hash = chain_hash(previous, envelope) and returns the stored value.
[[nodiscard]] std::string seal_envelope(Envelope& envelope, const Hash& previous);

// Inverse of seal_envelope. The error says what is wrong (callers add the key).
[[nodiscard]] std::expected<Envelope, std::string> decode_envelope(std::string_view value);

}  // namespace orgd::eventstore
