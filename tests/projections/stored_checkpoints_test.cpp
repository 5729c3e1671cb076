// A read model that a run of events leaves unchanged does not store its checkpoint with every
// run (kCheckpointLagMost); a clean stop stores them all, and a start from checkpoints that
// trail (a crash) applies those events again without changing anything.

#include <rocksdb/db.h>

#include <string>

#include "domain/organization/organization.hpp"
#include "projections/customers_projection.hpp"
#include "projections/directory_projections.hpp"
#include "projections/organizations_projection.hpp"
#include "projections/projection.hpp"
#include "projections/read_model_batch.hpp"
#include "tests/projections/projection_fixture.hpp"

namespace orgd::projections::testing {
namespace {

// The checkpoint stored in the projection's column family, as opened (these tests swap none;
// after an online rebuild its read model lives in another): 0 when none is.
std::uint64_t stored_checkpoint(eventstore::Store& store, const Projection& projection) {
  auto* cf = store.column_family(projection.column_family());
  EXPECT_NE(cf, nullptr) << projection.column_family() << " is not open";
  if (cf == nullptr) return UINT64_MAX;
  std::string value;
  const rocksdb::Status s = store.db()->Get(rocksdb::ReadOptions(), cf, kCheckpointKey, &value);
  if (s.IsNotFound()) return 0;
  EXPECT_TRUE(s.ok()) << s.ToString();
  return s.ok() ? decode_u64(value) : UINT64_MAX;
}

std::uint64_t applied_by(const ProjectionRunner& runner, std::string_view name) {
  for (const auto& status : runner.status()) {
    if (status.name == name) return status.checkpoint;
  }
  ADD_FAILURE() << "no projection " << name;
  return 0;
}

TEST_F(ProjectionTest, AnIdleReadModelStoresItsCheckpointOnlyWhenStopped) {
  start_runner();
  append(domain::organization_stream("a"), {created("a", "Alpha")});
  append(domain::organization_stream("b"), {created("b", "Beta")});
  ASSERT_TRUE(wait_applied());
  const std::uint64_t head = store_->head_position();
  const InvoicesProjection invoices;
  const OrganizationsProjection organizations;
  // Applied by both, stored by the one the events changed.
  EXPECT_EQ(applied_by(*runner_, invoices.name()), head);
  EXPECT_EQ(stored_checkpoint(*store_, invoices), 0u);
  EXPECT_EQ(stored_checkpoint(*store_, organizations), head);

  runner_.reset();
  EXPECT_EQ(stored_checkpoint(*store_, invoices), head);
  EXPECT_EQ(stored_checkpoint(*store_, organizations), head);
}

TEST_F(ProjectionTest, AnIdleReadModelsCheckpointTrailsByLessThanTheLimit) {
  start_runner();
  // Session ends the invoices never hear of: kCheckpointLagMost of them and a few more.
  std::vector<domain::Event> ends(kCheckpointLagMost + 10,
                                  domain::SessionEnded{"s", "hash", "logout"});
  append("sessions-x", std::move(ends));
  ASSERT_TRUE(wait_applied());
  const std::uint64_t stored = stored_checkpoint(*store_, InvoicesProjection{});
  EXPECT_GE(stored, kCheckpointLagMost);
  EXPECT_LE(stored, store_->head_position());
}

TEST_F(ProjectionTest, AStartFromTrailingCheckpointsAppliesAgainAndChangesNothing) {
  start_runner();
  append(domain::organization_stream("a"), {created("a", "Alpha")});
  append("customer-x", {domain::CustomerRegistered{"x", "x@y.io", "X", "Y", "", "a", "owner", "",
                                                   "hash", "", ""}});
  append("members-a", {domain::MemberJoined{"x", "owner"}});
  ASSERT_TRUE(wait_applied());
  // Alone in its run, so the customers' stored checkpoint stays before it.
  append(domain::organization_stream("b"), {created("b", "Beta")});
  ASSERT_TRUE(wait_applied());
  // A copy taken while orgd runs holds what a crash would leave: stored checkpoints that trail.
  const auto copy = crash_copy();
  const std::uint64_t head = store_->head_position();
  ASSERT_LT(stored_checkpoint(*store_, CustomersProjection{}), head);

  runner_.reset();  // the original stops cleanly
  std::map<std::string, std::map<std::string, std::string>> clean;
  for (const auto& cf : projection_column_families()) clean[cf] = dump(cf);
  restart_from(copy);
  for (const auto& cf : projection_column_families()) {
    EXPECT_EQ(dump(cf), clean[cf]) << cf << " differs after applying again";
  }
}

}  // namespace
}  // namespace orgd::projections::testing
