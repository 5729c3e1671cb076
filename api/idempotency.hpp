#pragma once
// Idempotency-Key for command requests (SPEC §4 "Idempotency"): a decorator around the
// router's handler.
//
// It acts on POST, PUT, PATCH and DELETE requests with a non-empty Idempotency-Key; all
// others pass through untouched.
//  - A key longer than 255 bytes, or holding control characters: 400, nothing runs.
//  - The caller is the bearer token's customer. A request that does not authenticate passes
//    through unchanged and nothing is recorded: the route answers 401 itself, and anonymous
//    commands (signup, login) cannot be told apart, so their key is ignored.
//  - (caller, key) with a record younger than `window`: the same request (BLAKE2b-256 of
//    method, target and body) replays the recorded status, content type, body, ETag,
//    Location and X-Event-Position, plus "Idempotent-Replayed: true"; a different request is
//    422 idempotency-key-reused. Older records count as absent (deleted when met).
//  - (caller, key) whose first request is still running (between this lookup and its record):
//    409 idempotency-key-in-use, nothing runs. The first request holds the pair until its
//    record is saved (or its answer is known not to be recorded), then answers.
//  - Otherwise the route runs. Its answer is recorded with a synced write before it is sent
//    (on `writers`: responders may run on the projections' notifier thread, which must not
//    block) when it is a 2xx or the rules' refusal of a command that ran (403 but for
//    contract-acceptance-required, 404, and 409 but for concurrent-modification,
//    rebuild-in-progress and idempotency-key-in-use), and
//    does not carry "Cache-Control: no-store" (it holds a secret, such as a new apiKey or a
//    login token, which orgd does not keep in clear). Other answers are not recorded: the
//    request never ran (400, 401, 413, 415, 428...) or failed for the moment (5xx, contention),
//    and a retry runs it again.
//  - Backstop for a crash between the events' fsync and the record's: the command's append
//    claims "idempotency-key" = actor:key for HttpRequest::request_id (command_executor.hpp),
//    so a repeat whose record is missing fails with 409 idempotency-key-in-use instead of
//    appending twice. Claims are permanent: reusing a key after `window` answers 409, it does
//    not run the command again.

#include <chrono>
#include <cstdint>
#include <functional>

#include "api/api_context.hpp"
#include "api/http/http_types.hpp"
#include "api/idempotency_records.hpp"
#include "api/worker_pool.hpp"

namespace orgd::api {

inline constexpr std::size_t kMaxIdempotencyKeyBytes = 255;

struct IdempotencyOptions {
  // How long a record answers repeats. Default: 24 h (SPEC).
  std::chrono::milliseconds window{std::chrono::hours(24)};
  // Unix milliseconds, for records' ages. Default: now_ms (the wall clock).
  std::function<std::int64_t()> clock;
};

// Wraps `next`. `context` (its authenticator) and `writers` must outlive the handler and every
// Responder it hands to `next`; `writers` runs the synced record writes and must therefore
// outlive whatever may still complete a command (the projection runner). Thread-safety: as
// RequestHandler. Throws std::runtime_error when libsodium cannot initialize (startup).
[[nodiscard]] RequestHandler with_idempotency(RequestHandler next, const ApiContext& context,
                                              IdempotencyRecords records, WorkerPool& writers,
                                              IdempotencyOptions options = {});

// BLAKE2b-256 of method '\0' target '\0' body (method and target hold no NUL).
[[nodiscard]] RequestDigest request_digest(const HttpRequest& request);

}  // namespace orgd::api
