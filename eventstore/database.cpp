#include "eventstore/database.hpp"

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_buffer_manager.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <set>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace orgd::eventstore {
namespace {

// Layout of all column families together; see README.md. Bumped with any layout change.
constexpr char kStoreFormat = 1;
// Bits per key of a bloom filter with the false-positive rate wanted (~1 %).
constexpr int kBloomBitsPerKey = 10;

// Blocks of the column families other layers read by short runs of neighbouring keys (every
// one but the log's two). A run not in the block cache takes one read and one decompression of
// a 16 KiB block where 4 KiB blocks took ~4, and the index blocks are a quarter as large (the
// bench's store: table readers 71 -> 60 MB). Measured side by side (tools/bench.d/HISTORY.md,
// the thirteenth session): 1.17x the requests/s of the bench's reads of uncached runs over 4 KiB (32 KiB: the
// same as 16; 64 KiB: 0.97x of 16); reads whose blocks stay cached unchanged.
constexpr std::size_t kShortRunBlockBytes = 16 * 1024;

// LZ4 decompresses faster than snappy at the same size on disk: 1.07x the requests/s of those
// reads side by side, writes unchanged (README). Snappy where RocksDB lacks LZ4.
rocksdb::CompressionType short_run_compression() {
  const auto supported = rocksdb::GetSupportedCompressions();
  const bool lz4 =
      std::find(supported.begin(), supported.end(), rocksdb::kLZ4Compression) != supported.end();
  return lz4 ? rocksdb::kLZ4Compression : rocksdb::kSnappyCompression;
}

// RocksDB reports a held LOCK as a plain IOError: "While lock file: <dir>/LOCK: ..." from
// another process, "lock hold by current process ...: <dir>/LOCK: ..." from this one.
bool is_lock_error(const rocksdb::Status& status) {
  return status.IsIOError() && status.ToString().find("/LOCK") != std::string::npos;
}

StoreError to_store_error(const rocksdb::Status& status, const std::filesystem::path& dir) {
  const std::string text = status.ToString();
  if (is_lock_error(status)) {
    return {StoreErrorCode::locked,
            "data directory " + dir.string() + " is in use by another store: " + text};
  }
  if (status.IsCorruption()) return {StoreErrorCode::corruption, text};
  if (status.IsInvalidArgument()) return {StoreErrorCode::invalid_argument, text};
  return {StoreErrorCode::io_error, text};
}

// `cache`: the block cache the memtables are charged to (none to only list column families).
rocksdb::DBOptions db_options(const StoreOptions& options,
                              std::shared_ptr<rocksdb::Cache> cache = nullptr) {
  rocksdb::DBOptions db;
  db.create_if_missing = !options.read_only;
  db.create_missing_column_families = !options.read_only;
  db.max_background_jobs = 2;  // the machine is small and the log is append-mostly
  db.keep_log_file_num = 4;
  // A damaged write-ahead log is corruption at open. RocksDB's default, point-in-time recovery,
  // replays up to the first bad record and drops the rest without a word: one flipped byte
  // there opened the log a few events long, verify passed on that prefix, and new commands
  // took the lost positions (a review found it on 2026-12-05). Only an incomplete record at the
  // end, a write that was never synced (power lost during it) and so never acknowledged, is
  // tolerated. What a hash chain cannot tell either: a log cut short at a record's end.
  db.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  // Whoever lets go of a dropped column family's last handle, or of the last iterator on a
  // version of the files, would unlink the files it leaves obsolete on its own thread: for an
  // online rebuild's replaced read model usually an HTTP I/O thread, every other connection
  // waiting meanwhile. RocksDB's background threads unlink them instead.
  db.avoid_unnecessary_blocking_io = true;
  // The memtables of all column families flush past one budget, and take their memory from
  // the block cache: blocks get what the memtables leave, so the two together stay within
  // the cache's capacity. Apart, a cache filled by reads and memtables filled by writes took
  // both whole: the bench's reads and then its writes left RSS at 266-276 MB with 64 MiB of
  // each; charged to a cache of 96 MiB, at 197-204 MB (README).
  db.write_buffer_manager = std::make_shared<rocksdb::WriteBufferManager>(
      options.write_buffer_budget_bytes, std::move(cache));
  if (options.env) db.env = options.env.get();
  return db;
}

// Every column family but the two the log is scanned from (events by position, streams by
// stream and version) gets a bloom filter: the writer asks stream heads and claims about
// streams and values that usually do not exist yet, and the read models' owners (projections
// staging new index keys, queries) look up keys that often do not exist either.
rocksdb::ColumnFamilyOptions cf_options(std::string_view name,
                                        const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  // Index blocks stay in memory for as long as their table is open (outside the block
  // cache): 104 MB of table readers for the bench's store with a full key per data block.
  // Keys delta-encoded in runs of 8 bring that to 59 MB, for a short scan after each binary
  // search: a page at random 726.6k -> 746.8k instructions (runs of 16: 55 MB, 771.1k).
  table.index_block_restart_interval = 8;
  if (name != kEventsCf && name != kStreamsCf) {
    // Bloom, not ribbon: ribbon filters would take ~30 % less memory for the same false
    // positives, but built by the compactions that creates bring they raised orgd's RSS right
    // after 10 s of creates from 253-267 MB to 346-353 MB (tools/bench.d/HISTORY.md, the eighth
    // session).
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(kBloomBitsPerKey));
    // Other layers read these through short iterators (a few blocks each): RocksDB's automatic
    // readahead, from an iterator's third block read on, only added a readahead call to
    // them. The log's long scans keep it.
    table.max_auto_readahead_size = 0;
    table.block_size = kShortRunBlockBytes;
  }
  rocksdb::ColumnFamilyOptions cf;
  if (name != kEventsCf && name != kStreamsCf) {
    // The same for the memtables: a lookup of an absent key (most of them, see above) skips
    // the skiplist search. 0.5 % of the write buffer, ~330 KB: ~9 bits per key for the
    // ~300,000 keys a busy memtable holds before the shared budget flushes it. At 2 % each
    // column family's memtable took 1.3 MB of the 64 MiB budget, busy or not.
    cf.memtable_prefix_bloom_size_ratio = 0.005;
    cf.memtable_whole_key_filtering = true;
    cf.compression = short_run_compression();
  }
  if (name != kEventsCf) {
    // Universal compaction (sorted runs merged by size, the oldest and largest rarely), not
    // leveled: the keys a command writes land all over these column families (names, ids,
    // index entries), so every leveled L0 -> L1 compaction rewrote the whole of L1 (200 MB of
    // organizations for the bench's store, every fourth flush): ~40 % of orgd's CPU during
    // creates. The log is appended in key order and stays leveled (files move down unread).
    cf.compaction_style = rocksdb::kCompactionStyleUniversal;
  }
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

// Ours, the extra ones asked for, and whatever the directory already holds (RocksDB refuses
// to open a database without all of its column families). Read-only, an extra one the
// directory lacks is left out: RocksDB creates none there, and a user may have replaced it
// (an online rebuild drops a read model's column family for one of another name).
std::set<std::string> column_family_names(const StoreOptions& options) {
  std::set<std::string> names{rocksdb::kDefaultColumnFamilyName};
  names.insert(kOwnColumnFamilies.begin(), kOwnColumnFamilies.end());
  std::vector<std::string> existing;
  // A missing database has none; Open reports any real problem.
  const bool listed =
      rocksdb::DB::ListColumnFamilies(db_options(options), options.data_dir.string(), &existing)
          .ok();
  if (!(options.read_only && options.only_named_column_families)) {
    names.insert(existing.begin(), existing.end());
  }
  for (const auto& extra : options.extra_column_families) {
    if (!options.read_only || !listed || std::ranges::find(existing, extra) != existing.end()) {
      names.insert(extra);
    }
  }
  return names;
}

std::expected<void, StoreError> check_format(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* meta,
                                             bool read_only) {
  std::string stored;
  const auto status = db.Get(rocksdb::ReadOptions(), meta, kFormatVersionKey, &stored);
  if (status.IsNotFound()) {
    if (read_only) return {};
    rocksdb::WriteOptions sync;
    sync.sync = true;
    const auto put = db.Put(sync, meta, kFormatVersionKey, std::string(1, kStoreFormat));
    if (put.ok()) return {};
    return std::unexpected(StoreError{StoreErrorCode::io_error, put.ToString()});
  }
  if (!status.ok()) return std::unexpected(StoreError{StoreErrorCode::io_error, status.ToString()});
  if (stored != std::string(1, kStoreFormat)) {
    return std::unexpected(StoreError{StoreErrorCode::invalid_argument,
                                      "data directory holds an unknown store format"});
  }
  return {};
}

// A read-only open beside a running orgd reads the MANIFEST and then opens every file it
// lists, and orgd may delete one in between: a compaction's inputs, a MANIFEST rolled over, the
// files of a column family an online rebuild dropped, or the family itself after it was
// listed. The open then fails with "No such file" or "Column family not found" although the
// directory is whole; the next attempt reads the newer MANIFEST. (orgctl's reading commands
// failed so in 13 of 185 runs during online rebuilds.) A read-write open holds the lock and
// races nothing. Under online rebuilds back to back each open lost 3 times in 4 (a probe of
// the first version, 8 retries: 31 of 410 runs failed): tried until kReadOnlyOpenPatience.
constexpr auto kReadOnlyOpenPatience = std::chrono::seconds(10);
constexpr auto kReadOnlyOpenFirstWait = std::chrono::milliseconds(10);
constexpr auto kReadOnlyOpenLongestWait = std::chrono::milliseconds(200);

bool was_changed_while_opening(const rocksdb::Status& status,
                               const std::filesystem::path& data_dir) {
  std::error_code ec;
  // Without CURRENT there is no database to retry (RocksDB replaces CURRENT by a rename).
  if (status.ok() || !std::filesystem::exists(data_dir / "CURRENT", ec)) return false;
  const std::string text = status.ToString();
  return status.IsPathNotFound() || text.find("No such file") != std::string::npos ||
         (status.IsInvalidArgument() && text.find("Column family not found") != std::string::npos);
}

// A read-only open reads the MANIFEST, then replays the WAL as it finds it later: a flush that
// ends in between is in neither for it (the flushed writes may have skipped the WAL, as a
// replay's do), while writes after the flush are. orgctl then saw an online rebuild's new
// read model named by the catalog yet empty (checkpoint 0: 3 runs in 8 of a test that widens
// the window). A flush or compaction ends by appending to the MANIFEST, or by rolling it over
// (CURRENT then names another): the MANIFEST's name and size before and after an open tell
// whether one ended during it.
struct ManifestMark {
  std::string current;  // CURRENT's text: the MANIFEST's name
  std::uint64_t size{0};
  bool operator==(const ManifestMark&) const = default;
};

ManifestMark manifest_mark(const StoreOptions& options) {
  rocksdb::Env* env = options.env ? options.env.get() : rocksdb::Env::Default();
  const std::string dir = options.data_dir.string();
  ManifestMark mark;
  if (!rocksdb::ReadFileToString(env, dir + "/CURRENT", &mark.current).ok()) return mark;
  while (!mark.current.empty() && mark.current.back() == '\n') mark.current.pop_back();
  std::uint64_t size = 0;
  if (env->GetFileSize(dir + "/" + mark.current, &size).ok()) mark.size = size;
  return mark;
}

void close_rocksdb(std::vector<rocksdb::ColumnFamilyHandle*>& handles, rocksdb::DB*& raw) {
  for (auto* handle : handles) (void)raw->DestroyColumnFamilyHandle(handle);
  handles.clear();
  delete raw;
  raw = nullptr;
}

rocksdb::Status open_rocksdb(const StoreOptions& options,
                             const std::shared_ptr<rocksdb::Cache>& cache,
                             std::vector<rocksdb::ColumnFamilyHandle*>& handles,
                             rocksdb::DB*& raw) {
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : column_family_names(options)) {
    descriptors.emplace_back(name, cf_options(name, cache));
  }
  handles.clear();
  raw = nullptr;
  const auto path = options.data_dir.string();
  return options.read_only
             ? rocksdb::DB::OpenForReadOnly(db_options(options, cache), path, descriptors, &handles,
                                            &raw)
             : rocksdb::DB::Open(db_options(options, cache), path, descriptors, &handles, &raw);
}

// open_rocksdb, and for a read-only open, again while the directory changed under it (see
// was_changed_while_opening and ManifestMark) until kReadOnlyOpenPatience. Then the last whole
// open, or else the last torn one (`torn` set) rather than nothing: under online rebuilds back
// to back an open can lose every race for 10 s (2 runs in 350 failed so).
rocksdb::Status open_patiently(const StoreOptions& options,
                               const std::shared_ptr<rocksdb::Cache>& cache,
                               std::vector<rocksdb::ColumnFamilyHandle*>& handles,
                               rocksdb::DB*& raw, bool& torn) {
  torn = false;
  auto before = manifest_mark(options);
  auto status = open_rocksdb(options, cache, handles, raw);
  if (!options.read_only) return status;
  std::vector<rocksdb::ColumnFamilyHandle*> kept_handles;  // the last torn open
  rocksdb::DB* kept = nullptr;
  const auto give_up = std::chrono::steady_clock::now() + kReadOnlyOpenPatience;
  for (auto wait = kReadOnlyOpenFirstWait;;) {
    const bool whole = status.ok() && manifest_mark(options) == before;
    if (whole || (!status.ok() && !was_changed_while_opening(status, options.data_dir)) ||
        std::chrono::steady_clock::now() >= give_up) {
      break;
    }
    if (status.ok()) {  // torn: kept while a whole one is sought
      if (kept != nullptr) close_rocksdb(kept_handles, kept);
      kept_handles = std::exchange(handles, {});
      kept = std::exchange(raw, nullptr);
      // Soon again, the quiet moments between a busy writer's flushes being short, but not
      // at once, which would take the CPU of the writer it races. Beside online rebuilds back
      // to back, 6 of 341 orgctl runs kept a torn open after 10 s with waits growing to
      // 200 ms, 5 of 346 with 10 ms.
      std::this_thread::sleep_for(kReadOnlyOpenFirstWait);
    } else {
      std::this_thread::sleep_for(wait);
      wait = std::min(2 * wait, kReadOnlyOpenLongestWait);
    }
    before = manifest_mark(options);
    status = open_rocksdb(options, cache, handles, raw);
  }
  if (status.ok()) {
    torn = manifest_mark(options) != before;
    if (kept != nullptr) close_rocksdb(kept_handles, kept);
    return status;
  }
  if (kept == nullptr) return status;
  handles = std::move(kept_handles);
  raw = kept;
  torn = true;
  return rocksdb::Status::OK();
}

}  // namespace

