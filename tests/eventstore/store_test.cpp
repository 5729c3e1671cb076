// Opening, closing and reopening a store: recovery of the head and the hash chain, the
// directory lock, read-only mode and options.

#include "eventstore/store.hpp"

#include <gtest/gtest.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>
#include <vector>

#include "eventstore/column_families.hpp"
#include "store_fixture.hpp"
#include "tests/support/damage.hpp"
#include "tests/support/table_files.hpp"

namespace orgd::eventstore::testing {
namespace {

std::set<std::string> files_in(const std::filesystem::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

class StoreOpenTest : public StoreTest {
 protected:
  // Reopens the store with one extra column family, "read_model", and returns it.
  rocksdb::ColumnFamilyHandle* reopen_with_read_model() {
    StoreOptions with_extra = options();
    with_extra.extra_column_families = {"read_model"};
    reopen(with_extra);
    return store_->column_family("read_model");
  }

  // Recomputes the chain from 32 zero bytes, as an auditor would, and returns its end.
  Hash verified_chain() {
    Hash previous{};
    std::uint64_t position = 0;
    for (const auto& envelope : all()) {
      EXPECT_EQ(envelope.position, ++position);
      EXPECT_EQ(envelope.hash, chain_hash(previous, envelope)) << "position " << position;
      previous = envelope.hash;
    }
    return previous;
  }
};

TEST_F(StoreOpenTest, ReopeningKeepsTheLogAndContinuesItsChain) {
  ASSERT_TRUE(append(append_to("a", ExpectedVersion::no_stream(), 3)));
  AppendRequest request = append_to("b", ExpectedVersion::no_stream(), 2);
  request.claims.push_back({"name", "acme", "b"});
  ASSERT_TRUE(append(request));
  const auto before = all();
  const Hash head = store_->head_hash();

  reopen();
  EXPECT_EQ(store_->head_position(), 5u);
  EXPECT_EQ(store_->head_hash(), head);
  EXPECT_EQ(all(), before);
  EXPECT_EQ(store_->stream_version("a"), 3u);
  EXPECT_EQ(owner("name", "acme"), std::optional<std::string>("b"));

  const auto next = append(append_to("a", ExpectedVersion::exact(3)));
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(next->first_position, 6u);
  EXPECT_EQ(next->stream_versions, (std::vector<std::uint64_t>{4}));
  EXPECT_EQ(verified_chain(), store_->head_hash());

  reopen();
  EXPECT_EQ(verified_chain(), store_->head_hash());
  EXPECT_EQ(store_->head_position(), 6u);
}

// The write-ahead log holds every acknowledged append until a flush (a clean close leaves it
// there too).
std::filesystem::path write_ahead_log(const std::filesystem::path& dir) {
  std::filesystem::path found;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".log" && entry.file_size() > 0) found = entry.path();
  }
  return found;
}

// A flipped byte in the write-ahead log is corruption, to the writer and to a reader alike.
// RocksDB's default recovery opened the log up to the flip without a word, dropping every
// acknowledged event after it; verify passed on that prefix and new appends took the lost
// positions.
TEST_F(StoreOpenTest, AFlippedByteInTheWriteAheadLogIsCorruptionNotAShorterLog) {
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(append(append_to("s" + std::to_string(i), ExpectedVersion::no_stream(), 5)));
  }
  store_.reset();
  const auto log = write_ahead_log(options().data_dir);
  ASSERT_FALSE(log.empty()) << "the appends are in the write-ahead log";
  test::flip_middle_byte(log);
  for (const bool read_only : {false, true}) {
    StoreOptions damaged = options();
    damaged.read_only = read_only;
    auto opened = Store::open(damaged);
    ASSERT_FALSE(opened.has_value()) << "opened " << (*opened)->head_position() << " of 200";
    EXPECT_EQ(opened.error().code, StoreErrorCode::corruption) << opened.error().message;
  }
}

