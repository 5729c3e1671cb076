#pragma once
// Validating one append request inside the writer's current batch and, when it passes,
// adding its writes to the batch.
//
// A request passes when its shape is valid, every stream entry's expected version matches
// the stream's version (as left by earlier requests of the batch), and every claimed value
// is free or already owned by the claimant (after the request's own releases). A request
// that fails adds nothing to the batch and changes nothing in `state` or `tip`.
//
// Thread-safety: writer thread only.

#include <cstdint>
#include <expected>

#include "eventstore/append_request.hpp"
#include "eventstore/batch_state.hpp"
#include "eventstore/column_families.hpp"
#include "eventstore/log_head.hpp"

namespace rocksdb {
class WriteBatch;
}  // namespace rocksdb

namespace orgd::eventstore {

struct StageContext {
  BatchState& state;
  ChainTip& tip;  // the batch's tentative head; advanced by each passing request
  rocksdb::WriteBatch& batch;
  const ColumnFamilies& cfs;
  std::int64_t now_ms;  // the store's clock, for requests with timestamp_ms == 0
};

// Errors: invalid_request, version_conflict, claim_taken; storage_unavailable when reading
// committed state or building the batch fails.
[[nodiscard]] std::expected<AppendResult, AppendError> stage_append(const AppendRequest& request,
                                                                    StageContext& context);

}  // namespace orgd::eventstore
