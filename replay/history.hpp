#pragma once
// Pages of history: the events of one or more streams merged in log order (an organization's
// stream, a customer's stream with its sessions stream), and pages of the whole log.
//
// Paging is by position: a page starts at the first event at or after `from`, or at a page
// number (page - 1) * page_size events into the merged history. Both are exact at any depth
// because positions only grow; a page of a stream costs a walk over the stream's index
// entries (8-byte positions, no payloads) plus one read per returned event.
//
// Thread-safety: any thread. Each call sees the events acknowledged when it starts.
// Errors: io_error, corruption (an index entry that does not decode, or points at no event).

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "eventstore/store.hpp"

namespace orgd::replay {

struct HistoryQuery {
  std::vector<std::string> streams;   // merged by position; unknown streams are empty
  std::uint64_t from{1};              // first position considered
  std::optional<std::uint64_t> page;  // 1-based; when set, `from` is ignored
  std::uint64_t page_size{100};       // >= 1
  // Events before this position are not part of the history at all (not counted, not paged):
  // a customer's history as its current organization reads it (domain::history_starts_at).
  std::uint64_t since{1};
};

struct HistoryPage {
  std::vector<eventstore::Envelope> envelopes;
  std::uint64_t page{1};       // the page the first returned event falls on (none: the next's)
  std::uint64_t total{0};      // events in all the streams together
  std::uint64_t next_from{0};  // where the next page starts; 0 after the last page
};

[[nodiscard]] std::expected<HistoryPage, eventstore::StoreError> read_history(
    const eventstore::Store& store, const HistoryQuery& query);

// The same over the whole log, from `from` or, when `page` is set, from page `page`
// (positions are gapless, so page n starts at position (n - 1) * page_size + 1). A page asked
// for is the page answered, past the end too, as in every listing.
[[nodiscard]] std::expected<HistoryPage, eventstore::StoreError> read_log_page(
    const eventstore::Store& store, std::uint64_t from, std::uint64_t page_size,
    std::optional<std::uint64_t> page = std::nullopt);

// The positions of a stream's events, in order, up to `last_position`.
[[nodiscard]] std::expected<std::vector<std::uint64_t>, eventstore::StoreError> stream_positions(
    const eventstore::Store& store, const std::string& stream_id, std::uint64_t last_position);

}  // namespace orgd::replay
