#include "replay/history_entry.hpp"

#include "domain/event_codec.hpp"
#include "replay/event_json.hpp"
#include "replay/iso_time.hpp"

namespace orgd::replay {

std::string hash_hex(const eventstore::Hash& hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(hash.size() * 2);
  for (const std::uint8_t byte : hash) {
    out += kDigits[byte >> 4];
    out += kDigits[byte & 15];
  }
  return out;
}

boost::json::object history_entry_json(const eventstore::Envelope& envelope) {
  boost::json::object entry{{"position", envelope.position},
                            {"streamId", envelope.stream_id},
                            {"version", envelope.version},
                            {"type", envelope.type},
                            {"time", format_iso8601(envelope.timestamp_ms)},
                            {"actor", envelope.actor},
                            {"correlationId", envelope.correlation_id}};
  if (!envelope.idempotency_key.empty()) entry["idempotencyKey"] = envelope.idempotency_key;
  auto event = domain::decode_event(envelope.type, envelope.schema_version, envelope.payload);
  if (event) {
    entry["data"] = event_data_json(*event);
  } else {
    entry["data"] = nullptr;
    entry["decodeError"] = event.error();
  }
  entry["hash"] = hash_hex(envelope.hash);
  return entry;
}

}  // namespace orgd::replay
