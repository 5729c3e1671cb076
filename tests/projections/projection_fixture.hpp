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
  // Stops, takes `copy` as the data directory, starts there and stops once caught up.
  void restart_from(const std::filesystem::path& copy) {
    runner_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
    std::filesystem::rename(copy, dir_);
    open();
    start_runner();
    ASSERT_TRUE(wait_applied());
    runner_.reset();
  }

  std::filesystem::path dir_;
  std::unique_ptr<eventstore::Store> store_;
  std::unique_ptr<ProjectionRunner> runner_;
};

inline domain::OrganizationCreated created(std::string id, std::string name,
                                           std::string parent = "", std::string status = "active") {
  return {id, name, "", parent, status, "", "", "", "free"};
}

}  // namespace orgd::projections::testing
