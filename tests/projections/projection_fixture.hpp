#pragma once
// A real store in a temp directory with the projections' column families, and a way to append
// domain events to it directly (no HTTP, no rules: the projections must cope with the log).

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/utilities/checkpoint.h>

#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "domain/event_codec.hpp"
#include "eventstore/store.hpp"
#include "projections/count_tree_cache.hpp"
#include "projections/counted_index.hpp"
#include "projections/counted_index_layout.hpp"
#include "projections/projection_runner.hpp"

namespace orgd::projections::testing {

class ProjectionTest : public ::testing::Test {
 public:  // free helper functions of the tests use them too
  void SetUp() override {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("orgd-proj-" + std::to_string(rd()) + std::to_string(rd()));
    open();
  }
  void TearDown() override {
    runner_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
    std::filesystem::remove_all(crash_copy_path());  // left by a test that failed midway
  }
  void open() {
    eventstore::StoreOptions options;
    options.data_dir = dir_;
    options.env = env_;
    options.extra_column_families = projection_column_families();
    auto store = eventstore::Store::open(options);
    ASSERT_TRUE(store.has_value()) << store.error().message;
    store_ = std::move(*store);
  }
  void start_runner() {
    auto runner = ProjectionRunner::start(*store_, make_projections());
    ASSERT_TRUE(runner.has_value()) << runner.error();
    runner_ = std::move(*runner);
  }
  // Blocks until every projection applied the head (or one stopped).
  bool wait_applied() {
    std::promise<bool> done;
    runner_->when_applied(store_->head_position(), [&](bool ok) { done.set_value(ok); });
    return done.get_future().get();
  }

  std::uint64_t append(const std::string& stream, std::vector<domain::Event> events,
                       std::string actor = "tester") {
    eventstore::AppendRequest request;
    request.actor = std::move(actor);
    request.correlation_id = "test";
    eventstore::StreamAppend entry{stream, eventstore::ExpectedVersion::any(), {}};
    for (const auto& e : events) {
      auto encoded = domain::encode_event(e);
      entry.events.push_back({encoded.type, encoded.schema_version, encoded.payload});
    }
    request.streams.push_back(std::move(entry));
    auto result = store_->append(std::move(request));
    EXPECT_TRUE(result.has_value()) << (result ? "" : result.error().message);
    return result ? result->last_position : 0;
  }

  // Every key and value of a column family.
  std::map<std::string, std::string> dump(std::string_view cf_name) {
    std::map<std::string, std::string> all;
    std::unique_ptr<rocksdb::Iterator> it(
        store_->db()->NewIterator(rocksdb::ReadOptions(), store_->column_family(cf_name)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) all[it->key().ToString()] = it->value().ToString();
    return all;
  }

  // The same without the count trees: a replay into an empty read model builds them packed,
  // not as the live runner grew them (uncounted_indexes.hpp), so tests compare them by what
  // they count (tree_totals).
  std::map<std::string, std::string> dump_entries(std::string_view cf_name) {
    auto all = dump(cf_name);
    std::erase_if(all, [](const auto& entry) { return CountTreeCache::is_tree_key(entry.first); });
    return all;
  }
  // Each count tree's root key and the entries it counts.
  std::map<std::string, std::uint64_t> tree_totals(std::string_view cf_name) {
    std::map<std::string, std::uint64_t> totals;
    for (const auto& [key, value] : dump(cf_name)) {
      if (!prefix_of_tree_root(key)) continue;
      const auto root = decode_tree_root(value);
      EXPECT_TRUE(root.has_value()) << "an unreadable root";
      totals[key] = root ? root->counts.entries : 0;
    }
    return totals;
  }
  // Trees counting the same entries: every tree of `grown` (entry by entry) that counts more
  // than kUncountedMost entries is in `replayed` with the same count, and every tree of
  // `replayed` is in `grown` (the live writer keeps a tree for an index that shrank).
  static void expect_same_counts(const std::map<std::string, std::uint64_t>& grown,
                                 const std::map<std::string, std::uint64_t>& replayed,
                                 const std::string& cf) {
    for (const auto& [root, entries] : replayed) {
      const auto live = grown.find(root);
      ASSERT_NE(live, grown.end()) << cf << ": a tree the live read model lacks";
      EXPECT_EQ(live->second, entries) << cf;
    }
    for (const auto& [root, entries] : grown) {
      if (entries > kUncountedMost) {
        EXPECT_EQ(replayed.count(root), 1u) << cf << ": a replay lacks a tree of " << entries;
      }
    }
  }

  std::filesystem::path crash_copy_path() const {
    auto copy = dir_;
    copy += "-crash";
    return copy;
  }
  // A copy of the data directory as a crash now would leave it: the table files and the WAL as
  // they are, no memtable flushed.
  std::filesystem::path crash_copy() {
    const auto copy = crash_copy_path();
    rocksdb::Checkpoint* raw = nullptr;
    EXPECT_TRUE(rocksdb::Checkpoint::Create(store_->db(), &raw).ok());
    std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
    EXPECT_TRUE(checkpoint->CreateCheckpoint(copy.string(), UINT64_MAX).ok());
    return copy;
  }
  // Stops, takes `copy` as the data directory and opens the store there (no runner).
  void reopen_from(const std::filesystem::path& copy) {
    runner_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
    std::filesystem::rename(copy, dir_);
    open();
  }
  // Stops, takes `copy` as the data directory, starts there and stops once caught up.
  void restart_from(const std::filesystem::path& copy) {
    reopen_from(copy);
    start_runner();
    ASSERT_TRUE(wait_applied());
    runner_.reset();
  }

  std::filesystem::path dir_;
  std::shared_ptr<rocksdb::Env> env_;  // the store's at the next open(); null: the default
  std::unique_ptr<eventstore::Store> store_;
  std::unique_ptr<ProjectionRunner> runner_;
};

inline domain::OrganizationCreated created(std::string id, std::string name,
                                           std::string parent = "", std::string status = "active") {
  return {id, name, "", parent, status, "", "", "", "free"};
}

}  // namespace orgd::projections::testing
