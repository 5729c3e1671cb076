#include "projections/rows_at_snapshot.hpp"

#include <gtest/gtest.h>

#include "domain/organization/organization.hpp"
#include "projections/organization_document.hpp"
#include "projections/organization_queries.hpp"
#include "projections/organizations_projection.hpp"
#include "tests/projections/projection_fixture.hpp"

namespace orgd::projections::testing {
namespace {

TEST(RowsAtSnapshot, AnswersOnlyAtTheVersionARowWasRememberedAt) {
  RowsAtSnapshot rows(8);
  rows.remember("k", {1, 7}, "seven");
  const std::vector<std::string> keys{"k", "other"};
  auto found = rows.find(keys, {1, 7});
  EXPECT_EQ(found.at(0), "seven");
  EXPECT_FALSE(found.at(1).has_value());
  EXPECT_FALSE(rows.find(keys, {1, 8}).at(0).has_value()) << "another checkpoint";
  EXPECT_FALSE(rows.find(keys, {2, 7}).at(0).has_value()) << "another column family";
  rows.remember("k", {1, 8}, "eight");
  EXPECT_EQ(rows.find(keys, {1, 8}).at(0), "eight");
  EXPECT_FALSE(rows.find(keys, {1, 7}).at(0).has_value()) << "one version per key";
}

TEST(RowsAtSnapshot, ForgetsEverythingWhenFull) {
  RowsAtSnapshot rows(2);
  rows.remember("a", {1, 1}, "A");
  rows.remember("b", {1, 1}, "B");
  rows.remember("b", {1, 1}, "B again");  // not a new key: nothing forgotten
  EXPECT_EQ(rows.find(std::vector<std::string>{"a"}, {1, 1}).at(0), "A");
  rows.remember("c", {1, 1}, "C");
  const auto found = rows.find(std::vector<std::string>{"a", "b", "c"}, {1, 1});
  EXPECT_FALSE(found.at(0).has_value());
  EXPECT_FALSE(found.at(1).has_value());
  EXPECT_EQ(found.at(2), "C");
}

TEST(RowsAtSnapshot, SharesARowItRemembersOnlyAtItsVersion) {
  RowsAtSnapshot rows(8);
  auto run = std::make_shared<const std::string>(std::string(8192, 'n'));
  rows.remember_shared("run", {1, 7}, run);
  const auto found = rows.find_shared("run", {1, 7});
  EXPECT_EQ(found.get(), run.get()) << "the same bytes, not a copy";
  EXPECT_EQ(rows.find_shared("run", {1, 8}), nullptr) << "another checkpoint";
  EXPECT_EQ(rows.find_shared("other", {1, 7}), nullptr);
  EXPECT_EQ(rows.find(std::string("run"), {1, 7}), *run) << "and copied by find";
  EXPECT_EQ(rows.hits(), 2u);
}

TEST(RowsAtSnapshot, ForgetsEverythingPastItsBytesAndNeverKeepsARowLargerThanThem) {
  RowsAtSnapshot rows(100, Admission::first_offer, 10);
  rows.remember("a", {1, 1}, "aaaa");
  rows.remember("b", {1, 1}, "bbbb");
  rows.remember("b", {1, 1}, "bbbbbb");  // replaces its 4 bytes: 10 in all, still within
  EXPECT_EQ(rows.find(std::vector<std::string>{"a"}, {1, 1}).at(0), "aaaa");
  rows.remember("c", {1, 1}, "c");  // 11 bytes: everything else is forgotten
  auto found = rows.find(std::vector<std::string>{"a", "b", "c"}, {1, 1});
  EXPECT_FALSE(found.at(0).has_value());
  EXPECT_FALSE(found.at(1).has_value());
  EXPECT_EQ(found.at(2), "c");
  rows.remember("d", {1, 1}, "ddddddddddd");  // 11 bytes alone: never kept, nothing forgotten
  found = rows.find(std::vector<std::string>{"c", "d"}, {1, 1});
  EXPECT_EQ(found.at(0), "c");
  EXPECT_FALSE(found.at(1).has_value());
}

TEST(RowsAtSnapshot, OnSecondOfferKeepsARowOfferedTwiceAtOneVersion) {
  RowsAtSnapshot rows(8, Admission::second_offer);
  const std::vector<std::string> key{"k"};
  rows.remember("k", {1, 7}, "seven");
  EXPECT_FALSE(rows.find(key, {1, 7}).at(0).has_value()) << "offered once";
  rows.remember("k", {1, 8}, "eight");
  EXPECT_FALSE(rows.find(key, {1, 8}).at(0).has_value()) << "once at this version";
  rows.remember("k", {1, 8}, "eight");
  EXPECT_EQ(rows.find(key, {1, 8}).at(0), "eight");
}

class RememberedListingRows : public ProjectionTest {
 protected:
  void SetUp() override {
    ProjectionTest::SetUp();
    append(domain::organization_stream("a"), {created("a", "Alpha")});
    append(domain::organization_stream("b"), {created("b", "Beta")});
    start_runner();
    ASSERT_TRUE(wait_applied());
  }

