// Reading the log and streams back, and reporting stored bytes that do not decode.

#include "eventstore/log_reader.hpp"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "eventstore/column_families.hpp"
#include "eventstore/envelope_codec.hpp"
#include "eventstore/key_encoding.hpp"
#include "store_fixture.hpp"

namespace orgd::eventstore::testing {
namespace {

class LogReaderTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    // a1 a2 b1 a3 b2
    ASSERT_TRUE(append(append_to("a", ExpectedVersion::any(), 2)));
    ASSERT_TRUE(append(append_to("b", ExpectedVersion::any())));
    ASSERT_TRUE(append(append_to("a", ExpectedVersion::any())));
    ASSERT_TRUE(append(append_to("b", ExpectedVersion::any())));
  }
};

TEST_F(LogReaderTest, ReadsAStreamFromAVersion) {
  EXPECT_EQ(positions(*store_->read_stream("a")), (std::vector<std::uint64_t>{1, 2, 4}));
  EXPECT_EQ(positions(*store_->read_stream("a", 2)), (std::vector<std::uint64_t>{2, 4}));
  EXPECT_EQ(positions(*store_->read_stream("a", 0)), (std::vector<std::uint64_t>{1, 2, 4}));
  EXPECT_EQ(positions(*store_->read_stream("a", 1, 2)), (std::vector<std::uint64_t>{1, 2}));
  EXPECT_TRUE(store_->read_stream("a", 4)->empty());
  EXPECT_TRUE(store_->read_stream("missing")->empty());
  const auto b = *store_->read_stream("b");
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[1].version, 2u);
}

TEST_F(LogReaderTest, ReadsTheLogFromAPosition) {
  EXPECT_EQ(positions(*store_->read_all(0, SIZE_MAX)), (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(positions(*store_->read_all(1, 2)), (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(positions(*store_->read_all(4, 10)), (std::vector<std::uint64_t>{4, 5}));
  EXPECT_TRUE(store_->read_all(6, 10)->empty());
  EXPECT_TRUE(store_->read_all(1, 0)->empty());
}

TEST_F(LogReaderTest, BytesThatDoNotDecodeAreCorruptionNamingThePosition) {
  ASSERT_TRUE(store_->db()
                  ->Put(rocksdb::WriteOptions(), store_->column_family(kEventsCf), event_key(2),
                        "garbage that is long enough to hold a hash, but is not an envelope")
                  .ok());
  const auto log = store_->read_all(0, SIZE_MAX);
  ASSERT_FALSE(log);
  EXPECT_EQ(log.error().code, StoreErrorCode::corruption);
  EXPECT_NE(log.error().message.find("position 2"), std::string::npos) << log.error().message;
  const auto stream = store_->read_stream("a");
  ASSERT_FALSE(stream);
  EXPECT_EQ(stream.error().code, StoreErrorCode::corruption);
  EXPECT_TRUE(store_->read_all(3, 10)) << "the rest of the log is still readable";
}

TEST_F(LogReaderTest, AnEnvelopeUnderAnotherPositionIsCorruption) {
  const auto third = *store_->read_all(3, 1);
  Envelope moved = third[0];
  std::string value = seal_envelope(moved, Hash{});
  ASSERT_TRUE(
      store_->db()
          ->Put(rocksdb::WriteOptions(), store_->column_family(kEventsCf), event_key(4), value)
          .ok());
  const auto log = store_->read_all(4, 1);
  ASSERT_FALSE(log);
  EXPECT_EQ(log.error().code, StoreErrorCode::corruption);
  EXPECT_NE(log.error().message.find("position 4"), std::string::npos) << log.error().message;
}

}  // namespace
}  // namespace orgd::eventstore::testing
