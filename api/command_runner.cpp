#include "api/command_runner.hpp"

#include <memory>

#include "api/error_responses.hpp"
#include "api/groups_holding.hpp"
#include "api/ids.hpp"
#include "domain/customer/customer.hpp"

namespace orgd::api {
namespace {

struct Run {
  ApiContext& context;
  HttpRequest request;  // copy: outlives the handler
  CommandMeta meta;
  CommandAttempt attempt;
  CommandDone done;
  int attempts{0};
  std::vector<domain::Departure> departures;  // of the last decision
  std::chrono::steady_clock::time_point started{std::chrono::steady_clock::now()};
};

CommandResult result_of(const std::expected<std::uint64_t, HttpResponse>& outcome) {
  if (outcome) return CommandResult::ok;
  if (outcome.error().status == 409) return CommandResult::conflict;
  if (outcome.error().status >= 500) return CommandResult::failed;
  return CommandResult::rejected;
}

void finish(Run& run, std::expected<std::uint64_t, HttpResponse> outcome) {
  if (run.context.observe_command) run.context.observe_command(run.request, result_of(outcome));
  run.done(std::move(outcome));
}

void attempt_once(std::shared_ptr<Run> run);

// Guards the actor's customer stream at the version its rights were read at; a decision that
// writes that stream already is written at the older of the two versions it read.
void guard_actor(domain::Decision& decision, const CommandMeta& meta) {
  if (meta.actor_version == 0) return;
  domain::add_guard(decision, {domain::customer_stream(meta.actor), meta.actor_version, {}});
}

bool lost_on_actor(const Run& run, const eventstore::AppendError& error) {
  return run.meta.actor_version != 0 && error.stream_id == domain::customer_stream(run.meta.actor);
}

// On the projections' notifier thread (or inline on the writer's): hands the decision to the
// workers, which refuse it once the server stops.
void retry_when_read_models_caught_up(std::shared_ptr<Run> run) {
  // The change this attempt lost to is at or below the head: the writer advances the head
  // before it tells the losers of a round.
  const std::uint64_t head = run->context.store.head_position();
  run->context.projections.when_applied(head, [run](bool /*applied: retry either way*/) {
    if (run->context.retry_workers.try_post([run] { attempt_once(run); })) return;
    finish(*run, std::unexpected(append_error_response(
                     run->request, {.code = eventstore::AppendErrorCode::closed,
                                    .message = "the server is shutting down"})));
  });
}

void attempt_once(std::shared_ptr<Run> run) {
  ++run->attempts;
  auto decision = run->attempt();
  if (!decision) {
    finish(*run, std::unexpected(std::move(decision.error())));
    return;
  }
  run->departures = decision->departures;
  guard_actor(*decision, run->meta);
  run->context.executor.execute(*decision, run->meta, [run](CommandOutcome outcome) {
    if (outcome.ok && run->departures.empty()) {
      finish(*run, outcome.position);
      return;
    }
    if (outcome.ok) {
      look_again_after_departures(run->context, run->meta, run->departures, outcome.position,
                                  [run](std::uint64_t position) { finish(*run, position); });
      return;
    }
    // The caller's rights changed: deciding again would read the same stale caller.
    const bool retry = outcome.error.code == eventstore::AppendErrorCode::version_conflict &&
                       !lost_on_actor(*run, outcome.error) && run->attempts < kMaxCommandAttempts &&
                       std::chrono::steady_clock::now() - run->started < kCommandRetryBudget;
    if (retry) {
      retry_when_read_models_caught_up(run);
      return;
    }
    finish(*run, std::unexpected(append_error_response(run->request, outcome.error)));
  });
}

}  // namespace

CommandMeta command_meta(const HttpRequest& request, std::string actor) {
  return {std::move(actor),
          request.correlation_id.empty() ? request.trace_id : request.correlation_id,
          request.idempotency_key.value_or(""), now_ms(), request.request_id};
}

CommandMeta command_meta(const HttpRequest& request, const domain::Caller& caller) {
  CommandMeta meta = command_meta(request, std::string(caller.customer_id));
  meta.actor_version = caller.version;
  return meta;
}

CommandMeta anonymous_command_meta(const HttpRequest& request, std::string actor) {
  CommandMeta meta = command_meta(request, std::move(actor));
  meta.idempotency_key.clear();
  meta.idempotency_owner.clear();
  return meta;
}

void run_command(ApiContext& context, const HttpRequest& request, const CommandMeta& meta,
                 CommandAttempt attempt, CommandDone done) {
  auto run = std::make_shared<Run>(
      Run{context, request, meta, std::move(attempt), std::move(done), 0});
  run->request.body.clear();  // not needed for error responses
  attempt_once(std::move(run));
}

}  // namespace orgd::api
