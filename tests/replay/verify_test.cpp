#include "replay/verify.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "domain/group/group.hpp"
#include "domain/resource/resource.hpp"
#include "eventstore/column_families.hpp"
#include "eventstore/idempotency_claim.hpp"
#include "eventstore/key_encoding.hpp"
#include "projections/counted_index_layout.hpp"
#include "projections/index_page.hpp"
#include "projections/organization_keys.hpp"
#include "projections/organizations_projection.hpp"
#include "projections/read_model_rebuild.hpp"
#include "tests/replay/replay_fixture.hpp"

namespace orgd::replay {
namespace {

const std::string kOrgA = "0190a000-0000-7000-8000-0000000000a1";
const std::string kOrgB = "0190a000-0000-7000-8000-0000000000b1";

class VerifyTest : public testing::ReplayTest {
 protected:
  // A small history: two organizations, a rename, a customer, a deletion.
  void SetUp() override {
    ReplayTest::SetUp();
    create_org(kOrgA, "Acme");
    create_org(kOrgB, "Beta");
    renamed_at_ = update_org(kOrgA, "Acme", "Acme Rockets", "rockets");
    joined_at_ = register_customer("0190a000-0000-7000-8000-0000000000c1", "ada@x.test", kOrgA);
    delete_org(kOrgB, "Beta");
    settle();
  }

  VerifyReport run() {
    auto report = verify(*store_);
    EXPECT_TRUE(report.has_value()) << report.error();
    return report ? *report : VerifyReport{};
  }

  static const CheckResult& check(const VerifyReport& report, const std::string& name) {
    for (const auto& c : report.checks) {
      if (c.name == name) return c;
    }
    static const CheckResult missing{"missing"};
    ADD_FAILURE() << "no check " << name;
    return missing;
  }

  rocksdb::DB& db() { return *store_->db(); }
  rocksdb::ColumnFamilyHandle* cf(std::string_view name) { return store_->column_family(name); }

