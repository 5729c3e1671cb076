#include "api/idempotency.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "api/command_executor.hpp"
#include "api/error_responses.hpp"
#include "api/http/header_text.hpp"
#include "api/http/problem.hpp"
#include "api/ids.hpp"
#include "eventstore/idempotency_claim.hpp"

namespace orgd::api {
namespace {

// Records looked at for expiry with each save: more than one, so that expired records go
// faster than new ones come.
constexpr std::size_t kSweptPerSave = 8;

// Response headers a replay repeats; the others (Cache-Control, Retry-After...) describe the
// moment, not the outcome.
constexpr std::array<std::string_view, 3> kReplayedHeaders = {"ETag", "Location",
                                                              "X-Event-Position"};

bool is_command(HttpMethod method) {
  return method == HttpMethod::post || method == HttpMethod::put || method == HttpMethod::patch ||
         method == HttpMethod::del;
}

bool is_acceptable_key(std::string_view key) {
  return !key.empty() && key.size() <= kMaxIdempotencyKeyBytes &&
         std::ranges::none_of(key, [](char c) {
           const auto byte = static_cast<unsigned char>(c);
           return byte < 0x20 || byte == 0x7f;
         });
}

bool holds_secret(const HttpResponse& response) {
  return std::ranges::any_of(response.headers, [](const auto& header) {
    return iequals(header.first, "Cache-Control") &&
           header.second.find("no-store") != std::string::npos;
  });
}

// A problem body of type urn:orgd:problem:<slug> (problem.hpp writes the type as a JSON string).
bool is_problem(const HttpResponse& response, std::string_view slug) {
  std::string type = "\"";
  type.append(kProblemTypePrefix).append(slug).push_back('"');
  return response.body.find(type) != std::string::npos;
}

// What a repeat is answered from (SPEC: the original status and body): a success, and the
// rules' refusal of a command that ran (403, 404, 409). Not what a repeat may see end
// otherwise: a request that never ran (400, 401, 413, 415, 428, and the 403 of a contract
// still to accept: the caller can accept it and repeat), a failure of the moment
// (5xx, a rebuild in progress, contention that outlasted the retries), the key in use, or an
// answer holding a secret.
bool is_recorded(const HttpResponse& response) {
  if (holds_secret(response)) return false;
  if (response.status >= 200 && response.status < 300) return true;
  if (response.status == 404) return true;
  if (response.status == 403) return !is_problem(response, "contract-acceptance-required");
  return response.status == 409 && !is_problem(response, "idempotency-key-in-use") &&
         !is_problem(response, "concurrent-modification") &&
         !is_problem(response, "rebuild-in-progress");
}

// (caller, key) pairs whose request runs and has no record yet. The claim in the append stops a
// repeat from applying twice, but not from being decided after the first's append and before
// its record: a repeated DELETE then answered 404, a repeated move 409.
class KeysInFlight {
 public:
  // Holds `id` until release(); false when it is held already.
  [[nodiscard]] bool hold(const std::string& id) {
    std::lock_guard lock(mutex_);
    return ids_.insert(id).second;
  }
  void release(const std::string& id) {
    std::lock_guard lock(mutex_);
    ids_.erase(id);
  }

 private:
  std::mutex mutex_;
  std::unordered_set<std::string> ids_;
};

// Releases its (caller, key) when told, or at the latest when destroyed (a route that drops
// its responder).
class InFlightHold {
 public:
  InFlightHold() = default;
  InFlightHold(KeysInFlight& keys, std::string id) : keys_(&keys), id_(std::move(id)) {}
  InFlightHold(InFlightHold&& other) noexcept
      : keys_(std::exchange(other.keys_, nullptr)), id_(std::move(other.id_)) {}
  InFlightHold& operator=(InFlightHold&& other) noexcept {
    if (this != &other) {
      release();
      keys_ = std::exchange(other.keys_, nullptr);
      id_ = std::move(other.id_);
    }
    return *this;
  }
  InFlightHold(const InFlightHold&) = delete;
  InFlightHold& operator=(const InFlightHold&) = delete;
  ~InFlightHold() { release(); }

  void release() {
    if (keys_ != nullptr) keys_->release(id_);
    keys_ = nullptr;
  }

 private:
  KeysInFlight* keys_{nullptr};
  std::string id_;
};

struct Shared {
  RequestHandler next;
  const ApiContext& context;
  IdempotencyRecords records;
  WorkerPool& writers;
  IdempotencyOptions options;
  std::unique_ptr<KeysInFlight> in_flight;

