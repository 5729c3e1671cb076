#include "tools/orgctl/seeder.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>

#include "domain/event_codec.hpp"
#include "domain/field_rules.hpp"
#include "domain/organization/organization.hpp"

namespace orgd::tools {
namespace {

// Ids shaped like UUIDv7 (so the API accepts them): this run's start time, then a counter.
std::string seeded_id(std::int64_t run_ms, std::uint64_t n) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%08llx-%04llx-7000-8000-%012llx",
                static_cast<unsigned long long>((run_ms >> 16) & 0xffffffffLL),
                static_cast<unsigned long long>(run_ms & 0xffff),
                static_cast<unsigned long long>(n));
  return buffer;
}

eventstore::EventData encoded(const domain::Event& event) {
  auto e = domain::encode_event(event);
  return {e.type, e.schema_version, std::move(e.payload)};
}

eventstore::AppendRequest organization_request(std::int64_t run_ms, std::uint64_t n,
                                               std::uint32_t events) {
  const std::string id = seeded_id(run_ms, n);
  const std::string name = "Seed " + std::to_string(run_ms) + "-" + std::to_string(n);
  eventstore::StreamAppend stream{domain::organization_stream(id),
                                  eventstore::ExpectedVersion::no_stream(), {}};
  stream.events.push_back(encoded(
      domain::OrganizationCreated{id, name, "seeded", "", "active", "", "", "", "free"}));
  for (std::uint32_t k = 1; k < events; ++k) {
    stream.events.push_back(encoded(domain::OrganizationUpdated{
        name, "update " + std::to_string(k), "", "active", "de-DE", "DE", ""}));
  }
  eventstore::AppendRequest request;
  request.streams.push_back(std::move(stream));
  request.claims.push_back({std::string(domain::kOrganizationNameScope), domain::fold_case(name),
                            domain::organization_stream(id)});
  request.actor = "system";
  request.correlation_id = "seed-" + std::to_string(run_ms) + "-" + std::to_string(n);
  return request;
}

// Bounds the appends in flight and remembers the first failure.
struct Window {
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t in_flight{0};
  std::uint64_t events_done{0};
  std::string failure;
};

}  // namespace

std::expected<SeedResult, std::string> seed(
    eventstore::Store& store, const SeedOptions& options,
    const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  const auto started = std::chrono::steady_clock::now();
  const auto run_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const std::uint32_t per = std::max<std::uint32_t>(options.events_per_organization, 1);
  const std::uint64_t total = options.organizations * per;
  Window window;
  for (std::uint64_t n = 0; n < options.organizations; ++n) {
    {
      std::unique_lock lock(window.mutex);
      window.changed.wait(lock, [&] { return window.in_flight < options.in_flight; });
      if (!window.failure.empty()) break;
      ++window.in_flight;
    }
    store.append_async(organization_request(run_ms, n, per),
                       [&window, &progress, per, total](eventstore::Store::AppendOutcome r) {
                         std::uint64_t done = 0;
                         {
                           std::lock_guard lock(window.mutex);
                           --window.in_flight;
                           if (!r && window.failure.empty()) window.failure = r.error().message;
                           done = window.events_done += r ? per : 0;
                         }
                         window.changed.notify_all();
                         if (progress && done % (per * 1024) == 0) progress(done, total);
                       });
  }
  std::unique_lock lock(window.mutex);
  window.changed.wait(lock, [&] { return window.in_flight == 0; });
  if (!window.failure.empty()) return std::unexpected(window.failure);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  return SeedResult{window.events_done, took.count()};
}

}  // namespace orgd::tools