  std::uint64_t renamed_at_{0};
  std::uint64_t joined_at_{0};
};

TEST_F(VerifyTest, PassesOnAHealthyStore) {
  const auto report = run();
  EXPECT_TRUE(report.ok()) << boost::json::serialize(verify_report_json(report));
  EXPECT_EQ(report.head, store_->head_position());
  EXPECT_EQ(check(report, "log").checked, store_->head_position());
  EXPECT_TRUE(check(report, "projection:organizations").ok());
  EXPECT_GT(check(report, "claims").checked, 0u);
}

TEST_F(VerifyTest, AScratchDirectoryNotMadeYetIsMade) {
  VerifyOptions options;
  options.scratch_parent = dir_ / "not" / "yet";
  const auto report = verify(*store_, options);
  ASSERT_TRUE(report.has_value()) << report.error();
  EXPECT_TRUE(report->ok()) << boost::json::serialize(verify_report_json(*report));
  EXPECT_TRUE(check(*report, "projection:organizations").ok()) << "not skipped";
}

// A rebuild killed before its first write leaves an emptied read model stamped layout 0: verify
// says so, rather than naming the stamp as a key nothing wrote.
TEST_F(VerifyTest, AReadModelOfAnotherLayoutIsReportedAsSuch) {
  ASSERT_TRUE(
      projections::clear_read_model({store_->db(), cf(projections::kOrganizationsColumnFamily)},
                                    projections::ClearStamp::rebuilding)
          .has_value());
  const auto report = run();
  EXPECT_FALSE(report.ok());
  const auto& organizations = check(report, "projection:organizations");
  ASSERT_TRUE(organizations.divergence.has_value());
  EXPECT_NE(organizations.divergence->found.find("layout 0 at checkpoint 0"), std::string::npos)
      << organizations.divergence->found;
  EXPECT_TRUE(check(report, "projection:customers").ok()) << "the others are whole";
}

// orgd empties a read model of another layout at start without a stamp: until the first event
// reaches it, it is one never written, and passes.
TEST_F(VerifyTest, AReadModelEmptiedByOrgdPasses) {
  ASSERT_TRUE(
      projections::clear_read_model({store_->db(), cf(projections::kOrganizationsColumnFamily)})
          .has_value());
  const auto report = run();
  EXPECT_TRUE(check(report, "projection:organizations").ok());
}

TEST_F(VerifyTest, AFlippedByteFailsTheLogAtItsPosition) {
  std::string value;
  ASSERT_TRUE(db().Get({}, cf(eventstore::kEventsCf), eventstore::event_key(3), &value).ok());
  value[value.size() - 40] ^= 0x01;  // inside the payload, just before the stored hash
  ASSERT_TRUE(db().Put({}, cf(eventstore::kEventsCf), eventstore::event_key(3), value).ok());
  const auto report = run();
  EXPECT_FALSE(report.ok());
  const auto& log = check(report, "log");
  ASSERT_TRUE(log.divergence.has_value());
  EXPECT_EQ(log.divergence->position, 3u) << log.divergence->found;
  EXPECT_EQ(check(report, "streams").skipped, "the log itself diverges");
}

TEST_F(VerifyTest, AFlippedHashByteFailsTheLogAtItsPosition) {
  std::string value;
  ASSERT_TRUE(db().Get({}, cf(eventstore::kEventsCf), eventstore::event_key(2), &value).ok());
  value.back() ^= 0x80;
  ASSERT_TRUE(db().Put({}, cf(eventstore::kEventsCf), eventstore::event_key(2), value).ok());
  const auto report = run();
  const auto& log = check(report, "log");
  ASSERT_TRUE(log.divergence.has_value());
  EXPECT_EQ(log.divergence->position, 2u);
  EXPECT_TRUE(log.divergence->expected.starts_with("hash ")) << log.divergence->expected;
}

TEST_F(VerifyTest, ADeletedEventFailsTheLogAtItsPosition) {
  ASSERT_TRUE(db().Delete({}, cf(eventstore::kEventsCf), eventstore::event_key(4)).ok());
  const auto report = run();
  const auto& log = check(report, "log");
  ASSERT_TRUE(log.divergence.has_value());
  EXPECT_EQ(log.divergence->position, 4u);
  EXPECT_EQ(log.divergence->expected, "the event at position 4");
  EXPECT_EQ(log.divergence->found, "no such event; the next stored one is at position 5");
}

TEST_F(VerifyTest, ACorruptedProjectionRowFailsNamingTheEventThatWroteIt) {
  const auto key = projections::organization_row_key(kOrgA);
  std::string row;
  auto* organizations = cf(projections::kOrganizationsColumnFamily);
  ASSERT_TRUE(db().Get({}, organizations, key, &row).ok());
  row[row.size() / 2] ^= 0x20;
  ASSERT_TRUE(db().Put({}, organizations, key, row).ok());
  const auto report = run();
  EXPECT_TRUE(check(report, "log").ok());
  const auto& projection = check(report, "projection:organizations");
  ASSERT_TRUE(projection.divergence.has_value());
  // The row's last writer: the customer joining (memberCount) came after the rename.
  EXPECT_EQ(projection.divergence->position, joined_at_);
  EXPECT_NE(projection.divergence->expected.find("key "), std::string::npos);
  EXPECT_TRUE(check(report, "projection:customers").ok());
}

// Documents are staged once per run (Projection::finish), yet verify still names the event
// that last changed one.
TEST_F(VerifyTest, ACorruptedDocumentFailsNamingTheEventThatChangedIt) {
  auto* organizations = cf(projections::kOrganizationsColumnFamily);
  std::string row;
  ASSERT_TRUE(db().Get({}, organizations, projections::organization_row_key(kOrgA), &row).ok());
  const auto decoded = projections::decode_organization_row(row);
  ASSERT_TRUE(decoded.has_value());
  const auto key = projections::organization_document_key(*decoded);
  std::string document;
  ASSERT_TRUE(db().Get({}, organizations, key, &document).ok());
  ASSERT_TRUE(db().Put({}, organizations, key, document + " ").ok());
  const auto report = run();
  const auto& projection = check(report, "projection:organizations");
  ASSERT_TRUE(projection.divergence.has_value());
  EXPECT_EQ(projection.divergence->position, joined_at_) << "memberCount changed last";
}

// The live runner grows count trees entry by entry, a fresh replay builds them packed: verify
// compares them by what they count, and still finds a tree that miscounts or is missing.
TEST_F(VerifyTest, CountTreesAreComparedByWhatTheyCount) {
  char id[64];
  for (int i = 0; i < 300; ++i) {
    std::snprintf(id, sizeof id, "0190a000-0000-7000-8000-%012d", i);
    create_org(id, "Org " + std::to_string(i * 7919 % 300));
    // Erases leave empty nodes in the live trees, which a packed tree never has.
    if (i % 3 == 0) delete_org(id, "Org " + std::to_string(i * 7919 % 300));
  }
  settle();
  auto* organizations = cf(projections::kOrganizationsColumnFamily);
  const std::string all_by_name =
      projections::count_tree_key(projections::organization_index_prefix(
          projections::scope_all(), projections::OrganizationSort::name));
  std::string root;
  ASSERT_TRUE(db().Get({}, organizations, all_by_name, &root).ok());
  ASSERT_GT(projections::decode_tree_root(root)->height, 1) << "a tree of several levels";
  const auto healthy = run();
  EXPECT_TRUE(healthy.ok()) << boost::json::serialize(verify_report_json(healthy));
  EXPECT_GT(check(healthy, "projection:organizations").checked, 300u);

  // A root that counts one entry too many.
  auto wrong = *projections::decode_tree_root(root);
  ++wrong.counts.entries;
  ASSERT_TRUE(db().Put({}, organizations, all_by_name, projections::encode_tree_root(wrong)).ok());
  const auto miscounted = run();
  const auto& counted = check(miscounted, "projection:organizations");
  ASSERT_TRUE(counted.divergence.has_value());
  EXPECT_NE(counted.divergence->found.find("counts 202 entries"), std::string::npos)
      << counted.divergence->found;

  // No tree at all for an index of 201 entries (Acme from SetUp, and 200 of these).
  ASSERT_TRUE(
      db().DeleteRange({}, organizations, all_by_name, projections::upper_bound_of(all_by_name))
          .ok());
  const auto missing = run();
  const auto& lacking = check(missing, "projection:organizations");
  ASSERT_TRUE(lacking.divergence.has_value());
  EXPECT_NE(lacking.divergence->found.find("has no count tree"), std::string::npos)
      << lacking.divergence->found;
  EXPECT_EQ(lacking.divergence->position, 0u) << "no event writes a tree";
}

// Customer rows hold password hashes and sessions keys are token hashes: verify names the
// projection and the event, never their bytes.
TEST_F(VerifyTest, ADivergentCustomerRowIsReportedWithoutItsBytes) {
  const auto key = std::string("r") + "0190a000-0000-7000-8000-0000000000c1";
  auto* customers = cf("customers");
  std::string row;
  ASSERT_TRUE(db().Get({}, customers, key, &row).ok());
  ASSERT_NE(row.find("ada@x.test"), std::string::npos);
  row[row.size() / 2] ^= 0x20;
  ASSERT_TRUE(db().Put({}, customers, key, row).ok());
  const auto report = run();
  const auto& projection = check(report, "projection:customers");
  ASSERT_TRUE(projection.divergence.has_value());
  // The customer's registration, within the command that joined it.
  EXPECT_GT(projection.divergence->position, 0u);
  EXPECT_LE(projection.divergence->position, joined_at_);
  for (const std::string& text : {projection.divergence->expected, projection.divergence->found}) {
    EXPECT_NE(text.find("[redacted: "), std::string::npos) << text;
    EXPECT_EQ(text.find("ada@x.test"), std::string::npos) << text;
    EXPECT_EQ(text.find("0000000000c1"), std::string::npos) << text;
  }
}

TEST_F(VerifyTest, AnExtraProjectionRowIsReported) {
  ASSERT_TRUE(db().Put({}, cf(projections::kOrganizationsColumnFamily), "r-not-an-org", "x").ok());
  const auto report = run();
  const auto& projection = check(report, "projection:organizations");
  ASSERT_TRUE(projection.divergence.has_value());
  EXPECT_EQ(projection.divergence->position, 0u);
  EXPECT_NE(projection.divergence->expected.find("absent"), std::string::npos);
}

TEST_F(VerifyTest, AMissingClaimIsReportedAtTheEventThatSetIt) {
  ASSERT_TRUE(db().Delete({}, cf(eventstore::kClaimsCf),
                          eventstore::claim_key(domain::kOrganizationNameScope, "acme rockets"))
                  .ok());
  const auto report = run();
  const auto& claims = check(report, "claims");
  ASSERT_TRUE(claims.divergence.has_value());
  EXPECT_EQ(claims.divergence->position, renamed_at_);
  EXPECT_EQ(claims.divergence->found, "no such claim");
}

TEST_F(VerifyTest, AStaleClaimOfADeletedOrganizationIsReported) {
  ASSERT_TRUE(db().Put({}, cf(eventstore::kClaimsCf),
                       eventstore::claim_key(domain::kOrganizationNameScope, "beta"),
                       domain::organization_stream(kOrgB))
                  .ok());
  const auto report = run();
  const auto& claims = check(report, "claims");
  ASSERT_TRUE(claims.divergence.has_value());
  EXPECT_EQ(claims.divergence->position, store_->head_position());  // Beta's last event
}

// A command with an Idempotency-Key claims actor:key in its own append, for good. The log
// records the key on every event of that append; the claim's owner (a request id) it does not.
class VerifyIdempotencyTest : public VerifyTest {
 protected:
  std::uint64_t keyed_update(const std::string& actor, const std::string& key) {
    const auto updated = domain::encode_event(
        domain::OrganizationUpdated{"Acme Rockets", "keyed", "", "active", "", "", ""});
    eventstore::AppendRequest request;
    request.actor = actor;
    request.correlation_id = "corr-keyed";
    request.idempotency_key = key;
    request.streams.push_back({domain::organization_stream(kOrgA),
                               eventstore::ExpectedVersion::any(),
                               {{updated.type, updated.schema_version, updated.payload}}});
    request.claims.push_back({std::string(eventstore::kIdempotencyKeyScope),
                              eventstore::idempotency_claim_value(actor, key), "request-1"});
    auto appended = store_->append(std::move(request));
    EXPECT_TRUE(appended.has_value());
    settle();
    return appended ? appended->last_position : 0;
  }
  std::string claim(const std::string& actor, const std::string& key) {
    return eventstore::claim_key(eventstore::kIdempotencyKeyScope,
                                 eventstore::idempotency_claim_value(actor, key));
  }
};

TEST_F(VerifyIdempotencyTest, EveryKeyInTheLogIsClaimedAndEveryClaimIsInTheLog) {
  const std::uint64_t keyed_at = keyed_update("c1", "key-1");
  EXPECT_TRUE(run().ok()) << "a keyed command and its claim";

  ASSERT_TRUE(db().Delete({}, cf(eventstore::kClaimsCf), claim("c1", "key-1")).ok());
  const auto missing = run();
  const auto& lost = check(missing, "claims");
  ASSERT_TRUE(lost.divergence.has_value()) << "a key the log shows, no longer claimed";
  EXPECT_EQ(lost.divergence->position, keyed_at);
  EXPECT_EQ(lost.divergence->found, "no such claim");

  ASSERT_TRUE(db().Put({}, cf(eventstore::kClaimsCf), claim("c1", "key-1"), "request-1").ok());
  ASSERT_TRUE(db().Put({}, cf(eventstore::kClaimsCf), claim("c1", "key-2"), "request-2").ok());
  const auto stray = run();
  const auto& extra = check(stray, "claims");
  ASSERT_TRUE(extra.divergence.has_value()) << "a claim no command in the log made";
  EXPECT_NE(extra.divergence->expected.find("c1:key-2"), std::string::npos)
      << extra.divergence->expected;
}

TEST_F(VerifyTest, AWrongStreamIndexEntryIsReported) {
  ASSERT_TRUE(db().Put({}, cf(eventstore::kStreamsCf),
                       eventstore::stream_version_key(domain::organization_stream(kOrgA), 2),
                       eventstore::encode_u64(1))
                  .ok());
  const auto report = run();
  const auto& streams = check(report, "streams");
  ASSERT_TRUE(streams.divergence.has_value());
  EXPECT_EQ(streams.divergence->position, renamed_at_);
  EXPECT_EQ(streams.divergence->found, "-> position 1");
}

// A member an ordinary group still lists after it left the group's organization is what the
// departure's second look leaves when it does not run (a crash between its two appends, or a
// release from before it): verify names the first such membership and counts the others.
TEST_F(VerifyTest, AMemberAGroupStillListsAfterItLeftIsReported) {
  const std::string customer = "0190a000-0000-7000-8000-0000000000c1";  // in Acme (SetUp)
  const std::string readers = "0190a000-0000-7000-8000-0000000000e1";
  const std::string devices = "0190a000-0000-7000-8000-0000000000e2";
  const std::string sensor = "0190a000-0000-7000-8000-0000000000f1";
  const auto group_stream = [](const std::string& id) { return domain::group_stream(id); };
  append({{group_stream(readers), {domain::GroupCreated{readers, kOrgA, "Readers", "customers"}}},
          {group_stream(devices), {domain::GroupCreated{devices, kOrgA, "Devices", "things"}}}});
  append({{domain::resource_stream(sensor),
           {domain::ResourceCreated{sensor, "thing", "Sensor", "", customer, kOrgA, "", {}}}}});
  const auto joined = append({{group_stream(readers), {domain::GroupMemberAdded{customer}}}});
  append({{group_stream(devices), {domain::GroupMemberAdded{sensor}}}});
  const auto move = [&](const std::string& to) {
    return append({{domain::customer_stream(customer), {domain::CustomerMoved{to, "member"}}}});
  };
  const auto groups = [&] {
    settle();
    const auto report = run();
    return check(report, "groups");
  };
  EXPECT_TRUE(groups().ok());
  EXPECT_EQ(groups().checked, 2u);

  const auto left = move(std::string(domain::kDefaultOrganizationId));
  auto reported = groups();
  ASSERT_TRUE(reported.divergence.has_value());
  EXPECT_EQ(reported.divergence->position, joined);
  EXPECT_EQ(reported.divergence->expected, "member " + customer + " out of group " + readers +
                                               " (it is in organization " +
                                               std::string(domain::kDefaultOrganizationId) +
                                               " since position " + std::to_string(left) + ")");
  EXPECT_EQ(reported.divergence->found, "listed still");
  EXPECT_TRUE(run().ok()) << "advisory: the log and read models are whole";

  const auto back = move(kOrgA);
  append({{domain::resource_stream(sensor), {domain::ResourceDeleted{"Sensor"}}}});
  reported = groups();
  ASSERT_TRUE(reported.divergence.has_value()) << "back, by a membership from before it left";
  EXPECT_EQ(reported.divergence->position, joined) << "the first membership in the log";
  EXPECT_NE(
      reported.divergence->expected.find("left and is back since position " + std::to_string(back)),
      std::string::npos)
      << reported.divergence->expected;
  EXPECT_EQ(reported.divergence->found, "listed still, as are 1 more members in groups they left");

  append({{group_stream(readers), {domain::GroupMemberRemoved{customer}}}});
  append({{group_stream(readers), {domain::GroupMemberAdded{customer}}}});
  reported = groups();
  ASSERT_TRUE(reported.divergence.has_value());
  EXPECT_EQ(reported.divergence->expected,
            "member " + sensor + " out of group " + devices + " (it is deleted)")
      << "a membership taken since the customer came back counts";
  delete_org(kOrgA, "Acme Rockets");
  EXPECT_TRUE(groups().ok()) << "a deleted organization's groups are out of reach with it";
}

}  // namespace
}  // namespace orgd::replay