// Cut inside its last record, as power lost during a write that was never synced (and so
// never acknowledged) leaves it, the log opens at its last whole record.
TEST_F(StoreOpenTest, AWriteAheadLogCutInsideItsLastRecordOpensAtTheRecordBefore) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(append(append_to("s" + std::to_string(i), ExpectedVersion::no_stream(), 5)));
  }
  store_.reset();
  const auto log = write_ahead_log(options().data_dir);
  ASSERT_FALSE(log.empty());
  std::filesystem::resize_file(log, std::filesystem::file_size(log) - 20);
  reopen();
  EXPECT_EQ(store_->head_position(), 45u) << "the last append's five events are gone, no more";
  EXPECT_EQ(verified_chain(), store_->head_hash());
}

TEST_F(StoreOpenTest, AnEmptyLogStartsFromZeros) {
  EXPECT_EQ(store_->head_position(), 0u);
  EXPECT_EQ(store_->head_hash(), Hash{});
  reopen();
  EXPECT_EQ(store_->head_position(), 0u);
  EXPECT_TRUE(all().empty());
}

TEST_F(StoreOpenTest, ASecondStoreOnTheSameDirectoryIsLockedOut) {
  const auto second = Store::open(options());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, StoreErrorCode::locked) << second.error().message;
  EXPECT_NE(second.error().message.find(options().data_dir.string()), std::string::npos);

  store_.reset();
  EXPECT_TRUE(Store::open(options())) << "the lock goes with the store";
}

TEST_F(StoreOpenTest, AReadOnlyStoreReadsButDoesNotAppend) {
  ASSERT_TRUE(append(append_to("a", ExpectedVersion::any(), 2)));
  StoreOptions read_only = options();
  read_only.read_only = true;
  auto reader = Store::open(read_only);  // beside the writing store: no lock taken
  ASSERT_TRUE(reader) << reader.error().message;
  EXPECT_EQ((*reader)->head_position(), 2u);
  EXPECT_EQ((*reader)->read_stream("a")->size(), 2u);
  const auto refused = (*reader)->append(append_to("a", ExpectedVersion::any()));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, AppendErrorCode::closed);
}

// orgctl beside a running orgd: a read-only look, and a read-write open refused by the lock
// (rebuild, compact), must leave orgd's RocksDB LOG in place. The refused open renamed it to
// LOG.old.* and started another, and past keep_log_file_num deleted orgd's older logs.
TEST_F(StoreOpenTest, OpensBesideTheWriterLeaveItsLogInPlace) {
  const auto log = options().data_dir / "LOG";
  ASSERT_TRUE(std::filesystem::exists(log));
  const auto files_before = files_in(options().data_dir);
  struct stat before {};
  ASSERT_EQ(::stat(log.c_str(), &before), 0);
  StoreOptions read_only = options();
  read_only.read_only = true;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(Store::open(read_only));
    const auto refused = Store::open(options());
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, StoreErrorCode::locked) << refused.error().message;
  }
  struct stat after {};
  ASSERT_EQ(::stat(log.c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino) << "LOG was replaced";
  // No file of theirs (a LOG.old.*); the writer's background threads may meanwhile unlink
  // what its own open left obsolete (an old MANIFEST).
  std::vector<std::string> added;
  std::ranges::set_difference(files_in(options().data_dir), files_before,
                              std::back_inserter(added));
  EXPECT_EQ(added, std::vector<std::string>{});
}

