// The idempotency records' layout and their column family in a real store.

#include "api/idempotency_records.hpp"

#include <gtest/gtest.h>

#include "eventstore/store.hpp"
#include "tests/eventstore/store_fixture.hpp"

namespace orgd::api {
namespace {

IdempotencyRecord sample() {
  IdempotencyRecord record;
  record.digest.fill(0xab);
  record.created_ms = 1'700'000'000'123;
  record.status = 201;
  record.content_type = "application/json";
  record.headers = {{"ETag", "\"1\""}, {"Location", "/api/v1/organizations/x"}};
  record.body = std::string("{\"name\":\"a\0b\"}", 14);
  return record;
}

TEST(IdempotencyRecordCodec, RoundTrips) {
  EXPECT_EQ(decode_idempotency_record(encode_idempotency_record(sample())), sample());
  EXPECT_EQ(decode_idempotency_record(encode_idempotency_record({})), IdempotencyRecord{});
}

TEST(IdempotencyRecordCodec, RejectsTruncatedExtendedAndOtherVersions) {
  const std::string bytes = encode_idempotency_record(sample());
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    EXPECT_FALSE(decode_idempotency_record(bytes.substr(0, size))) << "truncated to " << size;
  }
  EXPECT_FALSE(decode_idempotency_record(bytes + "x"));
  std::string other = bytes;
  other[0] = 2;
  EXPECT_FALSE(decode_idempotency_record(other));
}

class IdempotencyRecordsStore : public ::testing::Test {
 protected:
  void open(bool with_family) {
    store_.reset();
    eventstore::StoreOptions options;
    options.data_dir = dir_.path();
    if (with_family) options.extra_column_families = {std::string(kIdempotencyColumnFamily)};
    auto store = eventstore::Store::open(options);
    ASSERT_TRUE(store.has_value()) << store.error().message;
    store_ = std::move(*store);
  }
  eventstore::testing::TempDir dir_;
  std::unique_ptr<eventstore::Store> store_;  // declared after dir_: closed before its removal
};

TEST_F(IdempotencyRecordsStore, SavesFindsAndErasesPerCallerAndKey) {
  open(true);
  auto records = IdempotencyRecords::open(*store_);
  ASSERT_TRUE(records.has_value()) << records.error().message;
  ASSERT_TRUE(records->save("caller-a", "k", sample()).has_value());
  auto found = records->find("caller-a", "k");
  ASSERT_TRUE(found.has_value());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, sample());
  EXPECT_FALSE(records->find("caller-b", "k")->has_value()) << "another caller's key";
  EXPECT_FALSE(records->find("caller-a", "k2")->has_value());

  open(true);  // durable across a reopen
  records = IdempotencyRecords::open(*store_);
  ASSERT_TRUE(records.has_value());
  EXPECT_TRUE(records->find("caller-a", "k")->has_value());
  ASSERT_TRUE(records->erase("caller-a", "k").has_value());
  EXPECT_FALSE(records->find("caller-a", "k")->has_value());
}

// Sweeps look at a few records each, from where the last one stopped and round again, and
// drop those whose window ended: the expired go, the others stay.
TEST_F(IdempotencyRecordsStore, SweepsDropExpiredRecordsAFewAtATime) {
  open(true);
  auto records = IdempotencyRecords::open(*store_);
  ASSERT_TRUE(records.has_value()) << records.error().message;
  IdempotencyRecord old_record = sample();
  old_record.created_ms = 1'000;
  IdempotencyRecord new_record = sample();
  new_record.created_ms = 9'000;
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(records->save("caller", "old-" + std::to_string(i), old_record).has_value());
  }
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(records->save("caller", "new-" + std::to_string(i), new_record).has_value());
  }
  std::size_t deleted = 0;
  for (int sweep = 0; sweep < 3; ++sweep) {
    const auto swept = records->sweep(5'000, 8);
    ASSERT_TRUE(swept.has_value()) << swept.error().message;
    EXPECT_LE(*swept, 8u);
    deleted += *swept;
  }
  EXPECT_EQ(deleted, 20u) << "23 records, 24 looked at: every expired one";
  EXPECT_EQ(records->sweep(5'000, 8).value(), 0u) << "round again: nothing left to drop";
  for (int i = 0; i < 20; ++i) {
    EXPECT_FALSE(records->find("caller", "old-" + std::to_string(i))->has_value()) << i;
  }
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(records->find("caller", "new-" + std::to_string(i))->has_value()) << i;
  }
  EXPECT_EQ(records->sweep(9'000, 8).value(), 3u) << "a record created at the bound has expired";
}

TEST_F(IdempotencyRecordsStore, OpenWithoutTheColumnFamilyIsAnError) {
  open(false);
  auto records = IdempotencyRecords::open(*store_);
  ASSERT_FALSE(records.has_value());
  EXPECT_EQ(records.error().code, eventstore::StoreErrorCode::invalid_argument);
}

}  // namespace
}  // namespace orgd::api
