#include "api/rendered_organizations.hpp"

#include <gtest/gtest.h>

#include "api/representations.hpp"
#include "projections/organization_row.hpp"

namespace orgd::api {
namespace {

projections::OrganizationRow row_named(std::string name) {
  projections::OrganizationRow row;
  row.id = "0190a000-0000-7000-8000-000000000001";
  row.name = std::move(name);
  row.status = "active";
  row.version = 1;
  return row;
}

TEST(RenderedOrganizations, WritesWhatTheRowsRepresentationIs) {
  const RenderedOrganizations rendered;
  for (int pass = 0; pass < 3; ++pass) {  // rendered twice, then remembered
    std::string out = "[";
    ASSERT_TRUE(rendered.append_json(out, projections::encode_row(row_named("Acme"))));
    EXPECT_EQ(out, "[" + organization_body(row_named("Acme"))) << "pass " << pass;
  }
}

TEST(RenderedOrganizations, KeepsARowsJsonWhenItsBytesComeTheSecondTime) {
  const RenderedOrganizations rendered;
  const std::string acme = projections::encode_row(row_named("Acme"));
  std::string out;
  ASSERT_TRUE(rendered.append_json(out, acme));
  EXPECT_EQ(rendered.remembered(), 0u) << "seen once";
  ASSERT_TRUE(rendered.append_json(out, acme));
  EXPECT_EQ(rendered.remembered(), 1u);
  ASSERT_TRUE(rendered.append_json(out, acme));
  EXPECT_EQ(rendered.remembered(), 1u);
  EXPECT_EQ(out, organization_body(row_named("Acme")) + organization_body(row_named("Acme")) +
                     organization_body(row_named("Acme")));
}

TEST(RenderedOrganizations, OtherBytesOfTheSameOrganizationAreRenderedAfresh) {
  const RenderedOrganizations rendered;
  std::string before, after;
  ASSERT_TRUE(rendered.append_json(before, projections::encode_row(row_named("Acme"))));
  auto renamed = row_named("Acme Two");
  renamed.version = 2;
  ASSERT_TRUE(rendered.append_json(after, projections::encode_row(renamed)));
  EXPECT_EQ(after, organization_body(renamed));
  EXPECT_NE(after, before);
}

TEST(RenderedOrganizations, BytesThatAreNoRowAreAnErrorAndWriteNothing) {
  const RenderedOrganizations rendered;
  std::string out = "kept";
  // Too short for even the first field's length (a damaged read model).
  auto written = rendered.append_json(out, "\x01\x02");
  EXPECT_FALSE(written.has_value());
  EXPECT_EQ(out, "kept");
}

TEST(RenderedOrganizations, StaysRightPastItsCapacity) {
  const RenderedOrganizations rendered;
  for (std::size_t i = 0; i <= RenderedOrganizations::kRemembered + 1; ++i) {
    auto row = row_named("Org " + std::to_string(i));
    for (int pass = 0; pass < 2; ++pass) {  // kept on the second
      std::string out;
      ASSERT_TRUE(rendered.append_json(out, projections::encode_row(row)));
      ASSERT_EQ(out, organization_body(row)) << i;
    }
  }
  EXPECT_LE(rendered.remembered(), RenderedOrganizations::kRemembered);
}

}  // namespace
}  // namespace orgd::api