TEST_F(StoreOpenTest, StopWritingCompletesWhatIsQueuedThenRefusesAndReadsGoOn) {
  std::vector<std::future<Store::AppendOutcome>> queued;
  std::thread stopper;
  {
    WriterHold hold(*store_);  // the three below wait in the queue behind it
    for (const char* stream : {"a", "b", "c"}) {
      queued.push_back(append_later(*store_, append_to(stream, ExpectedVersion::any())));
    }
    stopper = std::thread([this] { store_->stop_writing(); });
  }  // released: the writer takes the queue, then stops
  stopper.join();
  for (auto& outcome : queued) {
    const auto r = outcome.get();
    EXPECT_TRUE(r.has_value()) << r.error().message;
  }
  const auto refused = append(append_to("d", ExpectedVersion::any()));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, AppendErrorCode::closed);
  EXPECT_EQ(store_->head_position(), 4u) << "the hold's append and the three queued";
  EXPECT_EQ(all().size(), 4u);
  store_->stop_writing();  // again: nothing to do
  reopen();
  EXPECT_EQ(store_->head_position(), 4u);
}

TEST_F(StoreOpenTest, ExtraColumnFamiliesLiveInTheSameDatabase) {
  auto* read_model = reopen_with_read_model();
  ASSERT_NE(read_model, nullptr);
  EXPECT_NE(store_->column_family(kEventsCf), nullptr);
  EXPECT_NE(store_->column_family("default"), nullptr);
  EXPECT_EQ(store_->column_family("unknown"), nullptr);
  ASSERT_TRUE(store_->db()->Put(rocksdb::WriteOptions(), read_model, "k", "v").ok());

  reopen();  // no longer asked for, but still there: it is opened all the same
  read_model = store_->column_family("read_model");
  ASSERT_NE(read_model, nullptr);
  std::string value;
  ASSERT_TRUE(store_->db()->Get(rocksdb::ReadOptions(), read_model, "k", &value).ok());
  EXPECT_EQ(value, "v");
}

// A layer that drops a column family takes its handle from the store, destroys it (which
// deletes the dropped column family's files) and the store's close leaves it alone (ASan
// would see a second destruction).
TEST_F(StoreOpenTest, AReleasedColumnFamilyIsTheCallersToDestroy) {
  auto* read_model = reopen_with_read_model();
  ASSERT_NE(read_model, nullptr);
  ASSERT_TRUE(store_->db()->Put(rocksdb::WriteOptions(), read_model, "k", "v").ok());
  ASSERT_TRUE(store_->db()->Flush(rocksdb::FlushOptions(), read_model).ok());
  const auto files = test::live_table_files(*store_->db(), {"read_model"});
  ASSERT_EQ(files.size(), 1u);

  EXPECT_EQ(store_->release_column_family("unknown"), nullptr);
  for (const auto own : {kEventsCf, kStreamsCf, kStreamHeadsCf, kClaimsCf, kMetaCf}) {
    EXPECT_EQ(store_->release_column_family(own), nullptr) << own;
    EXPECT_NE(store_->column_family(own), nullptr) << own;
  }
  EXPECT_EQ(store_->release_column_family("default"), nullptr);
  EXPECT_EQ(store_->release_column_family("read_model"), read_model);
  EXPECT_EQ(store_->column_family("read_model"), nullptr);
  EXPECT_EQ(store_->release_column_family("read_model"), nullptr) << "released once";

  ASSERT_TRUE(store_->db()->DropColumnFamily(read_model).ok());
  EXPECT_EQ(test::still_held(files).size(), 1u) << "a dropped column family's handle keeps them";
  ASSERT_TRUE(store_->db()->DestroyColumnFamilyHandle(read_model).ok());
  EXPECT_EQ(test::held_after(files, std::chrono::seconds(10)), std::vector<std::string>{});

  reopen();
  EXPECT_EQ(store_->column_family("read_model"), nullptr) << "dropped for good";
}

TEST_F(StoreOpenTest, RejectsInvalidOptions) {
  store_.reset();
  StoreOptions no_dir;
  EXPECT_EQ(Store::open(no_dir).error().code, StoreErrorCode::invalid_argument);
  StoreOptions no_batch = options();
  no_batch.max_requests_per_batch = 0;
  EXPECT_EQ(Store::open(no_batch).error().code, StoreErrorCode::invalid_argument);
  StoreOptions clash = options();
  clash.extra_column_families = {std::string(kClaimsCf)};
  EXPECT_EQ(Store::open(clash).error().code, StoreErrorCode::invalid_argument);
}

