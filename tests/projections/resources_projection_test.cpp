// The resources read model's index of ordinary groups' members, which a departure reads to find
// the groups it leaves (api/groups_holding.hpp), fed by a log written directly.

#include "projections/resources_projection.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "domain/group/group.hpp"
#include "projections/resource_queries.hpp"
#include "tests/projections/projection_fixture.hpp"

namespace orgd::projections::testing {
namespace {

// The ordinary groups of `organization` holding `member`, once caught up.
std::vector<std::string> groups_holding(ProjectionTest& t, const std::string& member,
                                        const std::string& organization) {
  EXPECT_TRUE(t.wait_applied());
  const ResourceQueries queries(*t.store_, &t.runner_->read_models());
  auto groups = queries.groups_holding(member, organization);
  EXPECT_TRUE(groups.has_value());
  if (!groups) return {};
  std::sort(groups->begin(), groups->end());
  return *groups;
}

TEST_F(ProjectionTest, OrdinaryGroupsOfAnOrganizationHoldingAMemberCustomerOrThing) {
  append("group-g", {domain::GroupCreated{"g", "a", "Reviewers", "customers", false}});
  append("group-t", {domain::GroupCreated{"t", "a", "Devices", "things", false}});
  append("group-all", {domain::GroupCreated{"all", "a", "Everyone", "customers", true}});
  append("group-h", {domain::GroupCreated{"h", "b", "Elsewhere", "customers", false}});
  append("group-g", {domain::GroupMemberAdded{"c"}});
  append("group-all", {domain::GroupMemberAdded{"c"}});
  append("group-h", {domain::GroupMemberAdded{"c"}});
  append("group-t", {domain::GroupMemberAdded{"thing"}});
  start_runner();
  EXPECT_EQ(groups_holding(*this, "c", "a"), (std::vector<std::string>{"g"}))
      << "not the global group, not another organization's";
  EXPECT_EQ(groups_holding(*this, "c", "b"), (std::vector<std::string>{"h"}));
  EXPECT_EQ(groups_holding(*this, "thing", "a"), (std::vector<std::string>{"t"}))
      << "things groups are indexed too";

  append("group-g", {domain::GroupMemberRemoved{"c"}});
  append("group-t", {domain::GroupDeleted{"a"}});
  EXPECT_TRUE(groups_holding(*this, "c", "a").empty());
  EXPECT_TRUE(groups_holding(*this, "thing", "a").empty());
  EXPECT_EQ(groups_holding(*this, "c", "b"), (std::vector<std::string>{"h"}));
}

}  // namespace
}  // namespace orgd::projections::testing
