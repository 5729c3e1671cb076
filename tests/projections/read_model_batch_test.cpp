#include "projections/read_model_batch.hpp"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "tests/projections/projection_fixture.hpp"

namespace orgd::projections::testing {
namespace {

using Rows = std::map<std::string, std::string>;

// A batch over a column family no projection writes in these tests (no runner is started).
class ReadModelBatchTest : public ProjectionTest {
 public:
  rocksdb::ColumnFamilyHandle* cf() { return store_->column_family("groups"); }

  void put_committed(const std::string& key, const std::string& value) {
    ASSERT_TRUE(store_->db()->Put(rocksdb::WriteOptions(), cf(), key, value).ok());
  }

  // What the column family holds, less the stamps every commit adds.
  Rows committed_rows() {
    Rows rows = dump("groups");
    rows.erase(std::string(kReadModelLayoutKey));
    return rows;
  }

  // Every key from `start` on starting with `prefix`, as the batch would leave them, stopping
  // after `most` visits.
  static Rows scan(ReadModelBatch& batch, const std::string& prefix, const std::string& start,
                   std::size_t most = SIZE_MAX) {
    Rows seen;
    auto scanned = batch.scan_from(prefix, start, [&](std::string_view k, std::string_view v) {
      seen.emplace(k, v);
      return seen.size() < most;
    });
    EXPECT_TRUE(scanned.has_value());
    return seen;
  }

  static std::string random_key(std::mt19937& rng) {
    static constexpr char kAlphabet[] = {'a', 'b', '\0', '\xff'};
    std::string k(1 + rng() % 3, ' ');
    for (auto& c : k) c = kAlphabet[rng() % 4];
    return k;
  }

  // The random operations both model tests make for a `choice` (of 100) below kReadsAndWrites:
  // a put, an erase, a get or a scan of a random key, checked against `view` (what the batch
  // must show). `where` names the operation in failures, and in the values it writes.
  static constexpr unsigned kReadsAndWrites = 80;
  static void random_read_or_write(ReadModelBatch& batch, Rows& view, std::mt19937& rng,
                                   unsigned choice, const std::string& where) {
    const std::string k = random_key(rng);
    if (choice < 35) {
      batch.put(k, where);
      view[k] = where;
    } else if (choice < 50) {
      batch.erase(k);
      view.erase(k);
    } else if (choice < 65) {
      const auto it = view.find(k);
      const auto want = it == view.end() ? std::nullopt : std::optional<std::string>(it->second);
      ASSERT_EQ(batch.get(k).value(), want) << where;
    } else {
      const std::string prefix = k.substr(0, rng() % k.size());
      const std::size_t most = 1 + rng() % 6;
      ASSERT_EQ(scan(batch, prefix, k, most), expected_scan(view, prefix, k, most)) << where;
    }
  }

