#pragma once
// One envelope as a history entry / event of the API and of exports (SPEC section 4):
//   {position, streamId, version, type, time, actor, correlationId, data, hash}
// `data` is event_data_json() of the decoded payload (secrets redacted); an envelope whose
// payload does not decode (a type newer than this build, or damage) gets data null and an
// extra `decodeError` naming the problem, so history still shows that the event exists.
// `hash` is the chain hash in lower-case hex. The idempotency key, when the command carried
// one, is shown as `idempotencyKey`.
//
// Thread-safety: pure functions.

#include <boost/json/object.hpp>
#include <string>

#include "eventstore/envelope.hpp"

namespace orgd::replay {

[[nodiscard]] boost::json::object history_entry_json(const eventstore::Envelope& envelope);

// Lower-case hex of a chain hash.
[[nodiscard]] std::string hash_hex(const eventstore::Hash& hash);

}  // namespace orgd::replay
