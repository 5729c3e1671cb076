#include "api/groups_holding.hpp"

#include "api/ids.hpp"
#include "projections/resource_queries.hpp"

namespace orgd::api {
namespace {

// Conflicts the second append may lose (to other changes of the same groups) before it gives up.
constexpr int kMostSweeps = 8;

struct Sweep {
  ApiContext& context;
  CommandMeta meta;
  std::shared_ptr<const Departure> departure;
  CommandDone done;
  std::uint64_t departed_at{0};
  int attempts{0};
};

void sweep(std::shared_ptr<Sweep> s);

// From the writer's or the notifier's thread to a retry worker; answers at once when the
// server stops.
void sweep_on_worker(const std::shared_ptr<Sweep>& s) {
  if (!s->context.retry_workers.try_post([s] { sweep(s); })) s->done(s->departed_at);
}

// The second look's decision; none when something could not be read (the departure stands).
domain::Decision second_look(const ApiContext& context, const Departure& d) {
  auto groups = groups_holding(context, d.member_id, d.organization_id);
  if (!groups || groups->empty()) return {};
  if (d.kind == Departure::Member::customer) {
    auto customer = context.loader.customer(d.member_id);
    if (!customer) return {};
    return domain::leave_groups_joined_while_leaving(*customer, *groups, d.organization_id);
  }
  auto resource = context.loader.resource(d.member_id);
  if (!resource) return {};
  return domain::leave_groups_joined_while_leaving(*resource, *groups, d.organization_id);
}

void sweep(std::shared_ptr<Sweep> s) {
  ++s->attempts;
  const domain::Decision decision = second_look(s->context, *s->departure);
  if (decision.writes.empty()) return s->done(s->departed_at);
  s->context.executor.execute(decision, s->meta, [s](CommandOutcome outcome) {
    if (outcome.ok) return s->done(outcome.position);
    if (outcome.error.code != eventstore::AppendErrorCode::version_conflict ||
        s->attempts >= kMostSweeps) {
      return s->done(s->departed_at);
    }
    // As run_command does: decide again once the read models show what this lost to.
    s->context.projections.when_applied(s->context.store.head_position(),
                                        [s](bool) { sweep_on_worker(s); });
  });
}

}  // namespace

CommandDone leave_groups_joined_meanwhile(ApiContext& context, const CommandMeta& meta,
                                          std::shared_ptr<const Departure> departure,
                                          CommandDone done) {
  CommandMeta sweep_meta = meta;
  sweep_meta.idempotency_key.clear();
  sweep_meta.idempotency_owner.clear();
  return [&context, sweep_meta, departure = std::move(departure),
          done = std::move(done)](std::expected<std::uint64_t, HttpResponse> outcome) {
    if (!outcome || departure->organization_id.empty()) return done(std::move(outcome));
    CommandMeta meta = sweep_meta;
    meta.now_ms = now_ms();
    sweep_on_worker(
        std::make_shared<Sweep>(Sweep{context, std::move(meta), departure, done, *outcome, 0}));
  };
}

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

}  // namespace orgd::api
