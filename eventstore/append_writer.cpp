#include "eventstore/append_writer.hpp"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>

#include "eventstore/append_stage.hpp"
#include "eventstore/batch_state.hpp"
#include "eventstore/key_encoding.hpp"

namespace orgd::eventstore {
namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Callbacks belong to callers. One that throws must not take the writer, and with it every
// later append, down: its exception is deliberately dropped here and nowhere else.
void complete(Store::AppendCallback& done, Store::AppendOutcome outcome) noexcept {
  if (!done) return;
  try {
    done(std::move(outcome));
  } catch (...) {  // NOLINT(bugprone-empty-catch): see above
  }
}

}  // namespace

AppendWriter::AppendWriter(rocksdb::DB& db, const ColumnFamilies& cfs, const LogReader& reader,
                           LogHead& head, const StoreOptions& options, OnDurable on_durable)
    : db_(db),
      cfs_(cfs),
      reader_(reader),
      head_(head),
      max_batch_(std::max<std::size_t>(options.max_requests_per_batch, 1)),
      sync_(options.sync),
      data_dir_(options.data_dir.string()),
      min_free_disk_bytes_(options.min_free_disk_bytes),
      on_durable_(std::move(on_durable)),
      on_batch_written_(options.on_batch_written),
      on_writable_changed_(options.on_writable_changed),
      failure_(failure_at_start()),
      thread_([this] { run(); }) {}

// A store opened under its floor says so before its first append.
std::optional<WriteFailure> AppendWriter::failure_at_start() const {
  auto why = short_of_space(0);
  if (!why) return std::nullopt;
  return WriteFailure{std::move(*why), now_ms()};
}

AppendWriter::~AppendWriter() { stop(); }

void AppendWriter::submit(AppendRequest request, Store::AppendCallback done) {
  PendingAppend pending{std::move(request), std::move(done)};
  if (queue_.push(pending)) return;
  complete(pending.done, std::unexpected(AppendError{.code = AppendErrorCode::closed,
                                                     .message = "the store is shutting down"}));
}

void AppendWriter::stop() {
  queue_.close();
  if (thread_.joinable()) thread_.join();
}

void AppendWriter::run() {
  for (;;) {
    auto round =
        failing() ? queue_.take_within(max_batch_, kProbeInterval) : queue_.take(max_batch_);
    if (!round.empty()) {
      commit(round);
    } else if (queue_.finished()) {
      return;
    } else {
      probe();
    }
  }
}

// A deletion of a key that never holds a value changes nothing, and goes the way a round
// goes: through the WAL, synced. Not the head record rewritten as it is: after a failed round
// whose WAL record may have reached the file, that could disagree with the events on disk.
// Under the floor for the last refused round's bytes, nothing is tried.
void AppendWriter::probe() {
  if (auto why = short_of_space(refused_round_bytes_)) return note_round(false, *why);
  rocksdb::WriteBatch batch;
  rocksdb::Status status = batch.Delete(cfs_.meta, kProbeKey);
  if (status.ok()) {
    rocksdb::WriteOptions write;
    write.sync = sync_;
    status = db_.Write(write, &batch);
  }
  note_round(status.ok(), status.ok() ? std::string() : status.ToString());
}

std::optional<std::string> AppendWriter::short_of_space(std::uint64_t round_bytes) const {
  if (min_free_disk_bytes_ == 0) return std::nullopt;
  std::uint64_t free = 0;
  // The file system RocksDB writes through (tests put theirs under it), asked as its own
  // recovery from a full disk asks it. When it cannot tell, RocksDB meets the disk as it is.
  if (!db_.GetEnv()->GetFreeSpace(data_dir_, &free).ok()) return std::nullopt;
  // RocksDB counts the blocks a file system keeps for root when it runs as root; the floor
  // is meant as `df` shows it, so the space left to everyone bounds it too.
  if (struct statvfs disk{}; statvfs(data_dir_.c_str(), &disk) == 0) {
    free = std::min<std::uint64_t>(free, std::uint64_t{disk.f_bavail} * disk.f_frsize);
  }
  if (free >= min_free_disk_bytes_ + round_bytes) return std::nullopt;
  return "the disk holding the data directory has " + std::to_string(free >> 20) +
         " MiB free, under the " + std::to_string(min_free_disk_bytes_ >> 20) + " MiB kept free";
}

