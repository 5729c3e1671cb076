#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rocksdb {
class Env;
}  // namespace rocksdb

namespace orgd::eventstore {

// Why the log cannot be written now, and since when (Store::write_failure).
struct WriteFailure {
  std::string reason;
  std::int64_t since_ms{0};  // Unix milliseconds of the first failed round of this run
};

// What one group-commit round wrote, for metrics and logs (see StoreOptions::on_batch_written).
struct BatchWritten {
  // Append requests of the round that committed (their events or claims are in the batch).
  std::size_t requests{0};
  // Envelopes the batch appended to the log.
  std::uint64_t events{0};
  // Size of the WriteBatch written (events, claims, the head record), bytes.
  std::uint64_t bytes{0};
  // Time spent in rocksdb::DB::Write, which includes the WAL fsync when `sync` is on.
  std::chrono::nanoseconds write_duration{0};
  // False when the write failed or was not tried for want of free space (every request of
  // the round then failed with storage_unavailable).
  bool ok{true};
  // Why, when not ok.
  std::string failure;
};

struct StoreOptions {
  // RocksDB directory; created when missing. Default: none (required).
  std::filesystem::path data_dir;
  // Column families other layers keep in the same database (read models, checkpoints), so
  // their writes share the WAL and can be atomic with each other. Default: none. Opened
  // read-only, those the directory lacks are not opened (column_family() answers nullptr).
  std::vector<std::string> extra_column_families;
  // Most append requests the writer folds into one synced write. Default: 4096.
  std::size_t max_requests_per_batch{4096};
  // fsync the WAL before acknowledging. Only tests of non-durability paths turn this off.
  // Default: true.
  bool sync{true};
  // RocksDB block cache shared by all column families, bytes, with the memtables' memory
  // charged to it: blocks get what the memtables leave (at least 32 MiB by default). Default:
  // 96 MiB.
  std::size_t block_cache_bytes{96u << 20};
  // Memtables of all column families together, bytes: past it RocksDB flushes the largest.
  // Without a bound each column family written keeps up to two 64 MiB memtables; 50,000
  // creates left 230 MB of them. Charged to the block cache. Default: 64 MiB.
  std::size_t write_buffer_budget_bytes{64u << 20};
  // The log is written only while the data directory's disk has at least this much free
  // (the lower of what RocksDB's file system reports and what `df` calls available: as root,
  // RocksDB counts the blocks kept for root, which others may not use); below it every
  // append fails with storage_unavailable and RocksDB is not asked to write. Debian's RocksDB is
  // built with its assertions on, and one of them aborts the process when the WAL rolls over onto a
  // full disk; and a RocksDB that did meet a full disk resumes only once it sees its write
  // buffer's size (64 MiB) free. The round's own bytes are counted on top of the floor.
  // Other writes (read models, idempotency records) are not held to it: they are small beside
  // it. A store opened under the floor, or failing to write, probes the disk every second
  // (AppendWriter), so write_failure() clears without waiting for an append.
  // 0: no floor. Default: 0 (orgd's --min-free-disk: 256 MiB).
  std::uint64_t min_free_disk_bytes{0};
  // Open read-only (orgctl on a live directory). Appends then fail with `closed`.
  // Default: false.
  bool read_only{false};
  // Read-only: open the event store's column families and those of extra_column_families the
  // directory holds, not every one it holds. A reader of the log alone then loads no read
  // model's files, which an online rebuild beside it deletes by the hundred while the open
  // reads the MANIFEST. Default: false (every one, as a read-write open must).
  bool only_named_column_families{false};
  // Called on the writer thread after each round that wrote a WriteBatch (successfully or
  // not), before that round's callbacks run. Must be cheap, must not block and must not
  // throw; it must stay callable for the store's lifetime. Default: none.
  std::function<void(const BatchWritten&)> on_batch_written;
  // Called on the writer thread when the log stops being writable (a round failed or was
  // refused; the failure) or becomes writable again (a round or the idle probe wrote;
  // nullopt), once per change. A store opened under its floor starts failing without a call
  // (write_failure() tells). Same rules as on_batch_written. Default: none.
  std::function<void(const std::optional<WriteFailure>&)> on_writable_changed;
  // The file system RocksDB uses; tests inject disk faults through it. Default: none (the
  // operating system's, rocksdb::Env::Default()).
  std::shared_ptr<rocksdb::Env> env;
};

}  // namespace orgd::eventstore