// A new store is made only in an empty or missing directory, or one holding what an open that
// failed early left (RocksDB's lock, log, manifest) or a fresh file system's lost+found: a
// mistyped path to a directory of other files is refused and left as it was.
TEST_F(StoreOpenTest, ANewStoreIsNotMadeAmongOtherFiles) {
  const auto elsewhere = dir_.path() / "elsewhere";
  std::filesystem::create_directories(elsewhere);
  { std::ofstream(elsewhere / "notes.txt") << "mine"; }
  StoreOptions options;
  options.data_dir = elsewhere;
  auto refused = Store::open(options);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, StoreErrorCode::invalid_argument);
  EXPECT_NE(refused.error().message.find("notes.txt"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(files_in(elsewhere), std::set<std::string>{"notes.txt"});

  const auto left = dir_.path() / "left";
  std::filesystem::create_directories(left);
  { std::ofstream(left / "LOCK"); }
  { std::ofstream(left / "LOG") << "an open that failed"; }
  { std::ofstream(left / "MANIFEST-000001"); }
  std::filesystem::create_directories(left / "lost+found");  // a fresh file system's root
  options.data_dir = left;
  auto opened = Store::open(options);
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  EXPECT_TRUE(std::filesystem::exists(left / "CURRENT"));
}

TEST_F(StoreOpenTest, AHeadRecordThatDisagreesWithTheLogIsCorruption) {
  ASSERT_TRUE(append(append_to("a", ExpectedVersion::any(), 2)));
  // Drop the last event behind the store's back, as a truncation would.
  ASSERT_TRUE(store_->db()
                  ->Delete(rocksdb::WriteOptions(), store_->column_family(kEventsCf),
                           std::string("\0\0\0\0\0\0\0\2", 8))
                  .ok());
  store_.reset();
  const auto reopened = Store::open(options());
  ASSERT_FALSE(reopened);
  EXPECT_EQ(reopened.error().code, StoreErrorCode::corruption) << reopened.error().message;
}

// The filter policy and the filter's bytes of each table file of `cf`.
std::vector<std::pair<std::string, std::uint64_t>> filters_of(rocksdb::DB& db,
                                                              rocksdb::ColumnFamilyHandle* cf) {
  rocksdb::TablePropertiesCollection tables;
  EXPECT_TRUE(db.GetPropertiesOfAllTables(cf, &tables).ok());
  std::vector<std::pair<std::string, std::uint64_t>> filters;
  for (const auto& [file, properties] : tables) {
    filters.emplace_back(properties->filter_policy_name, properties->filter_size);
  }
  return filters;
}

// A read model's files hold bloom filters of ~10 bits per key (its owners look up keys that
// often do not exist), compacted files too: ribbon filters, ~30 % smaller, raised RSS under
// creates while the compactions built them (README). The log's scanned column families carry
// none.
TEST_F(StoreOpenTest, ReadModelFilesCarryBloomFiltersAndTheLogNone) {
  auto* read_model = reopen_with_read_model();
  auto& db = *store_->db();
  for (int i = 0; i < 5000; ++i) {
    ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), read_model, "key-" + std::to_string(i), "v").ok());
  }
  ASSERT_TRUE(db.Flush(rocksdb::FlushOptions(), read_model).ok());
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  ASSERT_TRUE(db.CompactRange(compact, read_model, nullptr, nullptr).ok());
  const auto compacted = filters_of(db, read_model);
  ASSERT_EQ(compacted.size(), 1u);
  EXPECT_EQ(compacted[0].first, "bloomfilter");
  EXPECT_GT(compacted[0].second, 5000u * 9 / 8) << "~10 bits per key";
  std::string value;
  EXPECT_TRUE(db.Get(rocksdb::ReadOptions(), read_model, "key-4999", &value).ok());
  EXPECT_TRUE(db.Get(rocksdb::ReadOptions(), read_model, "key-5000", &value).IsNotFound());

  ASSERT_TRUE(append_later(*store_, append_to("s", ExpectedVersion::no_stream())).get());
  ASSERT_TRUE(db.Flush(rocksdb::FlushOptions(), store_->column_family(kEventsCf)).ok());
  for (const auto& [name, bytes] : filters_of(db, store_->column_family(kEventsCf))) {
    EXPECT_EQ(bytes, 0u) << name;
  }
}

