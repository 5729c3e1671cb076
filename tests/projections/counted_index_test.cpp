#include "projections/counted_index.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <random>
#include <set>

#include "projections/count_tree_cache.hpp"
#include "projections/counted_index_check.hpp"
#include "projections/counted_index_layout.hpp"
#include "projections/counted_index_view.hpp"
#include "projections/index_page.hpp"
#include "projections/read_model_rebuild.hpp"
#include "projections/uncounted_indexes.hpp"
#include "tests/projections/projection_fixture.hpp"

namespace orgd::projections::testing {
namespace {

using Model = std::map<std::string, std::set<std::string>>;  // prefix -> suffixes

// Random index operations against a model, in a column family no projection writes.
class CountedIndexTest : public ProjectionTest {
 public:
  rocksdb::ColumnFamilyHandle* cf() { return store_->column_family("organizations"); }

  static std::string random_suffix(std::mt19937& rng) {
    static constexpr char kAlphabet[] = {'\0', 'a', 'b', 'c', 'm', 'z', '\x7f', '\xff'};
    std::string s(std::uniform_int_distribution<int>(0, 7)(rng), ' ');
    for (auto& c : s) c = kAlphabet[std::uniform_int_distribution<int>(0, 7)(rng)];
    return s;
  }

  // Applies `ops` random puts and erases of present entries (`erase_percent` of them),
  // committing every `chunk` operations, and updates `model` to what the index must hold.
  // With `trees`, through that mirror of the count trees.
  void run(Model& model, std::uint32_t seed, int ops, int erase_percent, int chunk,
           std::uint32_t fanout, const std::vector<std::string>& prefixes,
           CountTreeCache* trees = nullptr, UncountedIndexes* later = nullptr) {
    std::mt19937 rng(seed);
    auto batch = std::make_unique<ReadModelBatch>(store_->db(), cf(), trees);
    batch->count_later(later);
    for (int i = 1; i <= ops; ++i) {
      const auto& prefix = prefixes[rng() % prefixes.size()];
      auto& present = model[prefix];
      const bool erase = !present.empty() && static_cast<int>(rng() % 100) < erase_percent;
      if (erase) {
        auto victim = present.begin();
        std::advance(victim, rng() % present.size());
        const std::string suffix = *victim;
        present.erase(victim);
        auto erased = erase_counted(*batch, prefix, suffix, fanout);
        EXPECT_TRUE(erased.has_value()) << erased.error();
      } else {
        const std::string suffix = random_suffix(rng);
        present.insert(suffix);
        auto put = put_counted(*batch, prefix, suffix, "v" + suffix, fanout);
        EXPECT_TRUE(put.has_value()) << put.error();
      }
      if (rng() % 50 == 0) {  // erasing what is absent changes nothing
        EXPECT_TRUE(erase_counted(*batch, prefix, "absent-" + std::to_string(i), fanout));
      }
      if (i % chunk == 0) {
        EXPECT_TRUE(batch->commit().has_value());
        batch = std::make_unique<ReadModelBatch>(store_->db(), cf(), trees);
        batch->count_later(later);
      }
    }
    EXPECT_TRUE(batch->commit().has_value());
  }

  // The count-tree keys in the database.
  std::map<std::string, std::string> stored_trees() {
    std::map<std::string, std::string> trees;
    for (const auto& [key, value] : dump("organizations")) {
      if (CountTreeCache::is_tree_key(key)) trees.emplace(key, value);
    }
    return trees;
  }

  // The mirror holds exactly the stored nodes of every tree it loaded.
  void expect_mirrors(const CountTreeCache& trees) {
    std::map<std::string, std::string> loaded;
    for (const auto& [key, value] : stored_trees()) {
      if (trees.holds_tree_of(key)) loaded.emplace(key, value);
    }
    const std::map<std::string, std::string> mirrored(trees.nodes().begin(), trees.nodes().end());
    EXPECT_EQ(mirrored, loaded);
  }

