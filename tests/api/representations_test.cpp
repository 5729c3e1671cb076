#include "api/representations.hpp"

#include <gtest/gtest.h>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/ids.hpp"
#include "domain/organization/organization.hpp"
#include "projections/organization_document.hpp"

namespace orgd::api {
namespace {

projections::OrganizationRow distinct_row() {
  projections::OrganizationRow row;
  row.id = "the-id";
  row.name = "the-name";
  row.description = "the-description";
  row.parent_id = "the-parent";
  row.status = "suspended";
  row.locale = "fr-CA";
  row.country = "CA";
  row.thumbnail_url = "https://example.test/t.png";
  row.billing_plan = "enterprise";
  row.member_count = 11;
  row.child_count = 12;
  row.created_ms = 1'700'000'000'123;
  row.updated_ms = 1'700'000'999'456;
  row.created_by = "the-creator";
  row.updated_by = "the-updater";
  row.version = 13;
  return row;
}

// organization_json fills a copy of its field list by position: every key must carry its own
// value (each value here is distinct, so a shift or swap shows).
TEST(OrganizationRepresentation, EveryFieldCarriesItsOwnValue) {
  const auto row = distinct_row();
  const boost::json::object expected{{"id", "the-id"},
                                     {"name", "the-name"},
                                     {"description", "the-description"},
                                     {"parentId", "the-parent"},
                                     {"status", "suspended"},
                                     {"locale", "fr-CA"},
                                     {"country", "CA"},
                                     {"thumbnailUrl", "https://example.test/t.png"},
                                     {"billingPlan", "enterprise"},
                                     {"memberCount", 11U},
                                     {"childCount", 12U},
                                     {"createdTime", format_iso8601(row.created_ms)},
                                     {"lastUpdatedTime", format_iso8601(row.updated_ms)},
                                     {"createdBy", "the-creator"},
                                     {"lastUpdatedBy", "the-updater"},
                                     {"updateVersion", 13U}};
  EXPECT_EQ(organization_json(row), expected);
  EXPECT_EQ(boost::json::parse(organization_body(row)), expected);
  boost::json::monotonic_resource arena;
  EXPECT_EQ(organization_json(row, boost::json::storage_ptr(&arena)), expected);
}

// Default's stored document, as its waiting customers see it: found by the id it starts with,
// its memberCount hidden; every other document (and Default's for the platform) passed on as
// it was stored, byte for byte.
TEST(OrganizationRepresentation, DefaultsMemberCountIsHiddenFromItsWaitingCustomersOnly) {
  auto row = distinct_row();
  row.id = std::string(domain::kDefaultOrganizationId);
  const std::string stored = organization_body(row);
  const domain::Caller waiting{
      "w", domain::PlatformRole::none, std::string(domain::kDefaultOrganizationId), {}};
  auto seen = boost::json::parse(organization_body_for(waiting, stored)).as_object();
  EXPECT_TRUE(seen.at("memberCount").is_null());
  seen["memberCount"] = 11U;
  EXPECT_EQ(seen, boost::json::parse(stored)) << "nothing else changed";
  const domain::Caller platform{
      "p", domain::PlatformRole::auditor, std::string(domain::kDefaultOrganizationId), {}};
  EXPECT_EQ(organization_body_for(platform, stored), stored);
  const std::string other = organization_body(distinct_row());
  EXPECT_EQ(organization_body_for(waiting, other), other);
}

TEST(OrganizationRepresentation, EmptyOptionalFieldsAreNull) {
  auto row = distinct_row();
  row.parent_id.clear();
  row.locale.clear();
  row.country.clear();
  row.thumbnail_url.clear();
  row.billing_plan.clear();
  const auto json = organization_json(row);
  for (const char* key : {"parentId", "locale", "country", "thumbnailUrl", "billingPlan"}) {
    EXPECT_TRUE(json.at(key).is_null()) << key;
  }
  EXPECT_EQ(json.at("description"), "the-description") << "an empty description stays a string";
  row.description.clear();
  EXPECT_EQ(organization_json(row).at("description"), "");
}

// The stored documents a listing joins are organization_json's bytes. They are written by
// append_organization_document, which refills one object per thread: nothing of the row before
// may show in the next one (a string left over where null is due, a longer value's tail).
TEST(OrganizationRepresentation, AppendedJsonKeepsNothingOfTheRowBefore) {
  const auto full = distinct_row();
  const auto sparse = [] {
    auto row = distinct_row();
    row.id = "id2";
    row.name = "n";
    row.description.clear();
    row.parent_id.clear();
    row.locale.clear();
    row.thumbnail_url.clear();
    row.member_count = 0;
    return row;
  }();
  for (const auto* row : {&full, &sparse, &full, &sparse}) {
    std::string out = "prefix,";
    projections::append_organization_document(out, *row);
    ASSERT_TRUE(out.starts_with("prefix,"));
    // The bytes, not only the value: clients get the fields in this order.
    EXPECT_EQ(std::string_view(out).substr(7), boost::json::serialize(organization_json(*row)));
  }
}

// A row longer than one serializer chunk (1 KiB) is written whole.
TEST(OrganizationRepresentation, AppendedJsonOfALongRowIsWhole) {
  auto row = distinct_row();
  row.description = std::string(3000, 'd') + "\"\n\u00e9";
  std::string out;
  projections::append_organization_document(out, row);
  EXPECT_EQ(out, boost::json::serialize(organization_json(row)));
}

// A page's body as a listing writes it: the frame around its items' JSON texts, joined by commas.
std::string framed(std::string_view plural, std::string_view items, const PageInfo& info) {
  const PageBodyFrame frame = page_body_frame(plural, info);
  return frame.head + std::string(items) + frame.tail;
}

TEST(PageBody, FrameAroundTextsEqualsPageBodyOfTheSameItems) {
  const PageInfo info{.page = 3, .page_size = 2, .total_elements = 7, .next_cursor = "c"};
  boost::json::array items{organization_json(distinct_row()), boost::json::object{{"k", 1}}};
  const std::string texts =
      boost::json::serialize(items[0]) + "," + boost::json::serialize(items[1]);
  EXPECT_EQ(framed("organizations", texts, info), page_body("organizations", items, info));
  EXPECT_EQ(framed("organizations", "", info), page_body("organizations", {}, info));
  // A plural that needs escaping moves where the items go.
  EXPECT_EQ(framed("a\"b", texts, info), page_body("a\"b", items, info));
}

}  // namespace
}  // namespace orgd::api
