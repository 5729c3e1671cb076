// Fuzz target: stored bytes -> envelope (eventstore/envelope_codec) and domain event
// (domain/event_codec), as the log reader, the projections and replay decode them.
// Decoding must fail cleanly or give a value that encodes and decodes back to itself:
// decode(encode(decode(x))) == decode(x).
//
// Input: byte 0 even: the rest is a stored envelope value, whose payload is then decoded as
// the event type the envelope names. Byte 0 odd: (byte 0 / 2) picks one of the event types
// (every alternative of domain::Event), and the rest is that type's payload.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/event.hpp"
#include "domain/event_codec.hpp"
#include "eventstore/envelope_codec.hpp"
#include "eventstore/store.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using orgd::domain::Event;

std::vector<std::string_view> event_type_names() {
  return []<class... Ts>(std::variant<Ts...>*) {
    return std::vector<std::string_view>{Ts::kType...};
  }(static_cast<Event*>(nullptr));
}

void check_event(std::string_view type, std::uint32_t schema_version, std::string_view payload) {
  auto decoded = orgd::domain::decode_event(type, schema_version, payload);
  if (!decoded) return;
  fuzz_check(orgd::domain::event_type(*decoded) == type, "decoded as another type");
  const auto encoded = orgd::domain::encode_event(*decoded);
  fuzz_check(encoded.type == type, "encoded under another type name");
  auto again = orgd::domain::decode_event(encoded.type, encoded.schema_version, encoded.payload);
  fuzz_check(again.has_value(), "an encoded event does not decode");
  fuzz_check(*again == *decoded, "an event changed in an encode/decode round trip");
}

void check_envelope(std::string_view value) {
  auto decoded = orgd::eventstore::decode_envelope(value);
  if (!decoded) return;
  // The stored value is the canonical bytes followed by the hash; decoding must keep both.
  std::string stored = orgd::eventstore::canonical_bytes(*decoded);
  stored.append(reinterpret_cast<const char*>(decoded->hash.data()), decoded->hash.size());
  auto again = orgd::eventstore::decode_envelope(stored);
  fuzz_check(again.has_value(), "a re-encoded envelope does not decode");
  fuzz_check(*again == *decoded, "an envelope changed in an encode/decode round trip");
  check_event(decoded->type, decoded->schema_version, decoded->payload);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::string_view> types = event_type_names();
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    check_envelope(rest);
  } else {
    check_event(types[(data[0] / 2) % types.size()], 1, rest);
  }
  return 0;
}
