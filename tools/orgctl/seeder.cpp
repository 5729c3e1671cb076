#include "tools/orgctl/seeder.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string_view>

#include "domain/customer/customer.hpp"
#include "domain/customer/customer_events.hpp"
#include "domain/event_codec.hpp"
#include "domain/field_rules.hpp"
#include "domain/membership/membership.hpp"
#include "domain/membership/membership_events.hpp"
#include "domain/organization/organization.hpp"

namespace orgd::tools {
namespace {

// Ids shaped like UUIDv7 (so the API accepts them): this run's start time, a kind ('8' for
// organizations, '9' for customers: both valid variant nibbles), then a counter.
std::string seeded_id(std::int64_t run_ms, char kind, std::uint64_t n) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%08llx-%04llx-7000-%c000-%012llx",
                static_cast<unsigned long long>((run_ms >> 16) & 0xffffffffLL),
                static_cast<unsigned long long>(run_ms & 0xffff), kind,
                static_cast<unsigned long long>(n));
  return buffer;
}

// Shaped and sized like libsodium's crypto_pwhash_str output, but no password hashes to it:
// seeded customers are there to be stored and listed, never to log in.
constexpr std::string_view kSeedPasswordHash =
    "$argon2id$v=19$m=65536,t=2,p=1$c2VlZGVkY3VzdG9tZXJzYWx0$"
    "bm90LWEtaGFzaC1vZi1hbnktcGFzc3dvcmQtc2VlZGVkLWN1c3RvbWVy";

eventstore::EventData encoded(const domain::Event& event) {
  auto e = domain::encode_event(event);
  return {e.type, e.schema_version, std::move(e.payload)};
}

eventstore::AppendRequest seed_request(std::int64_t run_ms, std::string correlation) {
  eventstore::AppendRequest request;
  request.actor = "system";
  request.correlation_id = "seed-" + std::to_string(run_ms) + "-" + std::move(correlation);
  return request;
}

eventstore::AppendRequest organization_request(std::int64_t run_ms, std::uint64_t n,
                                               std::uint32_t events) {
  const std::string id = seeded_id(run_ms, '8', n);
  const std::string name = "Seed " + std::to_string(run_ms) + "-" + std::to_string(n);
  eventstore::StreamAppend stream{
      domain::organization_stream(id), eventstore::ExpectedVersion::no_stream(), {}};
  stream.events.push_back(
      encoded(domain::OrganizationCreated{id, name, "seeded", "", "active", "", "", "", "free"}));
  for (std::uint32_t k = 1; k < events; ++k) {
    stream.events.push_back(encoded(domain::OrganizationUpdated{name, "update " + std::to_string(k),
                                                                "", "active", "de-DE", "DE", ""}));
  }
  auto request = seed_request(run_ms, std::to_string(n));
  request.streams.push_back(std::move(stream));
  request.claims.push_back({std::string(domain::kOrganizationNameScope), domain::fold_case(name),
                            domain::organization_stream(id)});
  return request;
}

// What RegisterCustomer decides for a member of `organization` (without the guard on the
// organization's version, which writes nothing).
eventstore::AppendRequest customer_request(std::int64_t run_ms, std::uint64_t n,
                                           std::uint64_t organization) {
  const std::string id = seeded_id(run_ms, '9', n);
  const std::string organization_id = seeded_id(run_ms, '8', organization);
  const std::string email =
      "seed-" + std::to_string(run_ms) + "-" + std::to_string(n) + "@example.com";
  auto request = seed_request(run_ms, "c" + std::to_string(n));
  request.streams.push_back(
      {domain::customer_stream(id),
       eventstore::ExpectedVersion::no_stream(),
       {encoded(domain::CustomerRegistered{id, email, "Seed", "Customer " + std::to_string(n), "",
                                           organization_id, "member", "",
                                           std::string(kSeedPasswordHash), "", ""})}});
  request.streams.push_back({domain::members_stream(organization_id),
                             eventstore::ExpectedVersion::any(),
                             {encoded(domain::MemberJoined{id, "member"})}});
  request.claims.push_back({std::string(domain::kCustomerEmailScope), domain::fold_case(email),
                            domain::customer_stream(id)});
  return request;
}

// Bounds the appends in flight, counts what is done and remembers the first failure.
struct Window {
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t in_flight{0};
  std::uint64_t appends_done{0};
  std::uint64_t events_done{0};
  std::string failure;
};

// Queues one append of `events` events once the window has room. False once an append failed.
bool submit(eventstore::Store& store, Window& window, std::size_t limit,
            eventstore::AppendRequest request, std::uint64_t events, std::uint64_t total,
            const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  {
    std::unique_lock lock(window.mutex);
    window.changed.wait(lock, [&] { return window.in_flight < limit; });
    if (!window.failure.empty()) return false;
    ++window.in_flight;
  }
  store.append_async(std::move(request),
                     [&window, &progress, events, total](eventstore::Store::AppendOutcome r) {
                       // Everything under the lock: once in_flight reaches 0 and the lock is
                       // released, seed() may return and take `window` and `progress` with it.
                       std::lock_guard lock(window.mutex);
                       --window.in_flight;
                       if (!r && window.failure.empty()) window.failure = r.error().message;
                       if (r) window.events_done += events;
                       if (progress && ++window.appends_done % 1024 == 0) {
                         progress(window.events_done, total);
                       }
                       window.changed.notify_all();
                     });
  return true;
}

}  // namespace

std::expected<SeedResult, std::string> seed(
    eventstore::Store& store, const SeedOptions& options,
    const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  const auto started = std::chrono::steady_clock::now();
  const auto run_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const std::uint32_t per = std::max<std::uint32_t>(options.events_per_organization, 1);
  const std::uint32_t customers = options.customers_per_organization;
  // A customer's append holds two events: CustomerRegistered and MemberJoined.
  const std::uint64_t total = options.organizations * (per + 2ULL * customers);
  const std::size_t limit = std::max<std::size_t>(options.in_flight, 1);
  Window window;
  bool going = true;
  for (std::uint64_t n = 0; going && n < options.organizations; ++n) {
    going =
        submit(store, window, limit, organization_request(run_ms, n, per), per, total, progress);
    for (std::uint32_t k = 0; going && k < customers; ++k) {
      going = submit(store, window, limit, customer_request(run_ms, n * customers + k, n), 2, total,
                     progress);
    }
  }
  std::unique_lock lock(window.mutex);
  window.changed.wait(lock, [&] { return window.in_flight == 0; });
  if (!window.failure.empty()) return std::unexpected(window.failure);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  return SeedResult{window.events_done, took.count()};
}

}  // namespace orgd::tools
