// orgctl's read-only subcommands: history, as-of, export, verify, stats. Each opens the data
// directory read-only, so it may run beside orgd.

#include <rocksdb/db.h>

#include <boost/json.hpp>
#include <fstream>
#include <iostream>
#include <map>

#include "domain/customer/customer.hpp"
#include "domain/membership/membership.hpp"
#include "domain/organization/organization.hpp"
#include "eventstore/column_families.hpp"
#include "projections/organization_queries.hpp"
#include "projections/organizations_projection.hpp"
#include "projections/projection_runner.hpp"
#include "projections/read_model_rebuild.hpp"
#include "replay/as_of.hpp"
#include "replay/backup.hpp"
#include "replay/history.hpp"
#include "replay/history_entry.hpp"
#include "replay/iso_time.hpp"
#include "replay/log_scan.hpp"
#include "replay/state_json.hpp"
#include "replay/verify.hpp"
#include "tools/orgctl/cli.hpp"

namespace orgd::tools {
namespace {

// An aggregate id means its streams (organization + membership, customer + sessions);
// anything else is taken as a stream id.
std::vector<std::string> streams_for(const eventstore::Store& store, const std::string& target) {
  if (auto v = store.stream_version(domain::organization_stream(target)); v && *v > 0) {
    return {domain::organization_stream(target), domain::members_stream(target)};
  }
  if (auto v = store.stream_version(domain::customer_stream(target)); v && *v > 0) {
    return {domain::customer_stream(target), domain::sessions_stream(target)};
  }
  return {target};
}

void print_entry(const Globals& globals, const eventstore::Envelope& e) {
  if (globals.json) {
    std::cout << boost::json::serialize(replay::history_entry_json(e)) << '\n';
    return;
  }
  std::cout << e.position << "  " << replay::format_iso8601(e.timestamp_ms) << "  " << e.stream_id
            << " v" << e.version << "  " << e.type << "  by " << e.actor << '\n';
}

void run_history(Globals& globals, const std::string& target, std::uint64_t from,
                 std::uint64_t limit) {
  auto store = open_store(globals, false, /*read_models=*/false);
  if (!store) return;
  replay::HistoryQuery query{streams_for(*store, target), from, std::nullopt, 1000};
  std::uint64_t printed = 0;
  for (;;) {
    auto page = replay::read_history(*store, query);
    if (!page) return fail(globals, kExitFailed, page.error().message);
    if (page->total == 0) return fail(globals, kExitFailed, "no events for " + target);
    for (const auto& e : page->envelopes) {
      if (limit != 0 && printed == limit) return;
      print_entry(globals, e);
      ++printed;
    }
    if (page->next_from == 0) return;
    query.from = page->next_from;
  }
}

// The platform accounts the organizations' read model knows (see replay::organization_as_of),
// wherever its live column family is: read only, nothing emptied or rebuilt.
// A read model behind `position` (orgd stopped by a crash, or an upgrade not started yet) may
// miss a platform account registered in between: said on stderr, the answer still given.
std::expected<std::set<std::string, std::less<>>, std::string> platform_accounts_of(
    eventstore::Store& store, std::uint64_t position) {
  auto handles =
      projections::ReadModelHandles::open(store, projections::projection_column_families());
  if (!handles) return std::unexpected(handles.error());
  const auto cf = (*handles)->cf(projections::kOrganizationsColumnFamily);
  const projections::ReplayTarget organizations{store.db(), cf.get()};
  if (auto checkpoint = projections::checkpoint_of(organizations);
      checkpoint && *checkpoint < position) {
    std::cerr << "note: the organizations read model has applied the log up to position "
              << *checkpoint << "; memberCount may count a platform account registered after it\n";
  }
  auto ids = projections::OrganizationQueries(store, handles->get()).platform_accounts();
  if (!ids) return std::unexpected(ids.error().message);
  return std::move(*ids);
}

void run_as_of(Globals& globals, const std::string& id, const std::string& when) {
  auto store = open_store(globals, false);
  if (!store) return;
  auto position = replay::resolve_as_of(*store, when);
  if (!position) return fail(globals, kExitUsage, "as-of " + when + ": " + position.error().message);
  auto platform_accounts = platform_accounts_of(*store, *position);
  if (!platform_accounts) return fail(globals, kExitFailed, platform_accounts.error());
  auto organization = replay::organization_as_of(*store, id, *position, *platform_accounts);
  if (!organization) return fail(globals, kExitFailed, organization.error().message);
  if (organization->state.version > 0) {
    std::cout << boost::json::serialize(replay::organization_state_json(*organization)) << '\n';
    return;
  }
  auto customer = replay::customer_as_of(*store, id, *position);
  if (!customer) return fail(globals, kExitFailed, customer.error().message);
  if (customer->state.version == 0) {
    return fail(globals, kExitFailed, id + " did not exist at position " +
                                          std::to_string(*position));
  }
  std::cout << boost::json::serialize(replay::customer_state_json(*customer)) << '\n';
}

void run_export(Globals& globals, std::uint64_t from, const std::string& out_path) {
  auto store = open_store(globals, false, /*read_models=*/false);
  if (!store) return;
  std::ofstream file;
  if (!out_path.empty()) {
    // Written into the data directory it would overwrite a store's file (CURRENT: the store no
    // longer opened, until 2026-12-05) or add one of its own.
    if (replay::overlapping(out_path, globals.data_dir)) {
      return fail(globals, kExitFailed,
                  "--out " + out_path + " lies inside the data directory; write it elsewhere");
    }
    file.open(out_path, std::ios::binary | std::ios::trunc);
    if (!file) return fail(globals, kExitFailed, "cannot write " + out_path);
  }
  std::ostream& out = out_path.empty() ? std::cout : file;
  auto lines = replay::export_log(*store, from, out);
  if (!lines) return fail(globals, kExitFailed, lines.error().message);
  out.flush();
  if (!out_path.empty()) std::cerr << "exported " << *lines << " events to " << out_path << '\n';
}

void print_check(const replay::CheckResult& c) {
  if (!c.skipped.empty()) {
    std::cout << "SKIP  " << c.name << ": " << c.skipped << '\n';
  } else if (c.divergence) {
    const auto& d = *c.divergence;
    std::cout << (c.advisory ? "WARN  " : "FAIL  ") << c.name << " at position " << d.position
              << ": expected " << d.expected << "; found " << d.found << '\n';
  } else {
    std::cout << "ok    " << c.name << " (" << c.checked << " checked)\n";
  }
}

void run_verify(Globals& globals, bool skip_projections, const std::string& scratch) {
  auto store = open_store(globals, false, /*read_models=*/!skip_projections);
  if (!store) return;
  replay::VerifyOptions options;
  options.projections = !skip_projections;
  if (!scratch.empty()) options.scratch_parent = scratch;
  auto report = replay::verify(*store, options);
  if (!report) return fail(globals, kExitFailed, report.error());
  if (globals.json) {
    std::cout << boost::json::serialize(replay::verify_report_json(*report)) << '\n';
  } else {
    for (const auto& c : report->checks) print_check(c);
    std::cout << (report->ok() ? "verified: " : "NOT verified: ") << report->head << " events\n";
  }
  if (!report->ok()) globals.exit_code = kExitFailed;
}

std::uint64_t count_keys(const eventstore::Store& store, std::string_view cf) {
  std::uint64_t n = 0;
  std::unique_ptr<rocksdb::Iterator> it(store.db()->NewIterator({}, store.column_family(cf)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
  return n;
}

void run_stats(Globals& globals) {
  auto store = open_store(globals, false, /*read_models=*/false);
  if (!store) return;
  std::map<std::string, std::uint64_t> types;
  std::int64_t first = 0, last = 0;
  auto events = replay::scan_log(*store, 1, [&](const eventstore::Envelope& e) {
    ++types[e.type];
    if (first == 0) first = e.timestamp_ms;
    last = e.timestamp_ms;
    return true;
  });
  if (!events) return fail(globals, kExitFailed, events.error().message);
  boost::json::object per_type;
  for (const auto& [type, n] : types) per_type[type] = n;
  const boost::json::object stats{
      {"events", *events},
      {"streams", count_keys(*store, eventstore::kStreamHeadsCf)},
      {"claims", count_keys(*store, eventstore::kClaimsCf)},
      {"firstEventTime", first ? boost::json::value(replay::format_iso8601(first)) : nullptr},
      {"lastEventTime", last ? boost::json::value(replay::format_iso8601(last)) : nullptr},
      {"diskBytes", replay::disk_usage(globals.data_dir)},
      {"eventsByType", per_type}};
  if (globals.json) {
    std::cout << boost::json::serialize(stats) << '\n';
    return;
  }
  for (const auto& [key, value] : stats) {
    if (key == "eventsByType") continue;
    std::cout << key << ": " << (value.is_string() ? std::string(value.as_string())
                                                   : boost::json::serialize(value))
              << '\n';
  }
  for (const auto& [type, n] : types) std::cout << "  " << type << ": " << n << '\n';
}

// Option values live as long as the callbacks that read them (CLI11 writes through references).
struct AuditArgs {
  std::string target, when, out_path, scratch;
  std::uint64_t from{1}, limit{0};
  bool skip_projections{false};
};

}  // namespace

// Positions and counts: 1 or more (CLI11 reads "-3" into an unsigned as 2^64 - 3, which the
// bound then refuses, as it refuses a number over 2^64).
const CLI::Range kAtLeastOne(std::uint64_t{1}, std::uint64_t{1} << 62, "1 or more");

void add_audit_commands(CLI::App& app, Globals& globals) {
  auto a = std::make_shared<AuditArgs>();
  auto* history = app.add_subcommand("history", "Events of an organization, a customer or a stream");
  history->add_option("target", a->target, "organization id, customer id, or stream id")
      ->required();
  history->add_option("--from", a->from, "first position (default 1)")->check(kAtLeastOne);
  history->add_option("--limit", a->limit, "at most this many events (default: all)")
      ->check(kAtLeastOne);
  history->callback([&globals, a] { run_history(globals, a->target, a->from, a->limit); });

  auto* as_of = app.add_subcommand("as-of", "An organization or customer as of a position or time");
  as_of->add_option("id", a->target, "organization or customer id")->required();
  as_of->add_option("when", a->when, "log position, or ISO-8601 time such as 2026-01-31T12:00:00Z")
      ->required();
  as_of->callback([&globals, a] { run_as_of(globals, a->target, a->when); });

  auto* exported = app.add_subcommand("export", "The whole log as JSON lines (secrets redacted)");
  exported->add_option("--from", a->from, "first position (default 1)")->check(kAtLeastOne);
  exported->add_option("--out", a->out_path, "write to this file instead of stdout");
  exported->callback([&globals, a] { run_export(globals, a->from, a->out_path); });

  auto* verify = app.add_subcommand(
      "verify",
      "Hash chain, stream index, claims and read models against a fresh replay; group members");
  verify->add_flag("--skip-projections", a->skip_projections,
                   "check the log, indexes and claims only");
  verify->add_option("--scratch-dir", a->scratch,
                     "where the fresh replay is built (default: $TMPDIR)");
  verify->callback([&globals, a] { run_verify(globals, a->skip_projections, a->scratch); });

  auto* stats = app.add_subcommand("stats", "Events, streams, claims, events per type, disk use");
  stats->callback([&globals] { run_stats(globals); });
}

}  // namespace orgd::tools
