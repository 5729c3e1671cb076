// A member leaving an organization while someone adds it to one of that organization's groups,
// the two requests sent at the same moment: whichever commits first, the member ends in no
// group of the organization it left. The departure finds the groups it leaves in a read model,
// which may not show an addition committed a moment before; its second look, once it is
// applied, catches those (api/groups_holding.hpp). A race review found the member left in the
// group every time the addition committed first.

#include <barrier>
#include <set>
#include <thread>

#include "tests/e2e/orgd_fixture.hpp"

namespace orgd::e2e {
namespace {

using boost::json::object;
using boost::json::serialize;

constexpr int kRounds = 24;

class GroupDepartures : public OrgdTest {
 protected:
  void SetUp() override {
    OrgdTest::SetUp();
    owner_ = signup("Acme", "owner@acme.io");
    admin_ = add_customer(owner_, "admin@acme.io", "admin");
  }

  std::string create_group(const std::string& name, const std::string& kind) {
    auto r = as(owner_.token, "POST", "/api/v1/organizations/" + owner_.organization_id + "/groups",
                serialize(object{{"name", name}, {"kind", kind}}));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? str(json(r), "id") : std::string();
  }

  // The group's members as listed, checked against its memberCount.
  std::set<std::string> members_of(const std::string& group) {
    auto body = json(as(owner_.token, "GET", "/api/v1/groups/" + group));
    std::set<std::string> ids;
    for (const auto& m : body.at("members").as_array()) ids.insert(std::string(m.as_string()));
    EXPECT_EQ(body.at("memberCount").to_number<std::size_t>(), ids.size());
    return ids;
  }

  // Sends `first` as the owner and `second` as the admin at the same moment, each on a
  // connection of its own; their statuses.
  std::pair<int, int> at_once(const std::string& method1, const std::string& target1,
                              const std::string& method2, const std::string& target2,
                              const std::string& body2) {
    std::barrier start(2);
    int first = 0;
    int second = 0;
    std::thread a([&] {
      test::HttpClient client(app_->port());
      start.arrive_and_wait();
      first = client.request(method1, target1, {}, auth(owner_.token)).status;
    });
    std::thread b([&] {
      test::HttpClient client(app_->port());
      start.arrive_and_wait();
      second = client.request(method2, target2, body2, auth(admin_.token)).status;
    });
    a.join();
    b.join();
    return {first, second};
  }

  Account owner_;
  Account admin_;
};

TEST_F(GroupDepartures, ACustomerRemovedWhileAddedToAGroupEndsInNone) {
  const std::string group = create_group("Reviewers", "customers");
  const Account member = add_customer(owner_, "member@acme.io");
  int added_then_removed = 0;
  for (int round = 0; round < kRounds; ++round) {
    const auto [removed, added] = at_once(
        "DELETE",
        "/api/v1/organizations/" + owner_.organization_id + "/members/" + member.customer_id,
        "POST", "/api/v1/groups/" + group + "/members",
        serialize(object{{"memberId", member.customer_id}}));
    ASSERT_EQ(removed, 204) << "round " << round;
    // The addition committed first, or lost: 400 (no customer of Acme), 404 or 409.
    ASSERT_TRUE(added == 200 || added == 201 || added == 400 || added == 404 || added == 409)
        << "round " << round << ": " << added;
    if (added < 300) ++added_then_removed;
    EXPECT_FALSE(members_of(group).contains(member.customer_id))
        << "round " << round << ": removed from Acme but still in its group (addition " << added
        << ")";
    // Back in Acme it is in none of its groups.
    ASSERT_EQ(add_member(owner_, member.customer_id).status, 201);
    EXPECT_FALSE(members_of(group).contains(member.customer_id)) << "round " << round;
  }
  // Both orders happened (the race is real): without any addition committing first, the test
  // would say nothing about the second look.
  RecordProperty("additionsCommittedFirst", added_then_removed);
  EXPECT_GT(added_then_removed, 0);
}

TEST_F(GroupDepartures, ACustomerDeletedWhileAddedToAGroupEndsInNone) {
  const std::string group = create_group("Reviewers", "customers");
  int added_then_deleted = 0;
  for (int round = 0; round < kRounds; ++round) {
    const Account member = add_customer(owner_, "member" + std::to_string(round) + "@acme.io");
    const auto [deleted, added] = at_once("DELETE", "/api/v1/customers/" + member.customer_id,
                                          "POST", "/api/v1/groups/" + group + "/members",
                                          serialize(object{{"memberId", member.customer_id}}));
    ASSERT_EQ(deleted, 204) << "round " << round;
    if (added < 300) ++added_then_deleted;
    EXPECT_FALSE(members_of(group).contains(member.customer_id))
        << "round " << round << ": deleted but still in a group (addition " << added << ")";
  }
  EXPECT_GT(added_then_deleted, 0);
}

TEST_F(GroupDepartures, AResourceDeletedWhileAddedToAThingsGroupEndsInNone) {
  const std::string group = create_group("Devices", "things");
  int added_then_deleted = 0;
  for (int round = 0; round < kRounds; ++round) {
    auto created =
        as(owner_.token, "POST", "/api/v1/resources",
           serialize(object{{"kind", "thing"}, {"name", "Sensor " + std::to_string(round)}}));
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string resource = str(json(created), "id");
    const auto [deleted, added] =
        at_once("DELETE", "/api/v1/resources/" + resource, "POST",
                "/api/v1/groups/" + group + "/members", serialize(object{{"memberId", resource}}));
    ASSERT_EQ(deleted, 204) << "round " << round;
    if (added < 300) ++added_then_deleted;
    EXPECT_FALSE(members_of(group).contains(resource))
        << "round " << round << ": deleted but still in a things group (addition " << added << ")";
  }
  EXPECT_GT(added_then_deleted, 0);
}

// The second look leaves alone what the member joins once it is back: removed and brought
// back at once, then added to the group, it stays there.
TEST_F(GroupDepartures, AMemberBackInTheOrganizationKeepsTheGroupsItJoinsThen) {
  const std::string group = create_group("Reviewers", "customers");
  const Account member = add_customer(owner_, "member@acme.io");
  const std::string join = serialize(object{{"memberId", member.customer_id}});
  for (int round = 0; round < 8; ++round) {
    ASSERT_EQ(remove_member(owner_, member.customer_id).status, 204);
    ASSERT_EQ(add_member(owner_, member.customer_id).status, 201);
    ASSERT_LT(as(owner_.token, "POST", "/api/v1/groups/" + group + "/members", join).status, 300);
    EXPECT_TRUE(members_of(group).contains(member.customer_id)) << "round " << round;
  }
}

}  // namespace
}  // namespace orgd::e2e
