#include "replay/log_scan.hpp"

#include <boost/json/serialize.hpp>

#include "replay/history_entry.hpp"

namespace orgd::replay {
namespace {

// Large enough to amortize the iterator seek, small enough to keep memory flat.
constexpr std::size_t kChunk = 4096;

}  // namespace

std::expected<std::uint64_t, eventstore::StoreError> scan_log(
    const eventstore::Store& store, std::uint64_t from,
    const std::function<bool(const eventstore::Envelope&)>& visit) {
  const std::uint64_t head = store.head_position();
  std::uint64_t next = std::max<std::uint64_t>(from, 1);
  std::uint64_t visited = 0;
  while (next <= head) {
    auto chunk = store.read_all(next, kChunk);
    if (!chunk) return std::unexpected(chunk.error());
    if (chunk->empty()) break;
    for (const auto& envelope : *chunk) {
      if (envelope.position > head) return visited;
      ++visited;
      if (!visit(envelope)) return visited;
    }
    next = chunk->back().position + 1;
  }
  return visited;
}

std::expected<std::uint64_t, eventstore::StoreError> export_log(const eventstore::Store& store,
                                                                std::uint64_t from,
                                                                std::ostream& out) {
  auto lines = scan_log(store, from, [&out](const eventstore::Envelope& envelope) {
    out << boost::json::serialize(history_entry_json(envelope)) << '\n';
    return static_cast<bool>(out);
  });
  if (lines && !out) {
    return std::unexpected(
        eventstore::StoreError{eventstore::StoreErrorCode::io_error, "writing the export failed"});
  }
  return lines;
}

}  // namespace orgd::replay