// A failure keeps the time of the first of its run: how long writes have been refused.
void AppendWriter::note_round(bool ok, const std::string& why) {
  if (ok) refused_round_bytes_ = 0;
  std::optional<WriteFailure> now;
  bool changed = false;
  {
    std::lock_guard lock(failure_mutex_);
    changed = ok == failure_.has_value();
    if (ok) {
      failure_.reset();
    } else {
      failure_ = WriteFailure{why, failure_ ? failure_->since_ms : now_ms()};
    }
    now = failure_;
  }
  if (changed && on_writable_changed_) on_writable_changed_(now);
}

bool AppendWriter::failing() const {
  std::lock_guard lock(failure_mutex_);
  return failure_.has_value();
}

std::optional<WriteFailure> AppendWriter::write_failure() const {
  std::lock_guard lock(failure_mutex_);
  return failure_;
}

// Nothing of the round is written, and nothing of it was judged against writes that happened.
void AppendWriter::refuse(std::vector<PendingAppend>& round, const std::string& why) {
  note_round(false, why);
  if (on_batch_written_) on_batch_written_(BatchWritten{.ok = false, .failure = why});
  for (auto& pending : round) {
    complete(pending.done, std::unexpected(AppendError{.code = AppendErrorCode::storage_unavailable,
                                                       .message = "write refused: " + why}));
  }
}

void AppendWriter::commit(std::vector<PendingAppend>& round) {
  const ChainTip start = head_.tip();
  ChainTip tip = start;
  BatchState state(reader_);
  rocksdb::WriteBatch batch;
  StageContext context{state, tip, batch, cfs_, now_ms()};
  std::vector<Store::AppendOutcome> outcomes;
  outcomes.reserve(round.size());
  for (const auto& pending : round) outcomes.push_back(stage_append(pending.request, context));

  const bool appended = tip.position != start.position;
  // Nothing staged is written, and the head stays: as if the round had failed.
  if (batch.Count() > 0) {
    if (auto why = short_of_space(batch.GetDataSize())) {
      refused_round_bytes_ = batch.GetDataSize();
      return refuse(round, *why);
    }
  }
  rocksdb::Status status;
  if (appended) status = batch.Put(cfs_.meta, kHeadKey, head_record(tip.position, tip.hash));
  if (status.ok() && batch.Count() > 0) {
    rocksdb::WriteOptions write;
    write.sync = sync_;
    const auto write_start = std::chrono::steady_clock::now();
    status = db_.Write(write, &batch);
    const auto write_duration = std::chrono::steady_clock::now() - write_start;
    if (status.ok()) batches_written_.fetch_add(1, std::memory_order_relaxed);
    note_round(status.ok(), status.ok() ? std::string() : status.ToString());
    if (on_batch_written_) {
      const auto committed = static_cast<std::size_t>(
          std::ranges::count_if(outcomes, [](const auto& outcome) { return outcome.has_value(); }));
      on_batch_written_(BatchWritten{.requests = committed,
                                     .events = tip.position - start.position,
                                     .bytes = batch.GetDataSize(),
                                     .write_duration = write_duration,
                                     .ok = status.ok(),
                                     .failure = status.ok() ? "" : status.ToString()});
    }
  }
  if (!status.ok()) {
    // Nothing of the round is durable; requests that failed validation are told the same,
    // since they may have been judged against writes that never happened.
    for (auto& outcome : outcomes) {
      outcome = std::unexpected(AppendError{.code = AppendErrorCode::storage_unavailable,
                                            .message = "write failed: " + status.ToString()});
    }
  } else if (appended) {
    head_.advance(tip);
    on_durable_(tip.position);
  }
  for (std::size_t i = 0; i < round.size(); ++i) complete(round[i].done, std::move(outcomes[i]));
}

}  // namespace orgd::eventstore