// RocksDB opens its info log, renaming the LOG already there to LOG.old.*, before it takes the
// directory's lock: a refused open (orgctl rebuild or compact beside a running orgd) cost that
// orgd its LOG, and past keep_log_file_num its older ones too. So the lock is tried first.
std::expected<void, StoreError> Database::check_not_in_use(const StoreOptions& options) {
  const auto lock = options.data_dir / "LOCK";
  std::error_code ec;
  if (!std::filesystem::exists(lock, ec)) return {};  // no store yet, so no LOG to lose
  rocksdb::Env* env = options.env ? options.env.get() : rocksdb::Env::Default();
  rocksdb::FileLock* held = nullptr;
  const auto status = env->LockFile(lock.string(), &held);
  if (!status.ok()) return std::unexpected(to_store_error(status, options.data_dir));
  // Released at once: the open below takes it for good. An orgd starting in between makes
  // that open fail as before.
  (void)env->UnlockFile(held);
  return {};
}

namespace {

// What an open that failed before writing CURRENT may leave (RocksDB's lock, logs, identity,
// manifest, options, WAL and table files), and what a fresh file system's root holds.
bool is_left_by_rocksdb_or_mkfs(std::string_view name) {
  for (const std::string_view exact : {"LOCK", "LOG", "IDENTITY", "lost+found"}) {
    if (name == exact) return true;
  }
  for (const std::string_view prefix : {"LOG.old.", "MANIFEST-", "OPTIONS-"}) {
    if (name.starts_with(prefix)) return true;
  }
  for (const std::string_view suffix : {".log", ".sst", ".dbtmp"}) {
    if (name.ends_with(suffix)) return true;
  }
  return false;
}

// A new store is made only where no other files are: a mistyped --data-dir naming a home or
// project directory had RocksDB's files written among its own.
std::expected<void, StoreError> check_creatable(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec) || fs::exists(dir / "CURRENT", ec)) return {};
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (is_left_by_rocksdb_or_mkfs(name)) continue;
    return std::unexpected(StoreError{
        StoreErrorCode::invalid_argument,
        dir.string() + " holds files (" + name +
            ") but no data directory: a new one is made only in an empty or missing directory"});
  }
  if (ec) return std::unexpected(StoreError{StoreErrorCode::io_error, ec.message()});
  return {};
}

}  // namespace

