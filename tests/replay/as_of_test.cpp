#include <gtest/gtest.h>

#include "replay/as_of.hpp"
#include "replay/iso_time.hpp"
#include "replay/state_json.hpp"
#include "tests/replay/replay_fixture.hpp"

namespace orgd::replay {
namespace {

constexpr const char* kOrg = "0190a000-0000-7000-8000-00000000000a";
constexpr std::int64_t kT0 = 1'760'000'000'000;  // 2025-10-09T08:53:20Z

class AsOfTest : public testing::ReplayTest {};

TEST_F(AsOfTest, ExactStateAfterEachUpdateByPositionAndByTime) {
  struct Step {
    std::uint64_t position;
    std::int64_t time;
    std::string name;
    std::string description;
  };
  std::vector<Step> steps;
  std::uint64_t p = create_org(kOrg, "Acme", kT0);
  steps.push_back({p, kT0, "Acme", ""});
  std::string name = "Acme";
  for (int i = 1; i <= 5; ++i) {
    const std::int64_t t = kT0 + i * 60'000;
    const std::string next = i % 2 == 0 ? "Acme " + std::to_string(i) : name;
    const std::string description = "step " + std::to_string(i);
    create_org("0190a000-0000-7000-8000-0000000000f" + std::to_string(i), "Other " +
               std::to_string(i), t);  // other streams move the log between the updates
    p = update_org(kOrg, name, next, description, t + 1);
    name = next;
    steps.push_back({p, t + 1, next, description});
  }
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const auto& step = steps[i];
    auto by_position = organization_as_of(*store_, kOrg, step.position, {});
    ASSERT_TRUE(by_position.has_value()) << by_position.error().message;
    EXPECT_EQ(by_position->state.name, step.name);
    EXPECT_EQ(by_position->state.description, step.description);
    EXPECT_EQ(by_position->state.version, i + 1);
    EXPECT_EQ(by_position->state.updated_ms, step.time);
    EXPECT_EQ(by_position->state.created_ms, kT0);
    EXPECT_EQ(by_position->time_ms, step.time);

    // By time: the step's own time, and any time before the next step.
    for (const std::int64_t t : {step.time, step.time + 30'000}) {
      auto position = resolve_as_of(*store_, format_iso8601(t));
      ASSERT_TRUE(position.has_value()) << position.error().message;
      auto by_time = organization_as_of(*store_, kOrg, *position, {});
      ASSERT_TRUE(by_time.has_value());
      EXPECT_EQ(by_time->state, by_position->state) << "at " << format_iso8601(t);
    }
  }
}

TEST_F(AsOfTest, BeforeItExistedItHasNoVersion) {
  create_org("0190a000-0000-7000-8000-0000000000b1", "First", kT0);
  const auto created = create_org(kOrg, "Acme", kT0 + 1000);
  auto before = organization_as_of(*store_, kOrg, created - 1, {});
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(before->state.version, 0u);
  auto by_time = resolve_as_of(*store_, format_iso8601(kT0 - 1));
  ASSERT_TRUE(by_time.has_value());
  EXPECT_EQ(*by_time, 0u);
}

TEST_F(AsOfTest, DeletedOrganizationShowsAsItWasWithDeletedTrue) {
  create_org(kOrg, "Acme", kT0);
  update_org(kOrg, "Acme", "Acme", "last words", kT0 + 1);
  const auto deleted = delete_org(kOrg, "Acme", kT0 + 2);
  auto state = organization_as_of(*store_, kOrg, deleted, {});
  ASSERT_TRUE(state.has_value());
  EXPECT_TRUE(state->state.deleted);
  EXPECT_EQ(state->state.description, "last words");
  const auto json = organization_state_json(*state);
  EXPECT_EQ(json.at("deleted").as_bool(), true);
  EXPECT_EQ(json.at("name").as_string(), "Acme");
  EXPECT_EQ(json.at("updateVersion").as_uint64(), 3u);
  EXPECT_EQ(json.at("asOf").at("position").as_uint64(), deleted);
}

TEST_F(AsOfTest, MemberCountComesFromTheMembershipStreamAsOfThePosition) {
  create_org(kOrg, "Acme", kT0);
  const auto one = register_customer("0190a000-0000-7000-8000-0000000000c1", "a@x.test", kOrg);
  const auto two = register_customer("0190a000-0000-7000-8000-0000000000c2", "b@x.test", kOrg);
  EXPECT_EQ(organization_as_of(*store_, kOrg, one, {})->member_count, 1u);
  EXPECT_EQ(organization_as_of(*store_, kOrg, two, {})->member_count, 2u);
  EXPECT_EQ(organization_as_of(*store_, kOrg, two, {"0190a000-0000-7000-8000-0000000000c1"})
                ->member_count,
            1u)
      << "platform accounts are not counted";
  auto customer = customer_as_of(*store_, "0190a000-0000-7000-8000-0000000000c2", two);
  ASSERT_TRUE(customer.has_value());
  EXPECT_EQ(customer->state.email, "b@x.test");
  const auto json = customer_state_json(*customer);
  EXPECT_FALSE(json.contains("passwordHash"));
}

// A registration writes the customer and its membership in one append: a position between them
// names a state no reader ever saw (a customer in no organization's members), so it is taken to
// the command's last event.
TEST_F(AsOfTest, APositionInsideACommandIsTakenToItsLastEvent) {
  create_org(kOrg, "Acme", kT0);
  const auto one = register_customer("0190a000-0000-7000-8000-0000000000c1", "a@x.test", kOrg);
  const auto two = register_customer("0190a000-0000-7000-8000-0000000000c2", "b@x.test", kOrg);
  ASSERT_EQ(two, one + 2);
  auto inside = resolve_as_of(*store_, std::to_string(two - 1));
  ASSERT_TRUE(inside.has_value()) << inside.error().message;
  EXPECT_EQ(*inside, two);
  EXPECT_EQ(organization_as_of(*store_, kOrg, *inside, {})->member_count, 2u);
  EXPECT_EQ(*resolve_as_of(*store_, std::to_string(one)), one) << "the end of a command stays";
  EXPECT_EQ(*resolve_as_of(*store_, std::to_string(two)), two) << "the head stays";
  EXPECT_EQ(*resolve_as_of(*store_, "0"), 0u);
}

TEST_F(AsOfTest, RejectsGarbageAndPositionsBeyondTheHead) {
  create_org(kOrg, "Acme", kT0);
  EXPECT_EQ(resolve_as_of(*store_, "yesterday").error().code, AsOfErrorCode::invalid);
  EXPECT_EQ(resolve_as_of(*store_, "2025-10-09").error().code, AsOfErrorCode::invalid);
  EXPECT_EQ(resolve_as_of(*store_, "99").error().code, AsOfErrorCode::beyond_head);
  EXPECT_EQ(*resolve_as_of(*store_, "1"), 1u);
  EXPECT_EQ(*resolve_as_of(*store_, "2999-01-01T00:00:00Z"), store_->head_position());
}

TEST(IsoTime, FormatsAndParsesMillisecondsAndZones) {
  EXPECT_EQ(format_iso8601(kT0 + 7), "2025-10-09T08:53:20.007Z");
  EXPECT_EQ(parse_iso8601("2025-10-09T08:53:20.007Z"), kT0 + 7);
  EXPECT_EQ(parse_iso8601("2025-10-09T08:53:20Z"), kT0);
  EXPECT_EQ(parse_iso8601("2025-10-09T10:53:20.0071+02:00"), kT0 + 7);
  EXPECT_EQ(parse_iso8601("2025-10-09T08:53:20"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2025-02-30T08:53:20Z"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2025-10-09T24:00:00Z"), std::nullopt);
}

}  // namespace
}  // namespace orgd::replay