  static Rows expected_scan(const Rows& rows, const std::string& prefix, const std::string& start,
                            std::size_t most = SIZE_MAX) {
    Rows out;
    for (auto it = rows.lower_bound(start); it != rows.end() && out.size() < most; ++it) {
      if (!it->first.starts_with(prefix)) break;
      out.insert(*it);
    }
    return out;
  }
};

// Numbers in keys are big-endian, so they sort as numbers; decoding reads the first 8 bytes.
TEST(U64EncodingTest, RoundTripsAndReadsTheFirstEightBytes) {
  for (const std::uint64_t n : {0ULL, 1ULL, 255ULL, 256ULL, 0x0102030405060708ULL, ~0ULL}) {
    EXPECT_EQ(decode_u64(encode_u64(n)), n);
  }
  EXPECT_EQ(encode_u64(0x0102030405060708ULL), std::string("\x01\x02\x03\x04\x05\x06\x07\x08"));
  EXPECT_LT(encode_u64(255), encode_u64(256)) << "byte order is numeric order";
  EXPECT_EQ(decode_u64(encode_u64(42) + "tail"), 42u);
  EXPECT_EQ(decode_u64(std::string("\x01\x02", 2)), 0x0102u) << "fewer bytes: all of them";
  EXPECT_EQ(decode_u64(""), 0u);
}

TEST_F(ReadModelBatchTest, ReadsItsOwnWritesOverWhatIsCommitted) {
  put_committed("a1", "db");
  put_committed("a2", "db");
  put_committed("b1", "db");
  ReadModelBatch batch(store_->db(), cf());
  batch.put("a2", "staged");
  batch.erase("a1");
  batch.put("a3", "new");
  batch.put("a3", "newer");

  EXPECT_EQ(batch.get("a1").value(), std::nullopt);
  EXPECT_EQ(batch.get("a2").value(), "staged");
  EXPECT_EQ(batch.get("a3").value(), "newer");
  EXPECT_EQ(batch.get("b1").value(), "db");
  EXPECT_EQ(batch.get("zz").value(), std::nullopt);
  EXPECT_EQ(scan(batch, "a", "a"), (Rows{{"a2", "staged"}, {"a3", "newer"}}));
  EXPECT_EQ(scan(batch, "a", "a21"), (Rows{{"a3", "newer"}}));
  EXPECT_EQ(scan(batch, "", "", 2), (Rows{{"a2", "staged"}, {"a3", "newer"}}));
  // Nothing reaches the database before the commit.
  EXPECT_EQ(committed_rows(), (Rows{{"a1", "db"}, {"a2", "db"}, {"b1", "db"}}));

  ASSERT_TRUE(batch.commit().has_value());
  EXPECT_EQ(committed_rows(), (Rows{{"a2", "staged"}, {"a3", "newer"}, {"b1", "db"}}));
  EXPECT_EQ(dump("groups").at(std::string(kReadModelLayoutKey)), encode_u64(kReadModelLayout));
}

TEST_F(ReadModelBatchTest, NestedRollbacksRestoreEachSavePoint) {
  put_committed("k", "db");
  ReadModelBatch batch(store_->db(), cf());
  batch.put("k", "one");
  batch.save_point();
  batch.put("k", "two");
  batch.put("x", "added");
  batch.save_point();
  batch.erase("k");
  batch.put("x", "changed");
  batch.put("y", "added");

  batch.rollback();
  EXPECT_EQ(batch.get("k").value(), "two");
  EXPECT_EQ(batch.get("x").value(), "added");
  EXPECT_EQ(batch.get("y").value(), std::nullopt);
  batch.rollback();
  EXPECT_EQ(batch.get("k").value(), "one");
  EXPECT_EQ(batch.get("x").value(), std::nullopt);
  EXPECT_EQ(scan(batch, "", ""), (Rows{{"k", "one"}}));
  batch.rollback();  // no save point left: nothing changes
  EXPECT_EQ(batch.get("k").value(), "one");

  ASSERT_TRUE(batch.commit().has_value());
  EXPECT_EQ(committed_rows(), (Rows{{"k", "one"}}));
}

// Random puts, erases, reads, scans, save points, rollbacks and commits against a model of
// what the batch must show and what the column family must hold.
TEST_F(ReadModelBatchTest, RandomOperationsMatchAModel) {
  for (std::uint32_t seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    // Each commit stamps the layout key, which scans then see like any committed key.
    Rows committed = dump("groups");
    Rows view = committed;
    std::vector<Rows> saves;
    auto batch = std::make_unique<ReadModelBatch>(store_->db(), cf());
    for (int op = 0; op < 600; ++op) {
      const auto choice = rng() % 100;
      if (choice < kReadsAndWrites) {
        random_read_or_write(*batch, view, rng, choice,
                             "seed " + std::to_string(seed) + " op " + std::to_string(op));
        if (HasFatalFailure()) return;
      } else if (choice < 87) {
        batch->save_point();
        saves.push_back(view);
      } else if (choice < 94) {
        batch->rollback();
        if (!saves.empty()) {
          view = std::move(saves.back());
          saves.pop_back();
        }
      } else {
        ASSERT_TRUE(batch->commit().has_value());
        view[std::string(kReadModelLayoutKey)] = encode_u64(kReadModelLayout);
        committed = view;
        saves.clear();
        ASSERT_EQ(dump("groups"), committed) << "seed " << seed << " op " << op;
        batch = std::make_unique<ReadModelBatch>(store_->db(), cf());
      }
    }
  }
}

// A replay stages each run over the layer the run before handed off, while another thread
// writes that run (read_model_rebuild.cpp): reads and scans must show the same before, during and
// after that write, and the writes must leave what the batches showed.
TEST_F(ReadModelBatchTest, HandedOffLayersReadAsCommittedWhetherOrNotTheirWriteLanded) {
  put_committed("a", "db");
  put_committed("b\xff", "db");
  for (std::uint32_t seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    Rows view = dump("groups");
    ReadModelBatch::Layer layer;
    rocksdb::WriteBatch unwritten;  // the layer's write, until it lands
    auto land = [&] {
      ASSERT_TRUE(store_->db()->Write(rocksdb::WriteOptions(), &unwritten).ok());
      unwritten.Clear();
    };
    auto batch = std::make_unique<ReadModelBatch>(store_->db(), cf(), nullptr, &layer);
    // This batch's changes become the layer the next one reads through; the old layer goes
    // only once its write is in.
    auto handoff = [&] {
      land();
      auto handed = batch->hand_off(unwritten);
      ASSERT_TRUE(handed.has_value()) << handed.error();
      batch.reset();
      layer = std::move(*handed);
      view[std::string(kReadModelLayoutKey)] = encode_u64(kReadModelLayout);
      batch = std::make_unique<ReadModelBatch>(store_->db(), cf(), nullptr, &layer);
    };
    for (int op = 0; op < 600; ++op) {
      const auto choice = rng() % 100;
      if (choice < kReadsAndWrites) {
        random_read_or_write(*batch, view, rng, choice,
                             "seed " + std::to_string(seed) + " op " + std::to_string(op));
        if (HasFatalFailure()) return;
      } else if (choice < 90) {
        land();  // the last layer's write lands while this batch is staging
      } else {
        handoff();
      }
    }
    handoff();
    land();
    ASSERT_EQ(dump("groups"), view) << "seed " << seed;
  }
}

}  // namespace
}  // namespace orgd::projections::testing
