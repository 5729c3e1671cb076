#include "replay/verify.hpp"

#include <algorithm>
#include <boost/json/array.hpp>

#include "projections/projection_runner.hpp"
#include "replay/verify_checks.hpp"

namespace orgd::replay {
namespace {

CheckResult skipped(std::string name, std::string why) {
  CheckResult result{std::move(name)};
  result.skipped = std::move(why);
  return result;
}

void verify_projections(eventstore::Store& store, const VerifyOptions& options,
                        VerifyReport& report) {
  auto projections = projections::make_projections();
  std::vector<std::string> column_families;
  for (const auto& p : projections) column_families.emplace_back(p->column_family());
  std::expected<std::unique_ptr<projections::ReadModelHandles>, std::string> opened;
  if (options.read_models == nullptr) {
    opened = projections::ReadModelHandles::open(store, column_families);
  }
  const auto* handles = options.read_models != nullptr ? options.read_models
                        : opened                      ? opened->get()
                                                      : nullptr;
  auto scratch = ScratchDb::open(options.scratch_parent, column_families);
  for (auto& p : projections) {
    const std::string name = "projection:" + std::string(p->name());
    if (options.on_check) options.on_check(name);
    if (handles == nullptr) {
      report.checks.push_back(skipped(name, opened.error()));
    } else if (!scratch) {
      report.checks.push_back(skipped(name, scratch.error()));
    } else {
      report.checks.push_back(check_projection(store, *p, *handles, **scratch));
    }
  }
}

}  // namespace

boost::json::object verify_report_json(const VerifyReport& report) {
  boost::json::array checks;
  for (const auto& c : report.checks) {
    boost::json::object check{{"name", c.name}, {"ok", c.ok()}, {"checked", c.checked}};
    if (c.advisory) check["advisory"] = true;
    if (!c.skipped.empty()) check["skipped"] = c.skipped;
    if (c.divergence) {
      check["divergence"] = {{"position", c.divergence->position},
                             {"expected", c.divergence->expected},
                             {"found", c.divergence->found}};
    }
    checks.push_back(std::move(check));
  }
  return {{"ok", report.ok()}, {"head", report.head}, {"checks", std::move(checks)}};
}

bool VerifyReport::ok() const {
  return std::all_of(checks.begin(), checks.end(),
                     [](const CheckResult& c) { return c.ok() || c.advisory; });
}

std::expected<VerifyReport, std::string> verify(eventstore::Store& store,
                                                const VerifyOptions& options) {
  VerifyReport report;
  report.head = store.head_position();
  LogFacts facts;
  auto announce = [&](const std::string& name) {
    if (options.on_check) options.on_check(name);
  };
  announce("log");
  report.checks.push_back(check_log(store, facts));
  if (!report.checks.back().ok()) {
    const std::string why = "the log itself diverges";
    report.checks.push_back(skipped("streams", why));
    report.checks.push_back(skipped("claims", why));
    report.checks.push_back(skipped("groups", why));
    if (options.projections) report.checks.push_back(skipped("projections", why));
    return report;
  }
  announce("streams");
  report.checks.push_back(check_streams(store, facts));
  announce("claims");
  report.checks.push_back(check_claims(store, facts));
  announce("groups");
  report.checks.push_back(check_groups(facts));
  if (options.projections) verify_projections(store, options, report);
  return report;
}

}  // namespace orgd::replay