  // Runs of entries by rank (CountedIndexView::entries_at): short and long, within a lowest
  // node and across several, from a sample of first ranks (both ends included).
  static void expect_runs_match(CountedIndexView& view, const std::string& prefix,
                                const std::set<std::string>& suffixes) {
    const std::vector<std::string> ordered(suffixes.begin(), suffixes.end());
    const std::uint64_t stride = ordered.size() < 300 ? 1 : 29;
    for (std::uint64_t first = 0; first <= ordered.size() + 1;
         first += first + 3 > ordered.size() ? 1 : stride) {
      for (const std::uint64_t count : {1u, 20u, 150u}) {
        auto run = view.entries_at(first, count);
        ASSERT_TRUE(run.has_value()) << run.error();
        const std::uint64_t end = std::min<std::uint64_t>(ordered.size(), first + count);
        ASSERT_EQ(run->size(), first < end ? end - first : 0) << first << "+" << count;
        for (std::size_t i = 0; i < run->size(); ++i) {
          EXPECT_EQ((*run)[i].key, prefix + ordered[first + i]) << first << "+" << count;
        }
      }
    }
  }

  // The same ranks through one snapshot with remembered tree parts: read and remembered by a
  // first view, then taken from memory by a second. The memory lives as long as the test, so
  // a later check (after more puts and erases) finds parts of older snapshots in it.
  void expect_remembered_walks_match(const std::string& prefix,
                                     const std::set<std::string>& suffixes, std::uint32_t fanout) {
    RowsAtSnapshot& remembered = remembered_trees_;
    rocksdb::ManagedSnapshot snapshot(store_->db());
    rocksdb::ReadOptions at_snapshot;
    at_snapshot.snapshot = snapshot.snapshot();
    const std::uint64_t positions_known = remembered_positions_.hits();
    for (int pass = 0; pass < 2; ++pass) {
      CountedIndexView view(store_->db(), cf(), at_snapshot, prefix, &remembered,
                            &remembered_positions_);
      std::uint64_t rank = 0;
      for (const auto& suffix : suffixes) {
        if (suffixes.size() < 2000 || rank % 37 == 0 || rank + 3 > suffixes.size()) {
          ASSERT_TRUE(view.seek_to_rank(rank).value()) << "pass " << pass << ", rank " << rank;
          EXPECT_EQ(view.entries().key().ToString(), prefix + suffix)
              << "pass " << pass << ", rank " << rank;
        }
        ++rank;
      }
      EXPECT_FALSE(view.seek_to_rank(rank).value()) << "past the end, pass " << pass;
      expect_runs_match(view, prefix, suffixes);
    }
    if (suffixes.size() > uncounted_most_for(fanout)) {
      EXPECT_GT(remembered.hits(), 0u) << "the second view took the tree from memory";
    }
    if (!suffixes.empty()) {
      EXPECT_GT(remembered_positions_.hits(), positions_known)
          << "the second view's runs started from memory";
    }
  }

  RowsAtSnapshot remembered_trees_{1024};
  RowsAtSnapshot remembered_positions_{1 << 16};

