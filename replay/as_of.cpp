#include "replay/as_of.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include "domain/event_codec.hpp"
#include "domain/membership/membership.hpp"
#include "replay/iso_time.hpp"

namespace orgd::replay {
namespace {

using eventstore::StoreError;

std::expected<std::int64_t, StoreError> time_of(const eventstore::Store& store,
                                                std::uint64_t position) {
  if (position == 0) return 0;
  auto found = store.read_all(position, 1);
  if (!found) return std::unexpected(found.error());
  if (found->empty()) {
    return std::unexpected(StoreError{eventstore::StoreErrorCode::corruption,
                                      "no event at position " + std::to_string(position)});
  }
  return found->front().timestamp_ms;
}

// Folds the stream's events with position <= `position` into State via domain::apply.
template <class State>
std::expected<State, StoreError> fold(const eventstore::Store& store, const std::string& stream,
                                      std::uint64_t position) {
  auto envelopes = store.read_stream(stream);
  if (!envelopes) return std::unexpected(envelopes.error());
  State state;
  for (const auto& e : *envelopes) {
    if (e.position > position) break;
    auto event = domain::decode_event(e.type, e.schema_version, e.payload);
    if (!event) {
      return std::unexpected(StoreError{eventstore::StoreErrorCode::corruption,
                                        "position " + std::to_string(e.position) + ": " +
                                            event.error()});
    }
    state =
        domain::apply(std::move(state), *event, {e.version, e.timestamp_ms, e.actor, e.position});
  }
  return state;
}

// The last position of the append `position` belongs to: the run of envelopes from it that
// share its correlation id (one per command), and its actor and time, which every event of one
// append shares (logs written before 2026-12-04 could give two commands one correlation id: the
// bootstrap's two, a benchmark's). Read a few at a time: most commands write one to four
// events, an organization's deletion one per customer it moves to Default.
std::expected<std::uint64_t, StoreError> end_of_command(const eventstore::Store& store,
                                                        std::uint64_t position) {
  if (position == 0) return 0;
  constexpr std::size_t kChunk = 16;
  std::optional<eventstore::Envelope> start;
  for (std::uint64_t from = position;; from = position + 1) {
    auto chunk = store.read_all(from, kChunk);
    if (!chunk) return std::unexpected(chunk.error());
    for (auto& e : *chunk) {
      if (!start) {
        start = std::move(e);
        continue;
      }
      if (e.correlation_id != start->correlation_id || e.actor != start->actor ||
          e.timestamp_ms != start->timestamp_ms) {
        return position;
      }
      position = e.position;
    }
    if (chunk->size() < kChunk) return position;
  }
}

}  // namespace

std::expected<std::uint64_t, StoreError> position_at_time(const eventstore::Store& store,
                                                          std::int64_t time_ms) {
  // Invariant: every position <= low has time <= time_ms; every position > high has more.
  std::uint64_t low = 0;
  std::uint64_t high = store.head_position();
  while (low < high) {
    const std::uint64_t mid = low + (high - low + 1) / 2;
    auto t = time_of(store, mid);
    if (!t) return std::unexpected(t.error());
    if (*t <= time_ms) {
      low = mid;
    } else {
      high = mid - 1;
    }
  }
  return low;
}

std::expected<std::uint64_t, AsOfError> resolve_as_of(const eventstore::Store& store,
                                                      std::string_view text) {
  std::uint64_t position = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), position);
  if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) {
    if (position > store.head_position()) {
      return std::unexpected(AsOfError{AsOfErrorCode::beyond_head,
                                       "the log ends at position " +
                                           std::to_string(store.head_position())});
    }
    auto end = end_of_command(store, position);
    if (!end) return std::unexpected(AsOfError{AsOfErrorCode::storage, end.error().message});
    return *end;
  }
  const auto time = parse_iso8601(text);
  if (!time) {
    return std::unexpected(AsOfError{
        AsOfErrorCode::invalid,
        "must be a log position or an ISO-8601 time such as 2026-01-31T12:00:00.000Z"});
  }
  auto found = position_at_time(store, *time);
  if (!found) return std::unexpected(AsOfError{AsOfErrorCode::storage, found.error().message});
  return *found;
}

std::expected<OrganizationAsOf, StoreError> organization_as_of(
    const eventstore::Store& store, std::string_view organization_id, std::uint64_t position,
    const std::set<std::string, std::less<>>& platform_accounts) {
  auto state = fold<domain::Organization>(store, domain::organization_stream(organization_id),
                                          position);
  if (!state) return std::unexpected(state.error());
  auto members = fold<domain::Membership>(store, domain::members_stream(organization_id),
                                          position);
  if (!members) return std::unexpected(members.error());
  auto time = time_of(store, position);
  if (!time) return std::unexpected(time.error());
  const auto counted = std::ranges::count_if(members->members, [&](const auto& member) {
    return !platform_accounts.contains(member.first);
  });
  return OrganizationAsOf{std::move(*state), static_cast<std::uint64_t>(counted), position, *time};
}

std::expected<CustomerAsOf, StoreError> customer_as_of(const eventstore::Store& store,
                                                       std::string_view customer_id,
                                                       std::uint64_t position) {
  auto state = fold<domain::Customer>(store, domain::customer_stream(customer_id), position);
  if (!state) return std::unexpected(state.error());
  auto time = time_of(store, position);
  if (!time) return std::unexpected(time.error());
  return CustomerAsOf{std::move(*state), position, *time};
}

}  // namespace orgd::replay
