#pragma once
// Runs one command for an HTTP request: decide (load state, apply the rules), append, wait for
// the read models; retries when a concurrent change to a guarded stream made the decision
// stale, so a client only sees 409 for conflicts that are really its own.
//
// A retry waits until the read models show the change it lost to: some decisions take their
// guards' versions from a read model (a subtree to move, the groups a departure leaves), and
// deciding again at once would read the same stale versions. Each lost attempt means another
// command on the same streams committed, so nothing loops for nothing; the budget is time,
// not a count: under a steady stream of competitors a command loses each round by chance
// (15 in 16 with 16 clients on one stream), and 64 attempts ran out within 0.4 s.

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>

#include "api/api_context.hpp"
#include "api/http/http_types.hpp"
#include "domain/caller.hpp"
#include "domain/decision.hpp"

namespace orgd::api {

// Loads fresh state and decides; an error is the response to send as is.
using CommandAttempt = std::function<std::expected<domain::Decision, HttpResponse>()>;
// Receives the log position after the append, or the problem to answer with. Runs on the
// event store's writer or the projections' notifier thread, or on a retry worker after a
// departure's second look (groups_holding.hpp): hand heavy work elsewhere.
using CommandDone = std::function<void(std::expected<std::uint64_t, HttpResponse>)>;

// How long a command that keeps losing is decided again before it answers 409, and a backstop
// on its attempts.
inline constexpr std::chrono::milliseconds kCommandRetryBudget{2000};
inline constexpr int kMaxCommandAttempts = 1000;

void run_command(ApiContext& context, const HttpRequest& request, const CommandMeta& meta,
                 CommandAttempt attempt, CommandDone done);

// Meta for a request: actor, the trace id as correlation id, the idempotency key and its
// claim's owner (the request id), now.
[[nodiscard]] CommandMeta command_meta(const HttpRequest& request, std::string actor);
// The same for a caller's request: its decision is appended only while the caller's customer
// stream is still at the version the caller's rights were read at (its organization and role
// come from a read model, which may not show yet a change that just committed: a demotion, a
// removal). Losing on that stream is a 409 concurrent-modification at once, where other
// conflicts are decided again: the caller itself changed.
[[nodiscard]] CommandMeta command_meta(const HttpRequest& request, const domain::Caller& caller);
// The same without the idempotency key, for the commands of anonymous routes (signup, login),
// which ignore it even when a bearer token came along: their actor is the customer they
// create or log in, not the token's, so the key's claim would be filed under someone else.
[[nodiscard]] CommandMeta anonymous_command_meta(const HttpRequest& request, std::string actor);

}  // namespace orgd::api
