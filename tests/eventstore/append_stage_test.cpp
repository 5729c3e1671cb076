// What one append accepts and rejects, seen through the Store.

#include "eventstore/append_stage.hpp"

#include <gtest/gtest.h>

#include "store_fixture.hpp"

namespace orgd::eventstore::testing {
namespace {

using Kind = ExpectedVersion::Kind;

class AppendStageTest : public StoreTest {};

TEST_F(AppendStageTest, PlacesEventsAndRecordsTheCommandsMetadata) {
  AppendRequest request = append_to("org-1", ExpectedVersion::no_stream(), 2);
  request.streams.push_back({"org-2", ExpectedVersion::any(), {event("Created", "x")}});
  request.actor = "cust-1";
  request.correlation_id = "corr-1";
  request.idempotency_key = "idem-1";
  request.timestamp_ms = 1234;
  const auto result = append(request);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->first_position, 1u);
  EXPECT_EQ(result->last_position, 3u);
  EXPECT_EQ(result->timestamp_ms, 1234);
  EXPECT_EQ(result->stream_versions, (std::vector<std::uint64_t>{2, 1}));

  const auto envelopes = all();
  ASSERT_EQ(envelopes.size(), 3u);
  EXPECT_EQ(envelopes[2].position, 3u);
  EXPECT_EQ(envelopes[2].stream_id, "org-2");
  EXPECT_EQ(envelopes[2].version, 1u);
  EXPECT_EQ(envelopes[2].type, "Created");
  EXPECT_EQ(envelopes[2].payload, "x");
  EXPECT_EQ(envelopes[2].actor, "cust-1");
  EXPECT_EQ(envelopes[2].correlation_id, "corr-1");
  EXPECT_EQ(envelopes[2].idempotency_key, "idem-1");
  EXPECT_EQ(envelopes[2].timestamp_ms, 1234);
  EXPECT_EQ(store_->stream_version("org-1"), 2u);
  EXPECT_EQ(store_->head_position(), 3u);
  EXPECT_EQ(store_->head_hash(), envelopes[2].hash);
}

struct VersionCase {
  ExpectedVersion expected;
  std::uint64_t current;  // the stream's version before the append
  bool passes;
};

class ExpectedVersionTest : public StoreTest, public ::testing::WithParamInterface<VersionCase> {};

TEST_P(ExpectedVersionTest, IsCheckedAgainstTheStreamsVersion) {
  const VersionCase c = GetParam();
  if (c.current > 0) {
    ASSERT_TRUE(append(append_to("s", ExpectedVersion::any(), static_cast<int>(c.current))));
  }
  const auto result = append(append_to("s", c.expected));
  EXPECT_EQ(result.has_value(), c.passes);
  if (!c.passes) {
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, AppendErrorCode::version_conflict);
    EXPECT_EQ(result.error().stream_id, "s");
    EXPECT_EQ(result.error().actual_version, c.current);
    EXPECT_NE(result.error().message.find("'s' is at version " + std::to_string(c.current)),
              std::string::npos)
        << result.error().message;
  }
}

INSTANTIATE_TEST_SUITE_P(AllKinds, ExpectedVersionTest,
                         ::testing::Values(VersionCase{ExpectedVersion::any(), 0, true},
                                           VersionCase{ExpectedVersion::any(), 3, true},
                                           VersionCase{ExpectedVersion::no_stream(), 0, true},
                                           VersionCase{ExpectedVersion::no_stream(), 1, false},
                                           VersionCase{ExpectedVersion::exists(), 0, false},
                                           VersionCase{ExpectedVersion::exists(), 2, true},
                                           VersionCase{ExpectedVersion::exact(0), 0, true},
                                           VersionCase{ExpectedVersion::exact(2), 2, true},
                                           VersionCase{ExpectedVersion::exact(2), 3, false},
                                           VersionCase{ExpectedVersion::exact(4), 3, false}));

TEST_F(AppendStageTest, AGuardPassesWhileItsStreamStandsStill) {
  ASSERT_TRUE(append(append_to("guarded", ExpectedVersion::any(), 2)));
  AppendRequest request = append_to("org", ExpectedVersion::no_stream());
  request.streams.push_back({"guarded", ExpectedVersion::exact(2), {}});
  const auto result = append(request);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->stream_versions, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(store_->stream_version("guarded"), 2u);
}

TEST_F(AppendStageTest, AGuardConflictsOnceItsStreamMoved) {
  ASSERT_TRUE(append(append_to("guarded", ExpectedVersion::any(), 2)));
  ASSERT_TRUE(append(append_to("guarded", ExpectedVersion::any())));  // moved to 3
  AppendRequest request = append_to("org", ExpectedVersion::no_stream());
  request.streams.push_back({"guarded", ExpectedVersion::exact(2), {}});
  const auto result = append(request);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, AppendErrorCode::version_conflict);
  EXPECT_EQ(result.error().stream_id, "guarded");
  EXPECT_EQ(result.error().actual_version, 3u);
  EXPECT_EQ(store_->stream_version("org"), 0u);
}

TEST_F(AppendStageTest, AnAppendOfOnlyGuardsWritesNothingAndReportsTheHead) {
  ASSERT_TRUE(append(append_to("a", ExpectedVersion::any(), 3)));
  const auto batches = store_->batches_written();
  AppendRequest request;
  request.streams.push_back({"a", ExpectedVersion::exact(3), {}});
  const auto result = append(request);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->first_position, 0u);
  EXPECT_EQ(result->last_position, 3u);
  EXPECT_EQ(result->stream_versions, (std::vector<std::uint64_t>{3}));
  EXPECT_EQ(store_->batches_written(), batches);
  EXPECT_EQ(store_->head_position(), 3u);
}