  // Records created at or before this have expired at `now`.
  [[nodiscard]] std::int64_t expired_at(std::int64_t now) const {
    return now - options.window.count();
  }
  [[nodiscard]] bool expired(const IdempotencyRecord& record, std::int64_t now) const {
    return record.created_ms <= expired_at(now);
  }
};

// One request the decorator let through to the route.
struct Attempt {
  std::shared_ptr<const Shared> shared;
  HttpRequest request;  // without its body: for the problems' instance and trace id
  std::string caller;
  RequestDigest digest{};
  // Released once the answer is recorded (or known not to be), before it is sent: a repeat
  // that arrives after the answer then finds the record.
  InFlightHold hold;
};

HttpResponse replay(const IdempotencyRecord& record) {
  HttpResponse response;
  response.status = record.status;
  response.content_type = record.content_type;
  response.body = record.body;
  response.headers = record.headers;
  response.headers.emplace_back("Idempotent-Replayed", "true");
  return response;
}

std::string count_of(std::int64_t n, std::string_view unit) {
  return std::to_string(n) + " " + std::string(unit) + (n == 1 ? "" : "s");
}

// "24 hours"; in seconds when the window is not whole hours.
std::string describe(std::chrono::milliseconds window) {
  const auto hours = std::chrono::duration_cast<std::chrono::hours>(window);
  if (hours.count() > 0 && hours == window) return count_of(hours.count(), "hour");
  return count_of(std::chrono::duration_cast<std::chrono::seconds>(window).count(), "second");
}

// The answer a record gives to a request with the same caller and key.
HttpResponse answer_from(const IdempotencyRecord& record, const HttpRequest& request,
                         const RequestDigest& digest, std::chrono::milliseconds window) {
  if (record.digest == digest) return replay(record);
  return problem_response(request, 422, "idempotency-key-reused", "idempotency key reused",
                          "this Idempotency-Key was used for a different request (method, path "
                          "or body) in the last " +
                              describe(window) + "; use a new key");
}

IdempotencyRecord record_of(const Attempt& attempt, const HttpResponse& response,
                            std::int64_t now) {
  IdempotencyRecord record;
  record.digest = attempt.digest;
  record.created_ms = now;
  record.status = response.status;
  record.content_type = response.content_type;
  for (const auto& header : response.headers) {
    const bool replayed = std::ranges::any_of(
        kReplayedHeaders, [&](std::string_view name) { return iequals(header.first, name); });
    if (replayed) record.headers.push_back(header);
  }
  record.body = response.body;
  return record;
}

// A refusal by the rules is the answer to the state the request met. When the key's claim
// exists, its command was applied all the same, and the refusal is no answer to it:
//  - applied by an earlier request whose answer was not recorded (it held a secret, or a crash
//    came between the events' fsync and the record's), this repeat met the state that left: a
//    rotation repeated its own new version (409 version-conflict), a DELETE nothing (404).
//    Answered 409 idempotency-key-in-use, as when a repeat's own append meets the claim (until
//    2026-12-05 the refusal was answered and recorded, and every later repeat replayed it);
//  - applied by this very request, whose answer read the read model after a later command had
//    changed it (a deletion: 404): sent as it is, but not recorded, so that a repeat learns
//    from the claim that the command was applied.
// Returns the answer to send unrecorded; nullopt when nothing was applied under the key (the
// refusal is recorded). Blocks on a read: on `writers`.
std::optional<HttpResponse> unrecorded_answer(const Attempt& attempt, HttpResponse& refusal) {
  if (refusal.status >= 200 && refusal.status < 300) return std::nullopt;
  const std::string& key = *attempt.request.idempotency_key;
  auto owner = attempt.shared->context.store.claim_owner(
      kIdempotencyKeyScope, eventstore::idempotency_claim_value(attempt.caller, key));
  if (!owner) return unavailable_response(attempt.request, owner.error().message);
  if (!*owner) return std::nullopt;
  if (**owner == attempt.request.request_id) return std::move(refusal);
  return append_error_response(attempt.request, {.code = eventstore::AppendErrorCode::claim_taken,
                                                 .claim_scope = std::string(kIdempotencyKeyScope),
                                                 .message = "applied by an earlier request"});
}

// Stands between the route and the server's responder: records the answers a repeat replays.
class RecordingSink : public Responder::Sink {
 public:
  RecordingSink(Attempt attempt, Responder next)
      : next_(std::make_shared<Responder>(std::move(next))),
        attempt_(std::make_shared<Attempt>(std::move(attempt))) {}

  void send(HttpResponse response) override {
    if (is_recorded(response)) {
      attempt_->shared->writers.post(
          [attempt = attempt_, next = next_, response = std::move(response)]() mutable {
            const Shared& shared = *attempt->shared;
            if (auto unrecorded = unrecorded_answer(*attempt, response)) {
              attempt->hold.release();
              return (*next)(std::move(*unrecorded));
            }
            const auto record = record_of(*attempt, response, shared.options.clock());
            auto saved =
                shared.records.save(attempt->caller, *attempt->request.idempotency_key, record);
            if (!saved) {
              // The claim still stops a repeat from appending again (it answers 409).
              spdlog::error("idempotency record not saved ({}): trace {}", saved.error().message,
                            attempt->request.trace_id);
            }
            // Expired records go as new ones come (a failed sweep is tried again next time).
            const auto swept =
                shared.records.sweep(shared.expired_at(record.created_ms), kSweptPerSave);
            if (swept && *swept > 0) {
              spdlog::debug("idempotency records: {} expired deleted by a sweep", *swept);
            }
            attempt->hold.release();
            (*next)(std::move(response));
          });
      return;
    }
    // No record can have appeared meanwhile: only the holder of (caller, key) writes one.
    attempt_->hold.release();
    (*next_)(std::move(response));
  }