std::expected<std::unique_ptr<Database>, StoreError> Database::open(const StoreOptions& options) {
  if (!options.read_only) {
    if (auto creatable = check_creatable(options.data_dir); !creatable) {
      return std::unexpected(creatable.error());
    }
    if (auto in_use = check_not_in_use(options); !in_use) return std::unexpected(in_use.error());
    std::error_code ec;
    std::filesystem::create_directories(options.data_dir, ec);
    if (ec) {
      return std::unexpected(
          StoreError{StoreErrorCode::io_error,
                     "cannot create " + options.data_dir.string() + ": " + ec.message()});
    }
  }
  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  bool torn = false;
  auto status = open_patiently(options, cache, handles, raw, torn);
  if (!status.ok()) return std::unexpected(to_store_error(status, options.data_dir));

  std::unique_ptr<Database> database(new Database());
  database->torn_ = torn;
  database->env_ = options.env;
  database->db_.reset(raw);
  for (auto* handle : handles) database->handles_.try_emplace(handle->GetName(), handle);
  database->cfs_ = {database->find(kEventsCf), database->find(kStreamsCf),
                    database->find(kStreamHeadsCf), database->find(kClaimsCf),
                    database->find(kMetaCf)};
  if (auto format = check_format(*raw, database->cfs_.meta, options.read_only); !format) {
    return std::unexpected(format.error());
  }
  return database;
}

Database::~Database() { close(); }

void Database::close() {
  if (!db_) return;
  for (auto& [name, handle] : handles_) {
    auto* owned = handle.load(std::memory_order_acquire);
    if (owned == nullptr) continue;  // released: its new owner destroyed it
    // Failing to free a handle at shutdown leaks memory only; nothing to recover.
    (void)db_->DestroyColumnFamilyHandle(owned);
  }
  handles_.clear();
  (void)db_->Close();  // unsynced data is already in the synced WAL; see StoreOptions::sync
  db_.reset();
}

rocksdb::ColumnFamilyHandle* Database::find(std::string_view name) const {
  const auto it = handles_.find(name);
  return it == handles_.end() ? nullptr : it->second.load(std::memory_order_acquire);
}

rocksdb::ColumnFamilyHandle* Database::release(std::string_view name) {
  if (name == rocksdb::kDefaultColumnFamilyName || is_own_column_family(name)) {
    return nullptr;  // the log's own, which the store itself uses
  }
  const auto it = handles_.find(name);
  return it == handles_.end() ? nullptr : it->second.exchange(nullptr, std::memory_order_acq_rel);
}

}  // namespace orgd::eventstore
