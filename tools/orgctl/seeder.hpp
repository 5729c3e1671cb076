#pragma once
// Synthetic history for benchmarks and demos, written through the event store like commands
// write it: each organization is one append of OrganizationCreated (with its name claim) and
// then updates of its description (the common edit: no rename, no move, no status change), then
// optionally its customers, each one append like a registration (CustomerRegistered, MemberJoined
// and the email claim), so the log, its indexes and claims are exactly what orgd would have
// written.
// Read models are not touched; orgd (or `orgctl rebuild`) catches them up.
//
// Thread-safety: one seed per store at a time; the store may serve meanwhile.

#include <cstdint>
#include <expected>
#include <functional>
#include <string>

#include "eventstore/store.hpp"

namespace orgd::tools {

struct SeedOptions {
  // Organizations to create. Default: 1000.
  std::uint64_t organizations{1000};
  // Events per organization: OrganizationCreated, then updates. Default: 10 (>= 1).
  std::uint32_t events_per_organization{10};
  // Customers registered as members of each organization. Default: 0.
  std::uint32_t customers_per_organization{0};
  // Appends queued at once; the store folds them into group commits. Default: 2048.
  std::size_t in_flight{2048};
};

struct SeedResult {
  std::uint64_t events{0};
  double seconds{0};
};

// `progress(events written, events planned)` now and then, from the store's writer thread.
// Errors: the first append that failed (e.g. `closed` on a read-only store).
[[nodiscard]] std::expected<SeedResult, std::string> seed(
    eventstore::Store& store, const SeedOptions& options,
    const std::function<void(std::uint64_t done, std::uint64_t total)>& progress = {});

}  // namespace orgd::tools
