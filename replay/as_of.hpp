#pragma once
// Time travel: an aggregate's state as of a global position or a time, rebuilt by folding its
// stream's events up to that position through the domain's own apply() -- the same function
// commands are decided on, so "as of" can never disagree with what the rules saw then.
//
// Thread-safety: any thread; each call reads acknowledged events only.

#include <cstdint>
#include <expected>
#include <functional>
#include <set>
#include <string>
#include <string_view>

#include "domain/customer/customer.hpp"
#include "domain/organization/organization.hpp"
#include "eventstore/store.hpp"

namespace orgd::replay {

enum class AsOfErrorCode : std::uint8_t {
  invalid,      // neither a position nor an ISO-8601 time with a zone
  beyond_head,  // a position the log has not reached
  storage,      // reading the log failed
};

struct AsOfError {
  AsOfErrorCode code{AsOfErrorCode::invalid};
  std::string message;
};

// "42" is position 42; "2026-01-31T12:00:00Z" (see parse_iso8601) is the last position whose
// event's time is <= that time (0 when the log starts later). A time in the future is the head.
// A position inside one command's events (those of one append, which share a correlation id)
// is taken to that command's last event: the states between them were never visible.
[[nodiscard]] std::expected<std::uint64_t, AsOfError> resolve_as_of(const eventstore::Store& store,
                                                                    std::string_view text);

// The last position whose timestamp is <= time_ms, 0 when none. Binary search over the log:
// timestamps never decrease along it (the store guarantees it), so this is O(log n) reads.
[[nodiscard]] std::expected<std::uint64_t, eventstore::StoreError> position_at_time(
    const eventstore::Store& store, std::int64_t time_ms);

struct OrganizationAsOf {
  domain::Organization state;     // version 0: it did not exist yet
  std::uint64_t member_count{0};  // from its membership stream, as of the same position,
                                  // platform accounts left out
  std::uint64_t position{0};      // the position asked for
  std::int64_t time_ms{0};        // that position's time (0 for position 0)
};

struct CustomerAsOf {
  domain::Customer state;  // version 0: it did not exist yet
  std::uint64_t position{0};
  std::int64_t time_ms{0};
};

// `platform_accounts`: the ids of the platform accounts (SuperAdmin, auditors), which live in
// Default without being counted as its members (the read model's memberCount leaves them out
// too). Their role never changes and they never leave, so today's ids are those of any past.
// Errors: io_error, corruption (also: an event of the stream that does not decode).
[[nodiscard]] std::expected<OrganizationAsOf, eventstore::StoreError> organization_as_of(
    const eventstore::Store& store, std::string_view organization_id, std::uint64_t position,
    const std::set<std::string, std::less<>>& platform_accounts);
[[nodiscard]] std::expected<CustomerAsOf, eventstore::StoreError> customer_as_of(
    const eventstore::Store& store, std::string_view customer_id, std::uint64_t position);

}  // namespace orgd::replay
