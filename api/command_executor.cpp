#include "api/command_executor.hpp"

#include "domain/event_codec.hpp"

namespace orgd::api {

eventstore::AppendRequest to_append_request(const domain::Decision& decision,
                                            const CommandMeta& meta) {
  eventstore::AppendRequest request;
  request.actor = meta.actor;
  request.correlation_id = meta.correlation_id;
  // The log shows a key only where it took effect: an anonymous request's (signup, login) is
  // ignored, so its envelopes carry none and an auditor finds every key they show claimed.
  if (!meta.idempotency_owner.empty()) request.idempotency_key = meta.idempotency_key;
  request.timestamp_ms = meta.now_ms;
  for (const auto& write : decision.writes) {
    eventstore::StreamAppend entry;
    entry.stream_id = write.stream_id;
    entry.expected = write.expected_version == domain::kAnyVersion
                         ? eventstore::ExpectedVersion::any()
                         : eventstore::ExpectedVersion::exact(write.expected_version);
    for (const auto& event : write.events) {
      auto encoded = domain::encode_event(event);
      entry.events.push_back({std::move(encoded.type), encoded.schema_version,
                              std::move(encoded.payload)});
    }
    request.streams.push_back(std::move(entry));
  }
  // First, so that a repeat reports this claim rather than, say, the name its first run took.
  if (!meta.idempotency_key.empty() && !meta.idempotency_owner.empty()) {
    request.claims.push_back({std::string(kIdempotencyKeyScope),
                              eventstore::idempotency_claim_value(meta.actor, meta.idempotency_key),
                              meta.idempotency_owner});
  }
  const std::string owner = decision.writes.empty() ? std::string() : decision.writes[0].stream_id;
  for (const auto& claim : decision.claims) {
    request.claims.push_back(
        {claim.scope, claim.value, claim.owner_stream.empty() ? owner : claim.owner_stream});
  }
  for (const auto& release : decision.releases) {
    request.releases.push_back({release.scope, release.value});
  }
  return request;
}

void CommandExecutor::execute(const domain::Decision& decision, const CommandMeta& meta,
                              std::function<void(CommandOutcome)> done) {
  if (decision.writes.empty()) {
    done({true, store_.head_position(), {}});
    return;
  }
  store_.append_async(
      to_append_request(decision, meta),
      [this, done = std::move(done)](eventstore::Store::AppendOutcome outcome) mutable {
        if (!outcome) {
          done({false, 0, std::move(outcome.error())});
          return;
        }
        const std::uint64_t position = outcome->last_position;
        // The command is durable from here on; a stopped projection does not undo it, so the
        // caller is told "ok" either way (GET /projections shows the stopped projection).
        projections_.when_applied(position, [position, done = std::move(done)](bool) {
          done({true, position, {}});
        });
      });
}

}  // namespace orgd::api
