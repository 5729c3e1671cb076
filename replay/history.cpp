#include "replay/history.hpp"

#include <rocksdb/db.h>

#include <algorithm>
#include <memory>

#include "eventstore/column_families.hpp"
#include "eventstore/key_encoding.hpp"

namespace orgd::replay {
namespace {

using eventstore::StoreError;
using eventstore::StoreErrorCode;

std::expected<eventstore::Envelope, StoreError> read_one(const eventstore::Store& store,
                                                         std::uint64_t position) {
  auto found = store.read_all(position, 1);
  if (!found) return std::unexpected(found.error());
  if (found->empty() || found->front().position != position) {
    return std::unexpected(StoreError{StoreErrorCode::corruption,
                                      "no event at position " + std::to_string(position)});
  }
  return std::move(found->front());
}

}  // namespace

std::expected<std::vector<std::uint64_t>, StoreError> stream_positions(
    const eventstore::Store& store, const std::string& stream_id, std::uint64_t last_position) {
  std::vector<std::uint64_t> positions;
  const std::string prefix = eventstore::stream_prefix(stream_id);
  std::unique_ptr<rocksdb::Iterator> it(store.db()->NewIterator(
      rocksdb::ReadOptions(), store.column_family(eventstore::kStreamsCf)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const auto position = eventstore::decode_u64(std::string_view(it->value().data(),
                                                                  it->value().size()));
    if (!position) {
      return std::unexpected(StoreError{StoreErrorCode::corruption,
                                        "streams entry of " + stream_id + " is malformed"});
    }
    if (*position > last_position) break;  // committed, not yet acknowledged
    positions.push_back(*position);
  }
  if (!it->status().ok()) {
    return std::unexpected(StoreError{StoreErrorCode::io_error, it->status().ToString()});
  }
  return positions;
}

std::expected<HistoryPage, StoreError> read_history(const eventstore::Store& store,
                                                    const HistoryQuery& query) {
  const std::uint64_t head = store.head_position();
  std::vector<std::uint64_t> merged;
  for (const auto& stream : query.streams) {
    auto positions = stream_positions(store, stream, head);
    if (!positions) return std::unexpected(positions.error());
    merged.insert(merged.end(), positions->begin(), positions->end());
  }
  std::sort(merged.begin(), merged.end());
  merged.erase(merged.begin(), std::lower_bound(merged.begin(), merged.end(), query.since));
  const std::uint64_t size = std::max<std::uint64_t>(query.page_size, 1);
  std::size_t first = 0;
  if (query.page) {
    first = static_cast<std::size_t>(std::min<std::uint64_t>((*query.page - 1) * size,
                                                             merged.size()));
  } else {
    first = static_cast<std::size_t>(
        std::lower_bound(merged.begin(), merged.end(), query.from) - merged.begin());
  }
  HistoryPage page;
  page.total = merged.size();
  page.page = query.page.value_or(first / size + 1);
  const std::size_t last = std::min<std::size_t>(first + size, merged.size());
  for (std::size_t i = first; i < last; ++i) {
    auto envelope = read_one(store, merged[i]);
    if (!envelope) return std::unexpected(envelope.error());
    page.envelopes.push_back(std::move(*envelope));
  }
  if (last < merged.size()) page.next_from = merged[last];
  return page;
}

std::expected<HistoryPage, StoreError> read_log_page(const eventstore::Store& store,
                                                     std::uint64_t from, std::uint64_t page_size,
                                                     std::optional<std::uint64_t> page_asked) {
  const std::uint64_t head = store.head_position();
  const std::uint64_t size = std::max<std::uint64_t>(page_size, 1);
  if (page_asked) from = (std::max<std::uint64_t>(*page_asked, 1) - 1) * size + 1;
  from = std::max<std::uint64_t>(from, 1);
  auto envelopes = store.read_all(from, static_cast<std::size_t>(size));
  if (!envelopes) return std::unexpected(envelopes.error());
  HistoryPage page;
  page.total = head;
  // From a `from` past the end, the page the next event will fall on, as a stream's history
  // counts it (until 2026-12-05 `from=100000` over 10,900 events was page 1000 of 109).
  page.page = page_asked.value_or(std::min(from - 1, head) / size + 1);
  if (!envelopes->empty() && envelopes->back().position < head) {
    page.next_from = envelopes->back().position + 1;
  }
  page.envelopes = std::move(*envelopes);
  return page;
}

}  // namespace orgd::replay
