#pragma once
// A read model fed by committed events in global order. Each projection owns one column
// family; its checkpoint (the last position it applied) lives in that column family under
// kCheckpointKey and is written in the same batch as the changes it covers. A run of events
// that changes nothing in a read model need not move its stored checkpoint at once (see
// kCheckpointLagMost): those events change nothing when applied again.

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include "domain/event.hpp"
#include "eventstore/envelope.hpp"
#include "projections/read_model_batch.hpp"

namespace orgd::projections {

// Sorts after every data key (they all start with a lower byte).
inline constexpr std::string_view kCheckpointKey = "\xff" "checkpoint";

// How far a read model's stored checkpoint may trail the events it has applied, when none of
// them changed it: writing the checkpoint of every idle read model with every run of events
// kept a memtable in each of their column families busy, and RocksDB flushed them all in turn
// (tiny files) while the busy ones waited for room. Bounds what orgd applies again on start
// after a crash (a clean stop stores every checkpoint).
inline constexpr std::uint64_t kCheckpointLagMost = 16'384;

class Projection {
 public:
  virtual ~Projection() = default;
  [[nodiscard]] virtual std::string_view name() const = 0;
  [[nodiscard]] virtual std::string_view column_family() const = 0;
  // Whether its keys or values hold secrets (token hashes, password hashes): tools that show
  // read-model bytes (orgctl verify) then show their sizes only.
  [[nodiscard]] virtual bool holds_secrets() const { return false; }
  // Stages the changes for one event. An error stops the projection at this event: it is
  // never skipped silently. Depends only on the event and this projection's own column family
  // (no clock, no other read model): after a crash the events past the stored checkpoint are
  // applied again, and must stage exactly what they staged the first time.
  [[nodiscard]] virtual std::expected<void, std::string> apply(
      const eventstore::Envelope& envelope, const domain::Event& event,
      ReadModelBatch& batch) = 0;
  // Stages what the projection derives from the rows its events changed since the last call
  // (the organizations' JSON documents): once per run of events rather than once per event,
  // since a run often changes one row many times (a rebuild: every update of it). Called
  // before every batch of changes is written, and after each event while a replay's hook
  // watches the batch (orgctl verify finds the event that last wrote a key). Depends only on
  // what the batch holds, like apply.
  [[nodiscard]] virtual std::expected<void, std::string> finish(ReadModelBatch&) { return {}; }
};

}  // namespace orgd::projections
