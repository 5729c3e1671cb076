#pragma once
// Turns a domain Decision into one atomic, durable event-store append, then waits until every
// read model includes it (read-your-writes) before reporting back.
//
// Thread-safety: any thread. `done` runs on the store's writer thread (failures), the
// projection runner's notifier thread (success), or the calling thread (success, when the
// read models already hold the position); it must not block.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "domain/decision.hpp"
#include "eventstore/append_request.hpp"
#include "eventstore/idempotency_claim.hpp"
#include "eventstore/store.hpp"
#include "projections/projection_runner.hpp"

namespace orgd::api {

struct CommandMeta {
  std::string actor;           // customer id, or "system"
  std::string correlation_id;  // HttpRequest::correlation_id (one per command)
  std::string idempotency_key;
  std::int64_t now_ms{0};
  // HttpRequest::request_id. With a non-empty idempotency_key, the append claims
  // kIdempotencyKeyScope = actor ":" key for it; empty: no claim (anonymous requests).
  std::string idempotency_owner;
  // The version of the actor's customer stream its rights were read at (domain::Caller): the
  // append guards that stream at it. 0: no guard (the system, signup, login).
  std::uint64_t actor_version{0};
};

// The claim that stops a command from being appended twice for one Idempotency-Key, should
// its response not have been recorded (see idempotency.hpp). Claims are never released.
using eventstore::kIdempotencyKeyScope;

struct CommandOutcome {
  bool ok{false};
  std::uint64_t position{0};  // the log's head after the append (X-Event-Position)
  eventstore::AppendError error;  // when !ok
};

class CommandExecutor {
 public:
  CommandExecutor(eventstore::Store& store, projections::ProjectionRunner& projections)
      : store_(store), projections_(projections) {}

  void execute(const domain::Decision& decision, const CommandMeta& meta,
               std::function<void(CommandOutcome)> done);

 private:
  eventstore::Store& store_;
  projections::ProjectionRunner& projections_;
};

// The event-store request a decision stands for (exposed for tests and tools).
[[nodiscard]] eventstore::AppendRequest to_append_request(const domain::Decision& decision,
                                                          const CommandMeta& meta);

}  // namespace orgd::api