// A read model's files hold blocks of ~16 KiB, LZ4-compressed where RocksDB has LZ4: its owners
// read short runs of neighbouring keys, mostly not cached (README: 1.17x and 1.07x the
// requests/s of a page at random over 4 KiB snappy blocks).
TEST_F(StoreOpenTest, ReadModelFilesHoldSixteenKibBlocksCompressedWithLz4) {
  auto* read_model = reopen_with_read_model();
  auto& db = *store_->db();
  std::uint64_t mixed = 0x9e3779b97f4a7c15ULL;
  for (int i = 0; i < 4000; ++i) {
    std::string value;
    while (value.size() < 200) {
      mixed = mixed * 6364136223846793005ULL + 1442695040888963407ULL;
      value += std::to_string(mixed >> 20);
    }
    ASSERT_TRUE(
        db.Put(rocksdb::WriteOptions(), read_model, "key-" + std::to_string(i), value).ok());
  }
  ASSERT_TRUE(db.Flush(rocksdb::FlushOptions(), read_model).ok());
  rocksdb::TablePropertiesCollection tables;
  ASSERT_TRUE(db.GetPropertiesOfAllTables(read_model, &tables).ok());
  ASSERT_EQ(tables.size(), 1u);
  const auto& table = *tables.begin()->second;
  ASSERT_GT(table.num_data_blocks, 0u);
  const auto raw_bytes_per_block =
      (table.raw_key_size + table.raw_value_size) / table.num_data_blocks;
  EXPECT_GT(raw_bytes_per_block, 12u * 1024) << table.num_data_blocks << " blocks";
  EXPECT_LE(raw_bytes_per_block, 17u * 1024) << table.num_data_blocks << " blocks";
  const auto supported = rocksdb::GetSupportedCompressions();
  const bool lz4 =
      std::find(supported.begin(), supported.end(), rocksdb::kLZ4Compression) != supported.end();
  EXPECT_EQ(table.compression_name, lz4 ? "LZ4" : "Snappy");
}

// The numbers of the live table files of `cf`.
std::set<std::uint64_t> table_files_of(rocksdb::DB& db, const std::string& cf) {
  std::vector<rocksdb::LiveFileMetaData> files;
  db.GetLiveFilesMetaData(&files);
  std::set<std::uint64_t> numbers;
  for (const auto& f : files) {
    if (f.column_family_name == cf) numbers.insert(f.file_number);
  }
  return numbers;
}

void wait_for_compactions(rocksdb::DB& db) {
  std::uint64_t pending = 1;
  std::uint64_t running = 1;
  for (int wait = 0; wait < 1000 && pending + running > 0; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_TRUE(db.GetIntProperty("rocksdb.compaction-pending", &pending));
    EXPECT_TRUE(db.GetIntProperty("rocksdb.num-running-compactions", &running));
  }
}

