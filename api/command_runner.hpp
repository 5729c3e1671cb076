#pragma once
// Runs one command for an HTTP request: decide (load state, apply the rules), append, wait for
// the read models; retries when a concurrent change to a guarded stream made the decision
// stale, so a client only sees 409 for conflicts that are really its own.

#include <cstdint>
#include <expected>
#include <functional>

#include "api/api_context.hpp"
#include "api/http/http_types.hpp"
#include "domain/decision.hpp"

namespace orgd::api {

// Loads fresh state and decides; an error is the response to send as is.
using CommandAttempt = std::function<std::expected<domain::Decision, HttpResponse>()>;
// Receives the log position after the append, or the problem to answer with. Runs on the
// event store's writer or the projections' notifier thread: hand heavy work elsewhere.
using CommandDone = std::function<void(std::expected<std::uint64_t, HttpResponse>)>;

inline constexpr int kMaxCommandAttempts = 4;

void run_command(ApiContext& context, const HttpRequest& request, const CommandMeta& meta,
                 CommandAttempt attempt, CommandDone done);

// Meta for a request: actor, the trace id as correlation id, the idempotency key and its
// claim's owner (the request id), now.
[[nodiscard]] CommandMeta command_meta(const HttpRequest& request, std::string actor);

}  // namespace orgd::api
