#include "projections/read_model_rebuild.hpp"

#include <memory>
#include <vector>

#include "domain/event_codec.hpp"

namespace orgd::projections {
namespace {

constexpr std::size_t kChunk = 1024;

std::expected<void, std::string> apply_one(Projection& projection,
                                           const eventstore::Envelope& envelope,
                                           const std::expected<domain::Event, std::string>& event,
                                           ReadModelBatch& batch) {
  auto applied = event ? projection.apply(envelope, *event, batch)
                       : std::expected<void, std::string>(std::unexpect, event.error());
  if (applied) return {};
  return std::unexpected("position " + std::to_string(envelope.position) + " (" + envelope.type +
                         "): " + applied.error());
}

}  // namespace

std::expected<std::uint64_t, std::string> replay_into(const eventstore::Store& store,
                                                      Projection& projection, ReplayTarget target,
                                                      ReplayRange range, const ReplayHooks& hooks) {
  const ReplayJob job{&projection, target};
  return replay_all_into(store, std::span<const ReplayJob>(&job, 1), range, hooks);
}

std::expected<std::uint64_t, std::string> replay_all_into(const eventstore::Store& store,
                                                          std::span<const ReplayJob> jobs,
                                                          ReplayRange range,
                                                          const ReplayHooks& hooks) {
  std::uint64_t done = range.after;
  // Only this replay writes the targets while it runs, so their count trees can live in memory
  // from one chunk to the next (count_tree_cache.hpp), as they do for the live runner.
  std::vector<CountTreeCache> trees(jobs.size());
  while (done < range.up_to) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, range.up_to - done));
    auto chunk = store.read_all(done + 1, want);
    if (!chunk) return std::unexpected(chunk.error().message);
    if (chunk->empty()) break;
    std::vector<std::unique_ptr<ReadModelBatch>> batches;
    for (const auto& job : jobs) {
      batches.push_back(std::make_unique<ReadModelBatch>(job.target.db, job.target.cf,
                                                         &trees[batches.size()]));
    }
    for (const auto& envelope : *chunk) {
      auto event = domain::decode_event(envelope.type, envelope.schema_version, envelope.payload);
      for (std::size_t j = 0; j < jobs.size(); ++j) {
        if (auto r = apply_one(*jobs[j].projection, envelope, event, *batches[j]); !r) {
          return std::unexpected(r.error());
        }
        if (hooks.applied) hooks.applied(envelope, *batches[j]);
      }
    }
    done = chunk->back().position;
    for (auto& batch : batches) {
      batch->put(kCheckpointKey, encode_u64(done));
      if (auto r = batch->commit(); !r) return std::unexpected(r.error());
    }
    if (hooks.progress && !hooks.progress(done, range.up_to)) break;
  }
  return done;
}

std::expected<void, std::string> clear_read_model(ReplayTarget target) {
  // Every key of a read model, the checkpoint included, sorts below "\xff\xff".
  const rocksdb::Status s =
      target.db->DeleteRange(rocksdb::WriteOptions(), target.cf, "", "\xff\xff");
  if (!s.ok()) return std::unexpected("clearing the read model: " + s.ToString());
  // A range tombstone in the memtable makes every seek near the keys it covers in that same
  // memtable step over them one by one (backwards, one skiplist search each), and a replay
  // seeks there all the time (count trees): compact them away before replaying.
  return compact_read_model(target);
}

std::expected<void, std::string> compact_read_model(ReplayTarget target) {
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  const rocksdb::Status s = target.db->CompactRange(compact, target.cf, nullptr, nullptr);
  if (!s.ok()) return std::unexpected("compacting the read model: " + s.ToString());
  return {};
}

std::expected<std::uint64_t, std::string> checkpoint_of(ReplayTarget target) {
  std::string value;
  const rocksdb::Status s =
      target.db->Get(rocksdb::ReadOptions(), target.cf,
                     rocksdb::Slice(kCheckpointKey.data(), kCheckpointKey.size()), &value);
  if (s.IsNotFound()) return 0;
  if (!s.ok()) return std::unexpected("reading the checkpoint: " + s.ToString());
  return decode_u64(value);
}

}  // namespace orgd::projections