  static std::vector<std::string> names(const OrganizationQueries& queries) {
    auto page = queries.list({});
    EXPECT_TRUE(page.has_value());
    std::vector<std::string> out;
    if (page) {
      for (const auto& row : page->rows) out.push_back(row.name);
    }
    return out;
  }
};

TEST_F(RememberedListingRows, APageAskedTwiceIsRememberedAndNotReadAgain) {
  OrganizationQueries queries(*store_);
  EXPECT_EQ(names(queries), (std::vector<std::string>{"Alpha", "Beta"}));
  EXPECT_EQ(names(queries), (std::vector<std::string>{"Alpha", "Beta"}));
  EXPECT_EQ(queries.remembered_rows().hits(), 0u) << "kept only on the second read";
  EXPECT_EQ(names(queries), (std::vector<std::string>{"Alpha", "Beta"}));
  EXPECT_EQ(queries.remembered_rows().hits(), 2u) << "both rows came from memory";
  EXPECT_EQ(queries.remembered_pages().hits(), 1u) << "and the page's ids";
}

TEST_F(RememberedListingRows, AnyWriteMovesTheSnapshotAndTheRowsAreReadAgain) {
  OrganizationQueries queries(*store_);
  for (int read = 0; read < 2; ++read) {  // remembered from the second read
    EXPECT_EQ(names(queries), (std::vector<std::string>{"Alpha", "Beta"}));
  }
  append(domain::organization_stream("a"),
         {domain::OrganizationUpdated{"Aleph", "described", "", "active", "", "", ""}});
  ASSERT_TRUE(wait_applied());
  auto page = queries.list({});
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->rows.size(), 2u);
  EXPECT_EQ(page->rows[0].name, "Aleph");
  EXPECT_EQ(page->rows[0].description, "described");
  EXPECT_EQ(page->rows[0].version, 2u);
  EXPECT_EQ(queries.remembered_rows().hits(), 0u) << "the unchanged Beta was read again too";
  EXPECT_EQ(queries.remembered_pages().hits(), 0u);
}

TEST_F(RememberedListingRows, DocumentPagesHoldTheListedOrganizationsDocuments) {
  OrganizationQueries queries(*store_);
  for (int read = 0; read < 3; ++read) {  // read, kept, then answered from memory
    auto documents = queries.list_documents({});
    auto decoded = queries.list({});
    ASSERT_TRUE(documents.has_value() && decoded.has_value());
    ASSERT_EQ(documents->rows.size(), 2u);
    ASSERT_EQ(decoded->rows.size(), 2u);
    for (std::size_t i = 0; i < documents->rows.size(); ++i) {
      EXPECT_EQ(documents->rows[i], organization_document(decoded->rows[i])) << "read " << read;
    }
    EXPECT_EQ(documents->total, decoded->total);
    EXPECT_EQ(documents->next_cursor, decoded->next_cursor);
  }
  EXPECT_GT(queries.remembered_rows().hits(), 0u);
}

}  // namespace
}  // namespace orgd::projections::testing
