#include "api/groups_holding.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "api/ids.hpp"
#include "projections/resource_queries.hpp"

namespace orgd::api {
namespace {

// Conflicts the second append may lose (to other changes of the same groups) before it gives up.
constexpr int kMostSweeps = 8;

struct Sweep {
  ApiContext& context;
  CommandMeta meta;
  std::vector<domain::Departure> departures;
  std::function<void(std::uint64_t)> done;
  std::uint64_t departed_at{0};
  int attempts{0};
};

void sweep(std::shared_ptr<Sweep> s);

// From the writer's or the notifier's thread to a retry worker.
void sweep_on_worker(const std::shared_ptr<Sweep>& s) {
  // Refused once the server stops; its connections are closing, the answer is moot.
  if (!s->context.retry_workers.try_post([s] { sweep(s); })) s->done(s->departed_at);
}

// The second look's decision; nothing for a member whose groups could not be read (the
// departure stands; logged). A group two departures of one decision leave (none does today)
// is left by the first: one append names each stream once.
domain::Decision second_look(const ApiContext& context, const CommandMeta& meta,
                             const std::vector<domain::Departure>& left,
                             std::uint64_t departed_at) {
  domain::Decision decision;
  for (const auto& d : left) {
    auto groups = groups_holding(context, d.member_id, d.organization_id);
    if (!groups) {
      spdlog::warn(
          "a departure's second look could not read the groups of {} ({}): it may still be "
          "listed in a group of the organization it left (correlation id {})",
          d.member_id, groups.error(), meta.correlation_id);
      continue;
    }
    auto more =
        domain::leave_groups_joined_before(*groups, d.organization_id, d.member_id, departed_at);
    for (auto& write : more.writes) {
      if (std::ranges::none_of(decision.writes, [&](const domain::StreamWrite& w) {
            return w.stream_id == write.stream_id;
          })) {
        decision.writes.push_back(std::move(write));
      }
    }
  }
  return decision;
}

// The answer, on a retry worker: from the writer's thread (a failed append) it would hold up
// every append while it reads the read models.
void answer_on_worker(const std::shared_ptr<Sweep>& s, std::uint64_t position) {
  if (!s->context.retry_workers.try_post([s, position] { s->done(position); })) {
    s->done(position);
  }
}

void give_up(const std::shared_ptr<Sweep>& s, std::string_view why) {
  spdlog::warn(
      "a departure's second look gave up ({}): {} may still be listed in a group of the "
      "organization it left (correlation id {})",
      why, s->departures.front().member_id, s->meta.correlation_id);
  answer_on_worker(s, s->departed_at);
}

void sweep(std::shared_ptr<Sweep> s) {
  ++s->attempts;
  const domain::Decision decision = second_look(s->context, s->meta, s->departures, s->departed_at);
  if (decision.writes.empty()) return s->done(s->departed_at);
  s->context.executor.execute(decision, s->meta, [s](CommandOutcome outcome) {
    if (outcome.ok) return s->done(outcome.position);
    if (outcome.error.code != eventstore::AppendErrorCode::version_conflict) {
      return give_up(s, outcome.error.message);
    }
    if (s->attempts >= kMostSweeps) return give_up(s, "its groups kept changing");
    // As run_command does: decide again once the read models show what this lost to.
    s->context.projections.when_applied(s->context.store.head_position(),
                                        [s](bool) { sweep_on_worker(s); });
  });
}

}  // namespace

std::expected<std::vector<domain::Group>, std::string> groups_holding(
    const ApiContext& context, std::string_view member_id, std::string_view organization_id) {
  const projections::ResourceQueries resources(context.store, &context.projections.read_models());
  auto ids = resources.groups_holding(member_id, organization_id);
  if (!ids) return std::unexpected(ids.error().message);
  std::vector<domain::Group> groups;
  for (const auto& id : *ids) {
    auto group = context.loader.group(id);
    if (!group) return std::unexpected(group.error());
    groups.push_back(std::move(*group));
  }
  return groups;
}

void look_again_after_departures(ApiContext& context, const CommandMeta& meta,
                                 std::vector<domain::Departure> departures,
                                 std::uint64_t departed_at,
                                 std::function<void(std::uint64_t)> done) {
  CommandMeta second = meta;
  second.idempotency_key.clear();
  second.idempotency_owner.clear();
  second.now_ms = now_ms();
  sweep_on_worker(std::make_shared<Sweep>(
      Sweep{context, std::move(second), std::move(departures), std::move(done), departed_at, 0}));
}

}  // namespace orgd::api