  // Every rank and a sample of rank_of answers against the model.
  void expect_matches(const Model& model, std::uint32_t fanout) {
    const rocksdb::ReadOptions options;
    const auto all = check_counted_indexes(store_->db(), cf(), options, fanout);
    EXPECT_TRUE(all.ok()) << all.problem;
    std::mt19937 rng(7);
    for (const auto& [prefix, suffixes] : model) {
      const auto one = check_counted_index(store_->db(), cf(), options, prefix, fanout);
      EXPECT_TRUE(one.ok()) << one.problem;
      EXPECT_EQ(one.entries, suffixes.size());
      CountedIndexView view(store_->db(), cf(), options, prefix);
      ASSERT_EQ(view.size().value(), suffixes.size());
      std::uint64_t rank = 0;
      for (const auto& suffix : suffixes) {
        // Every rank of small indexes; a sample (both ends included) of big ones.
        if (suffixes.size() < 2000 || rank % 37 == 0 || rank + 3 > suffixes.size()) {
          ASSERT_TRUE(view.seek_to_rank(rank).value()) << rank;
          EXPECT_EQ(view.entries().key().ToString(), prefix + suffix) << "rank " << rank;
          EXPECT_EQ(view.rank_of(suffix).value(), rank) << "rank of an entry";
        }
        ++rank;
      }
      EXPECT_FALSE(view.seek_to_rank(rank).value()) << "past the end";
      expect_runs_match(view, prefix, suffixes);
      expect_remembered_walks_match(prefix, suffixes, fanout);
      for (int i = 0; i < 50; ++i) {
        const std::string probe = random_suffix(rng);
        const auto expected = static_cast<std::uint64_t>(
            std::distance(suffixes.begin(), suffixes.lower_bound(probe)));
        EXPECT_EQ(view.rank_of(probe).value(), expected) << "rank of a probe";
      }
    }
  }
};

TEST_F(CountedIndexTest, CountsFollowRandomPutsAndErasesWithTinyNodes) {
  const std::vector<std::string> prefixes{"x\x01", "y\x01", "yy\x01"};
  Model model;
  run(model, 1, 3000, 25, 97, 2, prefixes);
  expect_matches(model, 2);
  // The trees grew several levels: a fanout of 2 over hundreds of entries.
  std::string root;
  ASSERT_TRUE(store_->db()->Get({}, cf(), count_tree_key("x\x01"), &root).ok());
  EXPECT_GE(static_cast<unsigned char>(root.back()), 4) << "height";
  // Shrinking: nodes empty out, parents follow their first children, roots hand over.
  run(model, 2, 3000, 75, 89, 2, prefixes);
  expect_matches(model, 2);
}

TEST_F(CountedIndexTest, CountsFollowRandomPutsAndErasesWithTheDefaultFanout) {
  Model model;
  run(model, 3, 20000, 20, 1000, kCountedFanout, {"a\x01"});
  std::string root;
  ASSERT_TRUE(store_->db()->Get({}, cf(), count_tree_key("a\x01"), &root).ok());
  EXPECT_GE(static_cast<unsigned char>(root.back()), 2) << "height";
  EXPECT_GT(model.at("a\x01").size(), 4000u);
  expect_matches(model, kCountedFanout);
  run(model, 4, 20000, 80, 1000, kCountedFanout, {"a\x01"});
  expect_matches(model, kCountedFanout);
}

// Written uncounted and counted at the end, as a replay from position 0 writes them: trees
// that pass the check and answer every rank as trees grown entry by entry do, and from which
// counting entry by entry goes on.
TEST_F(CountedIndexTest, IndexesCountedAtTheEndAnswerEveryRankAndGrowOnFromThere) {
  const std::vector<std::string> prefixes{"p\x01", "q\x01", "q\x02", "r\x01"};
  std::uint32_t seed = 31;
  for (const std::uint32_t fanout : {2u, 3u, 64u}) {
    ASSERT_TRUE(clear_read_model({store_->db(), cf()}).has_value());
    Model model;
    UncountedIndexes later(fanout);
    run(model, ++seed, 4000, 30, 250, fanout, prefixes, nullptr, &later);
    EXPECT_TRUE(stored_trees().empty()) << "nothing counted while written";
    rocksdb::WriteBatch trees;
    auto counted = count_uncounted(store_->db(), cf(), later, trees);
    ASSERT_TRUE(counted.has_value()) << counted.error();
    ASSERT_TRUE(store_->db()->Write({}, &trees).ok());
    std::uint64_t big = 0;
    for (const auto& [prefix, suffixes] : model)
      big += suffixes.size() > uncounted_most_for(fanout);
    EXPECT_EQ(counted->trees, big) << "fanout " << fanout;
    expect_matches(model, fanout);
    run(model, ++seed, 3000, 45, 100, fanout, prefixes);
    expect_matches(model, fanout);
  }
}

TEST_F(CountedIndexTest, AnIndexCountedAtTheEndIsPacked) {
  auto batch = std::make_unique<ReadModelBatch>(store_->db(), cf());
  UncountedIndexes later;
  batch->count_later(&later);
  char suffix[8];
  for (int i = 0; i < 10'000; ++i) {
    std::snprintf(suffix, sizeof suffix, "%05d", i);
    ASSERT_TRUE(put_new_counted(*batch, "i\x01", suffix, "v").has_value());
  }
  ASSERT_TRUE(batch->commit().has_value());
  rocksdb::WriteBatch trees;
  ASSERT_TRUE(count_uncounted(store_->db(), cf(), later, trees).has_value());
  ASSERT_TRUE(store_->db()->Write({}, &trees).ok());
  // 157 lowest nodes of 64 entries (the last of 16), under 3 of 64, 64 and 29 nodes.
  std::string bytes;
  ASSERT_TRUE(store_->db()->Get({}, cf(), count_tree_key("i\x01"), &bytes).ok());
  const auto root = decode_tree_root(bytes);
  ASSERT_TRUE(root.has_value());
  EXPECT_EQ(root->height, 3u);
  EXPECT_EQ(root->counts.entries, 10'000u);
  EXPECT_EQ(root->counts.children, 3u);
  std::map<int, std::vector<std::uint64_t>> children;  // by level
  for (const auto& [key, value] : stored_trees()) {
    if (key == count_tree_key("i\x01")) continue;
    children[key[count_tree_key("i\x01").size()]].push_back(
        decode_tree_node(value)->counts.children);
  }
  ASSERT_EQ(children[1].size(), 157u);
  EXPECT_EQ(std::count(children[1].begin(), children[1].end(), 64u), 156);
  EXPECT_EQ(children[2].size(), 3u);
  const auto check = check_counted_indexes(store_->db(), cf(), {});
  EXPECT_TRUE(check.ok()) << check.problem;
}

TEST_F(CountedIndexTest, ErasingEverythingLeavesNoTree) {
  std::mt19937 rng(3);
  std::vector<std::string> suffixes;
  ReadModelBatch batch(store_->db(), cf());
  for (int i = 0; i < 200; ++i) {
    suffixes.push_back(random_suffix(rng) + std::to_string(i));
    ASSERT_TRUE(put_counted(batch, "p\x01", suffixes.back(), "", 3).has_value());
  }
  ASSERT_TRUE(batch.commit().has_value());
  std::shuffle(suffixes.begin(), suffixes.end(), rng);
  for (const auto& s : suffixes) ASSERT_TRUE(erase_counted(batch, "p\x01", s, 3).has_value());
  ASSERT_TRUE(batch.commit().has_value());
  for (const auto& [key, value] : dump("organizations")) {
    EXPECT_NE(key.front(), '~') << "a count-tree key outlived its entries";
    EXPECT_NE(key.front(), 'p') << "an entry outlived its erase";
  }
}

TEST_F(CountedIndexTest, TheSameOperationsGiveTheSameBytesHoweverTheyAreCommitted) {
  const std::vector<std::string> prefixes{"x\x01", "y\x01"};
  Model once, again;
  run(once, 5, 1000, 40, 1, 3, prefixes);
  const auto one_by_one = dump("organizations");
  ASSERT_TRUE(clear_read_model({store_->db(), cf()}).has_value());
  run(again, 5, 1000, 40, 1000, 3, prefixes);
  EXPECT_EQ(dump("organizations"), one_by_one);
}

// What a creation writes without reads (start_counted for a new index's first entry,
// put_new_counted for a new entry of any index) is what put_counted writes for the same puts.
TEST_F(CountedIndexTest, PutsOfNewEntriesWriteWhatCheckedPutsWrite) {
  auto write = [&](bool knowing_they_are_new) {
    std::mt19937 rng(11);
    CountTreeCache trees;
    auto batch = std::make_unique<ReadModelBatch>(store_->db(), cf(), &trees);
    std::set<std::string> started;
    for (int i = 0; i < 3000; ++i) {
      const std::string prefix = "p" + std::to_string(rng() % 40) + '\x01';
      const std::string suffix = random_suffix(rng) + std::to_string(i);  // never seen before
      if (!knowing_they_are_new) {
        ASSERT_TRUE(put_counted(*batch, prefix, suffix, "v", 4).has_value());
      } else if (started.insert(prefix).second) {
        start_counted(*batch, prefix, suffix, "v");
      } else {
        ASSERT_TRUE(put_new_counted(*batch, prefix, suffix, "v", 4).has_value());
      }
      if (i % 250 == 0) {
        ASSERT_TRUE(batch->commit().has_value());
        batch = std::make_unique<ReadModelBatch>(store_->db(), cf(), &trees);
      }
    }
    ASSERT_TRUE(batch->commit().has_value());
  };
  write(false);
  const auto checked = dump("organizations");
  ASSERT_TRUE(clear_read_model({store_->db(), cf()}).has_value());
  write(true);
  EXPECT_EQ(dump("organizations"), checked);
  EXPECT_TRUE(check_counted_indexes(store_->db(), cf(), {}, 4).ok());
}

TEST_F(CountedIndexTest, CountsFollowRandomPutsAndErasesThroughTheTreeCache) {
  const std::vector<std::string> prefixes{"x\x01", "y\x01", "yy\x01"};
  Model model;
  CountTreeCache trees;
  run(model, 11, 3000, 25, 97, 2, prefixes, &trees);
  expect_matches(model, 2);
  EXPECT_GT(trees.nodes().size(), 100u) << "grown trees, all mirrored";
  expect_mirrors(trees);
  run(model, 12, 3000, 75, 89, 2, prefixes, &trees);
  expect_matches(model, 2);
  expect_mirrors(trees);
}

TEST_F(CountedIndexTest, TheTreeCacheWritesTheSameBytes) {
  const std::vector<std::string> prefixes{"x\x01", "y\x01"};
  Model direct, cached;
  run(direct, 13, 2000, 40, 50, 3, prefixes);
  const auto expected = dump("organizations");
  ASSERT_TRUE(clear_read_model({store_->db(), cf()}).has_value());
  CountTreeCache trees;
  run(cached, 13, 2000, 40, 50, 3, prefixes, &trees);
  EXPECT_EQ(dump("organizations"), expected);
}

// A rolled-back event's tree changes are gone from the batch, and never reach the mirror.
TEST_F(CountedIndexTest, RollbackUndoesTreeChangesOfTheCache) {
  CountTreeCache trees;
  {
    ReadModelBatch batch(store_->db(), cf(), &trees);
    for (int i = 0; i < 100; ++i) {
      ASSERT_TRUE(put_counted(batch, "r\x01", "k" + std::to_string(i), "", 2).has_value());
    }
    ASSERT_TRUE(batch.commit().has_value());
  }
  const auto committed = stored_trees();
  ASSERT_FALSE(committed.empty());
  ReadModelBatch batch(store_->db(), cf(), &trees);
  batch.save_point();
  ASSERT_TRUE(put_counted(batch, "r\x01", "k100", "", 2).has_value());
  batch.save_point();
  for (int i = 0; i < 60; ++i) {
    ASSERT_TRUE(erase_counted(batch, "r\x01", "k" + std::to_string(i), 2).has_value());
    ASSERT_TRUE(put_counted(batch, "r\x01", "n" + std::to_string(i), "", 2).has_value());
  }
  batch.rollback();  // keeps k100 only
  ASSERT_TRUE(batch.commit().has_value());
  Model model;
  for (int i = 0; i <= 100; ++i) model["r\x01"].insert("k" + std::to_string(i));
  expect_matches(model, 2);
  expect_mirrors(trees);
  EXPECT_NE(stored_trees(), committed) << "k100 was counted";
}

TEST_F(CountedIndexTest, SmallIndexesAreCountedByWalkingThem) {
  const std::string s = "s\x01";
  Model model;
  auto has_tree = [&] {
    std::string root;
    return store_->db()->Get({}, cf(), count_tree_key(s), &root).ok();
  };
  auto step = [&](std::uint64_t i, bool put) {
    ReadModelBatch batch(store_->db(), cf());
    const std::string suffix = std::to_string(100 + i);
    ASSERT_TRUE(put ? put_counted(batch, s, suffix, "") : erase_counted(batch, s, suffix));
    ASSERT_TRUE(batch.commit().has_value());
    put ? (void)model[s].insert(suffix) : (void)model[s].erase(suffix);
    expect_matches(model, kCountedFanout);
  };
  for (std::uint64_t i = 0; i < kUncountedMost; ++i) step(i, true);
  EXPECT_FALSE(has_tree()) << "no tree up to kUncountedMost entries";
  step(kUncountedMost, true);
  EXPECT_TRUE(has_tree()) << "a tree past it";
  for (std::uint64_t i = 0; i < kUncountedMost - kUncountedMost / 2; ++i) step(i, false);
  EXPECT_TRUE(has_tree()) << "kept down to half of it, plus one";
  step(kUncountedMost - kUncountedMost / 2, false);
  EXPECT_FALSE(has_tree()) << "dropped at half of it";
  for (auto suffix : std::set<std::string>(model[s])) step(std::stoull(suffix) - 100, false);
  EXPECT_TRUE(model[s].empty());
}

TEST_F(CountedIndexTest, CheckFindsACountThatDrifted) {
  const std::string q = "q\x01";
  const std::string r = "r\x01";
  ReadModelBatch batch(store_->db(), cf());
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(put_counted(batch, q, std::to_string(i), "", 2));
  // Written around the counting: the tree does not know this entry.
  batch.put(q + "zz", "");
  ASSERT_TRUE(batch.commit().has_value());
  EXPECT_FALSE(check_counted_indexes(store_->db(), cf(), {}, 2).ok());
  EXPECT_FALSE(check_counted_index(store_->db(), cf(), {}, q, 2).ok());
  for (std::uint64_t i = 0; i <= uncounted_most_for(2); ++i) batch.put(r + std::to_string(i), "");
  ASSERT_TRUE(batch.commit().has_value());
  const auto untracked = check_counted_index(store_->db(), cf(), {}, r, 2);
  EXPECT_NE(untracked.problem.find("no count tree"), std::string::npos) << untracked.problem;
}

TEST_F(CountedIndexTest, CheckFindsANodeThatMiscounts) {
  const std::string q = "q\x01";
  ReadModelBatch batch(store_->db(), cf());
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(put_counted(batch, q, std::to_string(i), "", 2));
  ASSERT_TRUE(batch.commit().has_value());
  ASSERT_TRUE(check_counted_index(store_->db(), cf(), {}, q, 2).ok());
  const std::string tree = count_tree_key(q);
  std::string node_key;
  for (const auto& [key, value] : dump("organizations")) {
    if (key.starts_with(tree) && key.size() > tree.size()) node_key = key;
  }
  ASSERT_FALSE(node_key.empty()) << "a tree of several levels";
  std::string bytes;
  ASSERT_TRUE(store_->db()->Get({}, cf(), node_key, &bytes).ok());
  auto node = decode_tree_node(bytes);
  ASSERT_TRUE(node.has_value());
  ++node->counts.entries;
  ASSERT_TRUE(store_->db()->Put({}, cf(), node_key, encode_tree_node(*node)).ok());
  const auto check = check_counted_index(store_->db(), cf(), {}, q, 2);
  EXPECT_NE(check.problem.find("entries"), std::string::npos) << check.problem;
}

// Page numbers and cursors walk the same entries, forward and backward, in a range and not.
TEST_F(CountedIndexTest, PagesByNumberEqualPagesByCursor) {
  ReadModelBatch batch(store_->db(), cf());
  std::set<std::string> names;
  std::mt19937 rng(5);
  for (int i = 0; i < 700; ++i) {
    const std::string name = std::string(1, "abc"[rng() % 3]) + std::to_string(rng() % 100000);
    names.insert(name);
    ASSERT_TRUE(put_counted(batch, "n\x01", name, name).has_value());
  }
  ASSERT_TRUE(batch.commit().has_value());
  for (const std::string within : {"", "b", "c9"}) {
    std::vector<std::string> expected;
    for (const auto& n : names) {
      if (n.starts_with(within)) expected.push_back(n);
    }
    for (bool descending : {false, true}) {
      if (descending) std::reverse(expected.begin(), expected.end());
      for (std::uint64_t size : {1u, 7u, 20u}) {
        std::vector<std::string> by_number, by_cursor;
        std::string cursor;
        for (std::uint64_t page = 1;; ++page) {
          auto numbered = read_index_page(store_->db(), cf(), {},
                                          {"n\x01", within, descending, page, size, {}});
          ASSERT_TRUE(numbered.has_value());
          EXPECT_EQ(numbered->total, expected.size());
          by_number.insert(by_number.end(), numbered->ids.begin(), numbered->ids.end());
          if (numbered->ids.empty()) break;
          if (page > 1) {
            auto cursored = read_index_page(store_->db(), cf(), {},
                                            {"n\x01", within, descending, 1, size, cursor});
            ASSERT_TRUE(cursored.has_value());
            EXPECT_EQ(cursored->ids, numbered->ids) << "page " << page;
            EXPECT_EQ(cursored->page, page);
            by_cursor.insert(by_cursor.end(), cursored->ids.begin(), cursored->ids.end());
          } else {
            by_cursor = numbered->ids;
          }
          cursor = numbered->next_cursor;
          EXPECT_EQ(cursor.empty(), by_number.size() == expected.size()) << "page " << page;
        }
        EXPECT_EQ(by_number, expected) << "within '" << within << "' size " << size;
        EXPECT_EQ(by_cursor, expected);
      }
    }
  }
  auto far = read_index_page(store_->db(), cf(), {}, {"n\x01", {}, false, UINT64_MAX, 20, {}});
  ASSERT_TRUE(far.has_value());
  EXPECT_TRUE(far->ids.empty());
  EXPECT_TRUE(far->next_cursor.empty());
}

// A page asked for a third time at one snapshot comes from the memory of pages, and is the
// page walked: by number and by cursor, forward and backward, in a range and not. A write
// moves the snapshot's sequence number, and the next page is walked again.
TEST_F(CountedIndexTest, RememberedPagesAreThePagesWalked) {
  ReadModelBatch batch(store_->db(), cf());
  for (int i = 0; i < 500; ++i) {
    const std::string name = std::string(1, "ab"[i % 2]) + std::to_string(i * 7919 % 1000);
    ASSERT_TRUE(put_counted(batch, "n\x01", name, name).has_value());
  }
  ASSERT_TRUE(batch.commit().has_value());
  const RowsAtSnapshot pages(64, Admission::second_offer);
  auto read = [&](const IndexPageRequest& request, const RowsAtSnapshot* memory) {
    rocksdb::ManagedSnapshot snapshot(store_->db());
    rocksdb::ReadOptions at_snapshot;
    at_snapshot.snapshot = snapshot.snapshot();
    auto page = read_index_page(store_->db(), cf(), at_snapshot, request, {.pages = memory});
    EXPECT_TRUE(page.has_value());
    return page.value_or(IndexPage{});
  };
  auto cursor_of = [&](std::uint64_t page, bool descending) {
    return read({"n\x01", "b", descending, page, 7, {}}, nullptr).next_cursor;
  };
  std::vector<IndexPageRequest> requests{{"n\x01", {}, false, 1, 20, {}},
                                         {"n\x01", {}, true, 9, 20, {}},
                                         {"n\x01", "b", false, 3, 7, {}},
                                         {"n\x01", "b", true, 1, 7, cursor_of(2, true)},
                                         {"n\x01", "b", false, 1, 7, cursor_of(4, false)},
                                         {"n\x01", {}, false, 400, 20, {}}};
  for (const auto& request : requests) {
    const IndexPage walked = read(request, nullptr);
    for (int ask = 0; ask < 3; ++ask) {
      const IndexPage page = read(request, &pages);
      EXPECT_EQ(page.ids, walked.ids) << "ask " << ask;
      EXPECT_EQ(page.page, walked.page);
      EXPECT_EQ(page.total, walked.total);
      EXPECT_EQ(page.next_cursor, walked.next_cursor);
    }
  }
  EXPECT_EQ(pages.hits(), requests.size()) << "each request's third ask, and only that";

  ReadModelBatch more(store_->db(), cf());
  ASSERT_TRUE(put_counted(more, "n\x01", "a", "a").has_value());
  ASSERT_TRUE(more.commit().has_value());
  const IndexPage after = read(requests.front(), &pages);
  EXPECT_EQ(pages.hits(), requests.size()) << "another snapshot";
  EXPECT_EQ(after.ids.front(), "a");
  EXPECT_EQ(after.total, 501u);
}

TEST(IndexPageEncoding, RoundTripsAndRefusesTruncatedBytes) {
  const IndexPage page{{"id-1", "", std::string("\0x", 2)}, 7, 1234, "cafe"};
  const std::string bytes = encode_index_page(page);
  const auto decoded = decode_index_page(bytes);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->ids, page.ids);
  EXPECT_EQ(decoded->page, 7u);
  EXPECT_EQ(decoded->total, 1234u);
  EXPECT_EQ(decoded->next_cursor, "cafe");
  for (std::size_t cut = 1; cut < bytes.size(); ++cut) {
    const auto truncated = decode_index_page(std::string_view(bytes).substr(0, bytes.size() - cut));
    if (truncated) {
      EXPECT_NE(truncated->ids, page.ids) << "cut " << cut;
    }
  }
  EXPECT_FALSE(decode_index_page("short").has_value());
}

}  // namespace
}  // namespace orgd::projections::testing
