// A member leaving an organization while someone adds it to one of that organization's groups,
// the two requests sent at the same moment: whichever commits first, the member ends in no
// group of the organization it left. The departure finds the groups it leaves in a read model,
// which may not show an addition committed a moment before; its second look, once it is
// applied, catches those (api/groups_holding.hpp). A race review found the member left in the
// group every time the addition committed first.

#include <barrier>
#include <chrono>
#include <optional>
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

  // After every race, verify's groups check finds no member left behind either (and raises no
  // false alarm on histories of departures, returns and additions).
  void TearDown() override {
    if (app_) EXPECT_EQ(members_left_behind().first, "");
    OrgdTest::TearDown();
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
  // How often the addition committed first varies with the machine's load; the held test below
  // makes that order every time.
  RecordProperty("additionsCommittedFirst", added_then_removed);
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
  RecordProperty("additionsCommittedFirst", added_then_deleted);
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
  RecordProperty("additionsCommittedFirst", added_then_deleted);
}

// The order the race review found, made every time: the projections held, the addition
// commits (its answer waits for the read models), then the removal is decided on a read model
// without it and commits too. Released, the removal's second look finds the group and leaves it
// before the removal answers.
TEST_F(GroupDepartures, AnAdditionTheReadModelDidNotShowIsLeftByTheSecondLook) {
  const std::string group = create_group("Reviewers", "customers");
  const Account member = add_customer(owner_, "member@acme.io");
  std::optional<HeldProjections> held(std::in_place, *app_, "resources");
  test::HttpResult added;
  test::HttpResult removed;
  const std::uint64_t before = head();
  std::thread add =
      send_apart("POST", "/api/v1/groups/" + group + "/members",
                 serialize(object{{"memberId", member.customer_id}}), admin_.token, added);
  const std::uint64_t added_at = head_past(before, std::chrono::seconds(10));
  if (added_at <= before) {  // released and joined first: a thread left running would abort
    held.reset();
    add.join();
    FAIL() << "the addition did not commit within 10 s";
  }
  std::thread remove = send_apart(
      "DELETE",
      "/api/v1/organizations/" + owner_.organization_id + "/members/" + member.customer_id, {},
      owner_.token, removed);
  EXPECT_GT(head_past(added_at, std::chrono::seconds(10)), added_at)
      << "the removal did not commit";
  held.reset();
  add.join();
  remove.join();
  EXPECT_LT(added.status, 300);
  EXPECT_EQ(removed.status, 204);
  EXPECT_FALSE(members_of(group).contains(member.customer_id))
      << "removed from Acme, but still in the group it was added to a moment before";
  ASSERT_EQ(add_member(owner_, member.customer_id).status, 201);
  EXPECT_FALSE(members_of(group).contains(member.customer_id)) << "back, and in none";
}

}  // namespace
}  // namespace orgd::e2e
