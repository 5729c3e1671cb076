// A grant to a group gives access while the grantee is a member. Which groups a caller is in
// comes from the resources read model, which may not show yet a removal from a group committed
// a moment before: a command on a resource confirms the groups that give it access there from
// their streams and guards them (domain/resource/confirmed_groups.hpp). A review found a member
// removed from a group still writing through the group's grant, its event in the log after the
// removal. The projections are held, so the request is decided on the stale read model every
// time.

#include <chrono>
#include <optional>
#include <thread>

#include "tests/e2e/disk_faults_fixture.hpp"
#include "tests/e2e/orgd_fixture.hpp"

namespace orgd::e2e {
namespace {

using boost::json::object;
using boost::json::serialize;

class GroupGrants : public OrgdTest {
 protected:
  void SetUp() override {
    OrgdTest::SetUp();
    owner_ = signup("Acme", "owner@acme.io");
    editor_ = add_customer(owner_, "editor@acme.io");
    auto group =
        as(owner_.token, "POST", "/api/v1/organizations/" + owner_.organization_id + "/groups",
           serialize(object{{"name", "Editors"}, {"kind", "customers"}}));
    ASSERT_EQ(group.status, 201) << group.body;
    group_ = str(json(group), "id");
    ASSERT_EQ(as(owner_.token, "POST", "/api/v1/groups/" + group_ + "/members",
                 serialize(object{{"memberId", editor_.customer_id}}))
                  .status,
              200);
    auto resource = as(owner_.token, "POST", "/api/v1/resources",
                       serialize(object{{"kind", "dataset"}, {"name", "Sales"}}));
    ASSERT_EQ(resource.status, 201) << resource.body;
    resource_ = str(json(resource), "id");
    auto granted =
        as(owner_.token, "POST", "/api/v1/resources/" + resource_ + "/grants",
           serialize(object{
               {"principalType", "group"}, {"principalId", group_}, {"permission", "write"}}));
    ASSERT_EQ(granted.status, 201) << granted.body;
  }

  // A PUT of the resource's description as `token`, at the version the owner reads now.
  std::string edit() {
    auto current = as(owner_.token, "GET", "/api/v1/resources/" + resource_);
    return serialize(object{{"description", "edited " + std::to_string(++edits_)},
                            {"updateVersion", json(current).at("updateVersion").as_int64()}});
  }

  // The owner's `change` (a DELETE of `target`) commits while the resources read model is
  // held; the editor's edit is sent after it, decided on the stale read model.
  struct Race {
    test::HttpResult change;
    test::HttpResult edit;
    std::uint64_t before{0};
    std::uint64_t changed_at{0};
    std::uint64_t after{0};  // the head once the edit had 2 s to be appended
  };
  Race edit_racing_delete(const std::string& target) {
    Race race;
    const std::string body = edit();
    std::optional<HeldProjections> held(std::in_place, *app_, "resources");
    race.before = head();
    std::thread change = send_apart("DELETE", target, {}, owner_.token, race.change);
    race.changed_at = head_past(race.before, std::chrono::seconds(10));
    std::thread write =
        send_apart("PUT", "/api/v1/resources/" + resource_, body, editor_.token, race.edit);
    race.after = head_past(race.changed_at, std::chrono::seconds(2));
    held.reset();
    change.join();
    write.join();
    return race;
  }

  Account owner_;
  Account editor_;
  std::string group_;
  std::string resource_;
  int edits_{0};
};

TEST_F(GroupGrants, AWriteRacingTheWritersRemovalFromTheGroupIsRefused) {
  ASSERT_EQ(as(editor_.token, "PUT", "/api/v1/resources/" + resource_, edit()).status, 200)
      << "the group's grant lets its member write";
  const Race race =
      edit_racing_delete("/api/v1/groups/" + group_ + "/members/" + editor_.customer_id);
  EXPECT_GT(race.changed_at, race.before) << "the removal did not commit";
  EXPECT_EQ(race.change.status, 204) << race.change.body;
  EXPECT_EQ(race.after, race.changed_at)
      << "the removed member's edit was appended after its removal";
  EXPECT_EQ(race.edit.status, 404) << race.edit.body;
  EXPECT_EQ(as(editor_.token, "PUT", "/api/v1/resources/" + resource_, edit()).status, 404)
      << "sent again, it is decided on the removal";
}

// The same when the group itself is deleted: its grant gives nobody anything.
TEST_F(GroupGrants, AWriteRacingTheGroupsDeletionIsRefused) {
  const Race race = edit_racing_delete("/api/v1/groups/" + group_);
  EXPECT_GT(race.changed_at, race.before) << "the deletion did not commit";
  EXPECT_EQ(race.change.status, 204) << race.change.body;
  EXPECT_EQ(race.after, race.changed_at)
      << "the edit through the deleted group was appended after it";
  EXPECT_EQ(race.edit.status, 404) << race.edit.body;
}

// Every sync slowed, so that the removal is being written, not yet seen, while the edit is
// decided: the edit confirms the group (its stream still holds the editor) and guards it, and
// its append, in the writer's next round, finds the group moved. It is decided again, on the
// removal.
using GroupGrantsWhileWriting = WithDiskFaults<GroupGrants>;

TEST_F(GroupGrantsWhileWriting, AWriteDecidedBeforeTheRemovalCommitsLosesToIt) {
  const std::string body = edit();
  const std::uint64_t before = head();
  const std::uint64_t syncs = faults_.syncs_started();
  faults_.slow_syncs(std::chrono::milliseconds(1500));
  test::HttpResult removed;
  std::thread remove =
      send_apart("DELETE", "/api/v1/groups/" + group_ + "/members/" + editor_.customer_id, {},
                 owner_.token, removed);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (faults_.syncs_started() == syncs && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(head(), before) << "the removal committed before the edit was sent";
  test::HttpResult racing;
  std::thread write =
      send_apart("PUT", "/api/v1/resources/" + resource_, body, editor_.token, racing);
  remove.join();
  faults_.slow_syncs(std::chrono::milliseconds(0));
  write.join();
  EXPECT_GT(faults_.syncs_started(), syncs) << "the removal was never written";
  EXPECT_EQ(removed.status, 204) << removed.body;
  EXPECT_EQ(racing.status, 404) << racing.body;
  EXPECT_EQ(head(), before + 1) << "the edit was appended after the removal";
}

}  // namespace
}  // namespace orgd::e2e
