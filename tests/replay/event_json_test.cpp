#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <utility>

#include "eventstore/envelope.hpp"
#include "replay/event_json.hpp"
#include "replay/history_entry.hpp"

namespace orgd::replay {
namespace {

// Renders a default instance of every alternative; an object of at least one member each.
template <std::size_t... I>
std::size_t render_every_type(std::index_sequence<I...>) {
  return (std::size_t{0} + ... +
          (event_data_json(domain::Event(std::in_place_index<I>)).empty() ? 0 : 1));
}

TEST(EventJson, EveryEventTypeRenders) {
  constexpr auto kTypes = std::variant_size_v<domain::Event>;
  EXPECT_EQ(render_every_type(std::make_index_sequence<kTypes>()), kTypes);
}

TEST(EventJson, SecretsAreAlwaysRedacted) {
  const std::string secret = "$argon2id$v=19$m=65536,t=2,p=1$c2VjcmV0";
  domain::CustomerRegistered registered;
  registered.email = "ada@x.test";
  registered.password_hash = secret;
  const std::vector<domain::Event> events{
      registered, domain::CustomerPasswordChanged{secret},
      domain::SessionStarted{"s1", secret, 1'760'000'000'000},
      domain::SessionEnded{"s1", secret, "logout"}};
  for (const auto& event : events) {
    const auto text = boost::json::serialize(event_data_json(event));
    EXPECT_EQ(text.find("argon2id"), std::string::npos) << text;
    EXPECT_NE(text.find("[redacted]"), std::string::npos) << text;
  }
  EXPECT_EQ(event_data_json(registered).at("email").as_string(), "ada@x.test");
  EXPECT_EQ(event_data_json(domain::SessionStarted{"s1", secret, 1'760'000'000'000})
                .at("expiresAt")
                .as_string(),
            "2025-10-09T08:53:20.000Z");
}

TEST(EventJson, UnsetOptionalFieldsAreNull) {
  const auto json = event_data_json(domain::OrganizationCreated{"id", "Acme", "", "", "active",
                                                                "", "", "", "free"});
  EXPECT_TRUE(json.at("parentId").is_null());
  EXPECT_TRUE(json.at("locale").is_null());
  EXPECT_EQ(json.at("description").as_string(), "");
}

TEST(HistoryEntry, CarriesTheEnvelopeAndAnUndecodablePayloadSaysSo) {
  eventstore::Envelope e;
  e.position = 7;
  e.stream_id = "organization-x";
  e.version = 2;
  e.type = "NoSuchEvent";
  e.timestamp_ms = 1'760'000'000'000;
  e.actor = "system";
  e.correlation_id = "c";
  e.hash[0] = 0xab;
  const auto entry = history_entry_json(e);
  EXPECT_EQ(entry.at("position").as_uint64(), 7u);
  EXPECT_EQ(entry.at("time").as_string(), "2025-10-09T08:53:20.000Z");
  EXPECT_TRUE(entry.at("data").is_null());
  EXPECT_FALSE(entry.at("decodeError").as_string().empty());
  EXPECT_TRUE(entry.at("hash").as_string().starts_with("ab00"));
  EXPECT_FALSE(entry.contains("idempotencyKey"));
}

}  // namespace
}  // namespace orgd::replay