  // Destroying the route's Responder uncalled lets go of `next_`, whose own sink then answers
  // 500 with the request's path and trace id.
  void abandon() override {}

  void matched(std::string_view route_template) override { next_->matched(route_template); }

 private:
  // In this order, so an abandoned attempt releases its key (destroyed first) before the
  // server's 500 goes out with `next_`.
  std::shared_ptr<Responder> next_;
  std::shared_ptr<Attempt> attempt_;
};

// What a live record answers to `request`; nullopt when the route is to run (no record, or an
// expired one, which is deleted).
std::expected<std::optional<HttpResponse>, std::string> recorded_answer(const Shared& shared,
                                                                        const Attempt& attempt,
                                                                        const HttpRequest& request,
                                                                        std::int64_t now) {
  auto found = shared.records.find(attempt.caller, *request.idempotency_key);
  if (!found) return std::unexpected(found.error().message);
  if (!*found) return std::nullopt;
  if (!shared.expired(**found, now)) {
    return answer_from(**found, request, attempt.digest, shared.options.window);
  }
  if (auto erased = shared.records.erase(attempt.caller, *request.idempotency_key); !erased) {
    spdlog::warn("expired idempotency record not deleted: {}", erased.error().message);
  }
  return std::nullopt;
}

void handle(const std::shared_ptr<const Shared>& shared, HttpRequest request, Responder respond) {
  if (!is_command(request.method) || !request.idempotency_key) {
    return shared->next(std::move(request), std::move(respond));
  }
  // An empty key (or only spaces, which HTTP trims) would protect nothing: refused, not ignored.
  if (!is_acceptable_key(*request.idempotency_key)) {
    return respond(bad_request_response(request, "Idempotency-Key",
                                        "must be 1 to 255 characters, without control "
                                        "characters"));
  }
  const std::int64_t now = shared->options.clock();
  auto who = shared->context.auth.authenticate(request, now);
  if (!who) return shared->next(std::move(request), std::move(respond));

  Attempt attempt{shared, {}, who->caller.customer_id, request_digest(request), {}};
  auto answer = recorded_answer(*shared, attempt, request, now);
  if (answer && !*answer) {
    // Looked up again once held: the first request releases its hold only after its record is
    // saved, so a repeat either finds the hold or, after it, the record.
    std::string in_flight_id = attempt.caller + '\0' + *request.idempotency_key;
    if (!shared->in_flight->hold(in_flight_id)) {
      return respond(append_error_response(
          request, {.code = eventstore::AppendErrorCode::claim_taken,
                    .claim_scope = std::string(kIdempotencyKeyScope),
                    .message = "a request with this Idempotency-Key is in progress"}));
    }
    attempt.hold = InFlightHold(*shared->in_flight, std::move(in_flight_id));
    answer = recorded_answer(*shared, attempt, request, now);
  }
  if (!answer || *answer) attempt.hold.release();
  if (!answer) return respond(unavailable_response(request, answer.error()));
  if (*answer) return respond(std::move(**answer));
  request.request_id = new_uuid_v7(now);
  attempt.request = request;
  attempt.request.body.clear();
  auto sink = std::make_shared<RecordingSink>(std::move(attempt), std::move(respond));
  shared->next(std::move(request), Responder(std::move(sink)));
}

}  // namespace

RequestDigest request_digest(const HttpRequest& request) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, kRequestDigestBytes);
  const auto add = [&state](std::string_view part) {
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(part.data()),
                              part.size());
  };
  add(request.method_name);
  add(std::string_view("\0", 1));
  add(request.target);
  add(std::string_view("\0", 1));
  add(request.body);
  RequestDigest digest{};
  crypto_generichash_final(&state, digest.data(), digest.size());
  return digest;
}

RequestHandler with_idempotency(RequestHandler next, const ApiContext& context,
                                IdempotencyRecords records, WorkerPool& writers,
                                IdempotencyOptions options) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialize");
  if (!options.clock) options.clock = now_ms;
  auto shared =
      std::make_shared<const Shared>(Shared{std::move(next), context, std::move(records), writers,
                                            std::move(options), std::make_unique<KeysInFlight>()});
  return [shared = std::move(shared)](HttpRequest request, Responder respond) {
    handle(shared, std::move(request), std::move(respond));
  };
}

}  // namespace orgd::api
