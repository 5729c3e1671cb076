// The aggregate loader remembers long streams' states and folds only the events appended
// after them: every load equals a fold from the stream's first event, across appends, joins
// and departures, and whatever the loader remembered before.

#include "api/aggregate_loader.hpp"

#include <gtest/gtest.h>

#include <string>

#include "api/command_executor.hpp"
#include "domain/membership/membership_events.hpp"
#include "domain/organization/organization_events.hpp"
#include "tests/eventstore/store_fixture.hpp"

namespace orgd::api {
namespace {

const std::string kId = "0190a000-0000-7000-8000-0000000000a1";

class AggregateLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    eventstore::StoreOptions options;
    options.data_dir = dir_.path() / "db";
    auto store = eventstore::Store::open(options);
    ASSERT_TRUE(store.has_value()) << store.error().message;
    store_ = std::move(*store);
  }

  // One event on `stream`, guarded by the version it extends.
  void append(const std::string& stream, std::uint64_t version, domain::Event event) {
    domain::Decision decision;
    decision.writes.push_back({stream, version, {std::move(event)}});
    ASSERT_TRUE(store_->append(to_append_request(decision, {"system", "test", "", 0})));
  }

  // What a loader that remembers nothing yet folds.
  domain::Organization folded_organization() const {
    return AggregateLoader(*store_).organization(kId).value();
  }
  domain::Membership folded_membership() const {
    return AggregateLoader(*store_).membership(kId).value();
  }

  eventstore::testing::TempDir dir_;
  std::unique_ptr<eventstore::Store> store_;
};

TEST_F(AggregateLoaderTest, ALongStreamLoadedAgainEqualsAFoldFromItsFirstEvent) {
  AggregateLoader loader(*store_);
  const std::string stream = domain::organization_stream(kId);
  append(stream, 0, domain::OrganizationCreated{kId, "Long", "", "", "active", "", "", "", ""});
  for (std::uint64_t version = 1; version < 60; ++version) {
    append(stream, version,
           domain::OrganizationUpdated{"Long", "update " + std::to_string(version), "",
                                       version % 7 == 0 ? "inactive" : "active", "", "", ""});
    // Each load is from what the loader remembered (past 16 events), then the new event.
    const auto loaded = loader.organization(kId);
    ASSERT_TRUE(loaded.has_value()) << loaded.error();
    EXPECT_EQ(*loaded, folded_organization()) << "at version " << version + 1;
    EXPECT_EQ(loaded->version, version + 1);
  }
  // Loaded twice with nothing appended between: the same state.
  EXPECT_EQ(loader.organization(kId).value(), folded_organization());
  EXPECT_EQ(loader.organization(kId).value().description, "update 59");
}

TEST_F(AggregateLoaderTest, AMembershipRememberedKeepsEveryJoinDepartureAndRole) {
  AggregateLoader loader(*store_);
  const std::string stream = domain::members_stream(kId);
  std::uint64_t version = 0;
  for (int i = 0; i < 40; ++i) {
    const std::string customer = "customer-" + std::to_string(i);
    append(stream, version++, domain::MemberJoined{customer, i == 0 ? "owner" : "member"});
    if (i % 3 == 0) append(stream, version++, domain::MemberRoleChanged{customer, "admin"});
    if (i % 5 == 4) append(stream, version++, domain::MemberLeft{customer});
    const auto loaded = loader.membership(kId);
    ASSERT_TRUE(loaded.has_value()) << loaded.error();
    EXPECT_EQ(*loaded, folded_membership()) << "after customer " << i;
  }
  EXPECT_EQ(loader.membership(kId).value().members.size(), 32u);
}

}  // namespace
}  // namespace orgd::api
