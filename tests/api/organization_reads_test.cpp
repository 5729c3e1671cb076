#include "api/organization_reads.hpp"

#include <gtest/gtest.h>

#include "api/representations.hpp"
#include "domain/organization/organization.hpp"
#include "tests/projections/projection_fixture.hpp"

namespace orgd::api {
namespace {

using projections::testing::created;
using projections::testing::ProjectionTest;

// A real store and projection runner; the position the cache is told is the test's own, so a
// test can change the read model without moving it (and see whether the cache read again).
class OrganizationReadsTest : public ProjectionTest {
 protected:
  void SetUp() override {
    ProjectionTest::SetUp();
    append(domain::organization_stream("a"), {created("a", "Alpha")});
    start_runner();
    ASSERT_TRUE(wait_applied());
    queries_.emplace(*store_);
    reads_.emplace(*queries_, [this] { return position_; });
  }

  void rename_a(std::string name) {
    append(domain::organization_stream("a"),
           {domain::OrganizationUpdated{std::move(name), "", "", "active", "", "", ""}});
    ASSERT_TRUE(wait_applied());
  }

  std::string name_read(const OrganizationReads& reads, const std::string& id) {
    auto found = reads.read(id);
    EXPECT_TRUE(found.has_value());
    if (!found || !*found) return "<none>";
    return (*found)->row.name;
  }

  std::optional<std::uint64_t> position_{1};
  std::optional<projections::OrganizationQueries> queries_;  // over the store SetUp opens
  std::optional<OrganizationReads> reads_;
};

TEST_F(OrganizationReadsTest, AnswersWithTheRowItsJsonAndItsEtag) {
  auto found = reads_->read("a");
  ASSERT_TRUE(found.has_value() && *found);
  auto row = queries_->get("a");
  ASSERT_TRUE(row.has_value() && *row);
  EXPECT_EQ((*found)->row.name, "Alpha");
  EXPECT_EQ((*found)->body, organization_body(**row));
  EXPECT_EQ((*found)->etag, etag_of((*row)->version));
}

TEST_F(OrganizationReadsTest, RemembersTheRowWhileThePositionStays) {
  EXPECT_EQ(name_read(*reads_, "a"), "Alpha");
  rename_a("Renamed");
  EXPECT_EQ(name_read(*reads_, "a"), "Alpha") << "the position did not move: the same answer";
  position_ = 2;
  EXPECT_EQ(name_read(*reads_, "a"), "Renamed") << "the position moved: read again";
  auto found = reads_->read("a");
  ASSERT_TRUE(found.has_value() && *found);
  EXPECT_NE((*found)->body.find("\"Renamed\""), std::string::npos) << "the JSON is the new row's";
}

TEST_F(OrganizationReadsTest, RemembersNothingWithoutAPosition) {
  position_ = std::nullopt;  // a projection stopped
  EXPECT_EQ(name_read(*reads_, "a"), "Alpha");
  rename_a("Renamed");
  EXPECT_EQ(name_read(*reads_, "a"), "Renamed");
}

TEST_F(OrganizationReadsTest, RemembersNoAbsentOrganization) {
  EXPECT_EQ(name_read(*reads_, "b"), "<none>");
  append(domain::organization_stream("b"), {created("b", "Beta")});
  ASSERT_TRUE(wait_applied());
  EXPECT_EQ(name_read(*reads_, "b"), "Beta") << "an absent row is read again, position or not";
}

}  // namespace
}  // namespace orgd::api