// Column families written all over their key range (read models, claims, streams) compact
// universally: small flushes spread over the whole range are merged with each other, not into
// the large sorted run below them (leveled compaction rewrote that run every fourth
// flush: ~40 % of orgd's CPU during creates). The log, appended in key order, stays leveled.
TEST_F(StoreOpenTest, KeysWrittenAllOverAreMergedWithoutRewritingTheLargestRun) {
  auto* read_model = reopen_with_read_model();
  auto& db = *store_->db();
  const auto key = [](int i) {
    char text[16];
    std::snprintf(text, sizeof text, "key-%06d", i);
    return std::string(text);
  };
  for (int i = 0; i < 20000; ++i) {
    ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), read_model, key(i), "v").ok());
  }
  ASSERT_TRUE(db.CompactRange(rocksdb::CompactRangeOptions(), read_model, nullptr, nullptr).ok());
  const auto largest = table_files_of(db, "read_model");
  ASSERT_EQ(largest.size(), 1u);
  for (int flush = 0; flush < 4; ++flush) {
    for (int i = flush; i < 20000; i += 200) {
      ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), read_model, key(i), "w").ok());
    }
    ASSERT_TRUE(db.Flush(rocksdb::FlushOptions(), read_model).ok());
  }
  wait_for_compactions(db);
  const auto after = table_files_of(db, "read_model");
  EXPECT_LT(after.size(), 1u + 4u) << "the flushes were merged";
  EXPECT_TRUE(after.contains(*largest.begin())) << "the largest run was rewritten";
  std::string value;
  ASSERT_TRUE(db.Get(rocksdb::ReadOptions(), read_model, key(200), &value).ok());
  EXPECT_EQ(value, "w");

  EXPECT_EQ(db.GetOptions(store_->column_family(kStreamsCf)).compaction_style,
            rocksdb::kCompactionStyleUniversal);
  EXPECT_EQ(db.GetOptions(store_->column_family(kEventsCf)).compaction_style,
            rocksdb::kCompactionStyleLevel);
}

// Memtables of every column family together stay near write_buffer_budget_bytes: RocksDB
// flushes once they pass it (in steps of its arena blocks, an eighth of a column family's
// 64 MiB write buffer). Appends of ~24 MiB with an 8 MiB budget leave well under 24 MiB;
// with the default budget they all stay in memory.
std::uint64_t memtable_bytes_after_appends(Store& store) {
  const std::string payload(2048, 'p');
  for (int round = 0; round < 240; ++round) {
    AppendRequest request = append_to("stream-" + std::to_string(round), ExpectedVersion::any());
    request.streams.back().events.assign(50, event("Tested", payload));
    EXPECT_TRUE(append_later(store, std::move(request)).get());
  }
  std::uint64_t running = 1;
  for (int wait = 0; wait < 500 && running > 0; ++wait) {
    EXPECT_TRUE(store.db()->GetIntProperty("rocksdb.num-running-flushes", &running));
    if (running > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::uint64_t bytes = 0;
  EXPECT_TRUE(store.db()->GetAggregatedIntProperty("rocksdb.cur-size-all-mem-tables", &bytes));
  return bytes;
}

TEST_F(StoreOpenTest, MemtablesStayWithinTheWriteBufferBudget) {
  const auto unbounded = memtable_bytes_after_appends(*store_);
  EXPECT_GT(unbounded, 24u << 20);

  auto bounded = options();
  bounded.data_dir = dir_.path() / "bounded";
  bounded.write_buffer_budget_bytes = 8u << 20;
  reopen(bounded);
  EXPECT_LT(memtable_bytes_after_appends(*store_), 18u << 20);
}

// The memtables take their memory from the block cache (blocks get what they leave), so a
// cache full of blocks and memtables full of writes never hold both whole (README: RSS after
// the bench's creates). Appends alone, nothing read: the cache holds the memtables' share.
TEST_F(StoreOpenTest, MemtablesAreChargedToTheBlockCache) {
  auto charged = options();
  charged.data_dir = dir_.path() / "charged";
  charged.block_cache_bytes = 64u << 20;
  reopen(charged);
  const auto memtables = memtable_bytes_after_appends(*store_);
  ASSERT_GT(memtables, 16u << 20);
  std::uint64_t cache = 0;
  ASSERT_TRUE(store_->db()->GetIntProperty("rocksdb.block-cache-usage", &cache));
  EXPECT_GE(cache, memtables - (1u << 20)) << "memtables " << memtables;
}

}  // namespace
}  // namespace orgd::eventstore::testing