TEST_F(AppendStageTest, RejectsMalformedRequests) {
  AppendRequest twice = append_to("dup", ExpectedVersion::any());
  twice.streams.push_back({"dup", ExpectedVersion::any(), {event()}});
  const AppendRequest cases[] = {
      AppendRequest{},
      append_to("", ExpectedVersion::any()),
      append_to(std::string("a\0b", 3), ExpectedVersion::any()),
      twice,
      claim("", "v", "o"),
      claim("scope", "", "o"),
      claim("scope", "v", ""),
  };
  for (const auto& request : cases) {
    const auto result = append(request);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, AppendErrorCode::invalid_request) << result.error().message;
  }
  EXPECT_EQ(store_->head_position(), 0u);
  EXPECT_EQ(store_->batches_written(), 0u);
}

TEST_F(AppendStageTest, AFailingVersionCheckLeavesNothingOfTheAppend) {
  ASSERT_TRUE(append(append_to("taken", ExpectedVersion::any())));
  const Hash head = store_->head_hash();
  AppendRequest request = append_to("fresh", ExpectedVersion::no_stream(), 2);
  request.streams.push_back({"taken", ExpectedVersion::no_stream(), {event()}});
  request.claims.push_back({"name", "acme", "fresh"});
  const auto result = append(request);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, AppendErrorCode::version_conflict);
  EXPECT_EQ(store_->head_position(), 1u);
  EXPECT_EQ(store_->head_hash(), head);
  EXPECT_EQ(store_->stream_version("fresh"), 0u);
  EXPECT_EQ(store_->stream_version("taken"), 1u);
  EXPECT_EQ(owner("name", "acme"), std::nullopt);
  EXPECT_EQ(all().size(), 1u);
}

TEST_F(AppendStageTest, AFailingClaimLeavesNothingOfTheAppend) {
  ASSERT_TRUE(append(claim("name", "acme", "org-1")));
  AppendRequest request = append_to("org-2", ExpectedVersion::no_stream());
  request.streams.push_back({"other", ExpectedVersion::any(), {event()}});
  request.claims.push_back({"name", "free", "org-2"});
  request.claims.push_back({"name", "acme", "org-2"});
  request.releases.push_back({"name", "old"});
  ASSERT_TRUE(append(claim("name", "old", "org-2")));
  const auto result = append(request);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, AppendErrorCode::claim_taken);
  EXPECT_EQ(result.error().claim_scope, "name");
  EXPECT_EQ(result.error().claim_value, "acme");
  EXPECT_NE(result.error().message.find("'acme' in scope 'name'"), std::string::npos);
  EXPECT_EQ(store_->head_position(), 0u);
  EXPECT_EQ(store_->stream_version("org-2"), 0u);
  EXPECT_EQ(store_->stream_version("other"), 0u);
  EXPECT_EQ(owner("name", "free"), std::nullopt);
  EXPECT_EQ(owner("name", "old"), std::optional<std::string>("org-2"));
}

TEST_F(AppendStageTest, ClaimsBelongToOneOwnerUntilReleased) {
  ASSERT_TRUE(append(claim("name", "acme", "org-1")));
  EXPECT_EQ(owner("name", "acme"), std::optional<std::string>("org-1"));
  EXPECT_TRUE(append(claim("name", "acme", "org-1"))) << "the owner may claim again";
  EXPECT_TRUE(append(claim("other-scope", "acme", "org-2"))) << "scopes are independent";

  const auto taken = append(claim("name", "acme", "org-2"));
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, AppendErrorCode::claim_taken);

  AppendRequest release;
  release.releases.push_back({"name", "acme"});
  ASSERT_TRUE(append(release));
  EXPECT_EQ(owner("name", "acme"), std::nullopt);
  EXPECT_TRUE(append(claim("name", "acme", "org-2")));
  EXPECT_EQ(owner("name", "acme"), std::optional<std::string>("org-2"));
}

TEST_F(AppendStageTest, OneAppendCanRenameByReleasingAndClaiming) {
  ASSERT_TRUE(append(claim("name", "old", "org-1")));
  AppendRequest rename = append_to("org-1", ExpectedVersion::any());
  rename.releases.push_back({"name", "old"});
  rename.claims.push_back({"name", "new", "org-1"});
  ASSERT_TRUE(append(rename));
  EXPECT_EQ(owner("name", "old"), std::nullopt);
  EXPECT_EQ(owner("name", "new"), std::optional<std::string>("org-1"));

  AppendRequest release_unclaimed;
  release_unclaimed.releases.push_back({"name", "never-claimed"});
  EXPECT_TRUE(append(release_unclaimed));
}

TEST_F(AppendStageTest, TimeNeverRunsBackwardsAlongTheLog) {
  auto at = [](std::int64_t ms) {
    AppendRequest request = append_to("clock", ExpectedVersion::any());
    request.timestamp_ms = ms;
    return request;
  };
  EXPECT_EQ(append(at(5000))->timestamp_ms, 5000);
  EXPECT_EQ(append(at(4000))->timestamp_ms, 5000) << "an older command time is raised";
  EXPECT_EQ(append(at(6000))->timestamp_ms, 6000);
  const auto now = append(at(0));
  ASSERT_TRUE(now);
  EXPECT_GT(now->timestamp_ms, 1'600'000'000'000) << "0 means the store's clock";
  EXPECT_EQ(append(at(7000))->timestamp_ms, now->timestamp_ms);

  std::int64_t previous = 0;
  for (const auto& envelope : all()) {
    EXPECT_GE(envelope.timestamp_ms, previous);
    previous = envelope.timestamp_ms;
  }
}

}  // namespace
}  // namespace orgd::eventstore::testing
