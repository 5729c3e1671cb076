// The resources read model's index of customers groups (who counts for which group in access
// checks), fed by a log written directly: no rules, so a departure can come without the
// GroupMemberRemoved events the domain now adds to it (logs from before, or a group joined while
// the departure was decided).

#include "projections/resources_projection.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "domain/group/group.hpp"
#include "projections/resource_queries.hpp"
#include "tests/projections/projection_fixture.hpp"

namespace orgd::projections::testing {
namespace {

// The ordinary groups `customer` counts for as a customer of `organization`, once caught up.
std::vector<std::string> groups_of(ProjectionTest& t, const std::string& customer,
                                   const std::string& organization) {
  EXPECT_TRUE(t.wait_applied());
  const ResourceQueries queries(*t.store_, &t.runner_->read_models());
  auto groups = queries.groups_of(customer, organization);
  EXPECT_TRUE(groups.has_value());
  if (!groups) return {};
  std::sort(groups->begin(), groups->end());
  return *groups;
}

TEST_F(ProjectionTest, ACustomerWhoLeavesAnOrganizationCountsForNoneOfItsGroupsOnReturn) {
  append("group-g1", {domain::GroupCreated{"g1", "a", "Reviewers", "customers", false}});
  append("group-g2", {domain::GroupCreated{"g2", "a", "Writers", "customers", false}});
  append("group-h", {domain::GroupCreated{"h", "b", "Elsewhere", "customers", false}});
  append("group-g1", {domain::GroupMemberAdded{"c"}});
  append("group-g2", {domain::GroupMemberAdded{"c"}});
  append("group-h", {domain::GroupMemberAdded{"c"}});
  append("group-g1", {domain::GroupMemberAdded{"d"}});
  start_runner();
  EXPECT_EQ(groups_of(*this, "c", "a"), (std::vector<std::string>{"g1", "g2"}));

  append("members-a", {domain::MemberLeft{"c"}});
  append("members-a", {domain::MemberJoined{"c", "member"}});
  EXPECT_TRUE(groups_of(*this, "c", "a").empty());
  EXPECT_EQ(groups_of(*this, "c", "b"), (std::vector<std::string>{"h"}))
      << "another organization's groups stay";
  EXPECT_EQ(groups_of(*this, "d", "a"), (std::vector<std::string>{"g1"}))
      << "the other members stay";

  append("group-g1", {domain::GroupMemberAdded{"c"}});
  EXPECT_EQ(groups_of(*this, "c", "a"), (std::vector<std::string>{"g1"}))
      << "added again, it counts again";
}

}  // namespace
}  // namespace orgd::projections::testing
