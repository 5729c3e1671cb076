#pragma once
// A real store in a temp directory with the projections running, fed with domain events the
// way commands write them (claims included), at times the test chooses.

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <future>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "domain/customer/customer.hpp"
#include "domain/event_codec.hpp"
#include "domain/field_rules.hpp"
#include "domain/membership/membership.hpp"
#include "domain/organization/organization.hpp"
#include "eventstore/store.hpp"
#include "projections/projection_runner.hpp"

namespace orgd::replay::testing {

class ReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("orgd-replay-" + std::to_string(rd()) + std::to_string(rd()));
    open();
  }
  void TearDown() override {
    close();
    std::filesystem::remove_all(dir_);
  }

  void open(const std::filesystem::path& data_dir = {}) {
    eventstore::StoreOptions options;
    options.data_dir = data_dir.empty() ? dir_ / "data" : data_dir;
    options.extra_column_families = projections::projection_column_families();
    auto store = eventstore::Store::open(options);
    ASSERT_TRUE(store.has_value()) << store.error().message;
    store_ = std::move(*store);
    auto runner = projections::ProjectionRunner::start(*store_, projections::make_projections());
    ASSERT_TRUE(runner.has_value()) << runner.error();
    runner_ = std::move(*runner);
  }
  void close() {
    runner_.reset();
    store_.reset();
  }

  // Blocks until every projection applied the head.
  void settle() {
    std::promise<bool> done;
    runner_->when_applied(store_->head_position(), [&](bool ok) { done.set_value(ok); });
    ASSERT_TRUE(done.get_future().get());
  }

  struct Write {
    std::string stream;
    std::vector<domain::Event> events;
  };

  std::uint64_t append(std::vector<Write> writes, std::int64_t time_ms = 0,
                       std::vector<eventstore::UniqueClaim> claims = {},
                       std::vector<eventstore::UniqueRelease> releases = {}) {
    eventstore::AppendRequest request;
    request.actor = "auditor-test";
    request.correlation_id = "corr-" + std::to_string(++commands_);
    request.timestamp_ms = time_ms;
    for (auto& w : writes) {
      eventstore::StreamAppend entry{w.stream, eventstore::ExpectedVersion::any(), {}};
      for (const auto& e : w.events) {
        auto encoded = domain::encode_event(e);
        entry.events.push_back({encoded.type, encoded.schema_version, encoded.payload});
      }
      request.streams.push_back(std::move(entry));
    }
    request.claims = std::move(claims);
    request.releases = std::move(releases);
    auto result = store_->append(std::move(request));
    EXPECT_TRUE(result.has_value()) << (result ? "" : result.error().message);
    return result ? result->last_position : 0;
  }

  static eventstore::UniqueClaim name_claim(const std::string& id, const std::string& name) {
    return {std::string(domain::kOrganizationNameScope), domain::fold_case(name),
            domain::organization_stream(id)};
  }
  static eventstore::UniqueRelease name_release(const std::string& name) {
    return {std::string(domain::kOrganizationNameScope), domain::fold_case(name)};
  }

  std::uint64_t create_org(const std::string& id, const std::string& name, std::int64_t t = 0) {
    return append({{domain::organization_stream(id),
                    {domain::OrganizationCreated{id, name, "", "", "active", "", "", "", "free"}}}},
                  t, {name_claim(id, name)});
  }

  std::uint64_t update_org(const std::string& id, const std::string& old_name,
                           const std::string& name, const std::string& description,
                           std::int64_t t = 0) {
    std::vector<eventstore::UniqueClaim> claims;
    std::vector<eventstore::UniqueRelease> releases;
    if (old_name != name) {
      claims.push_back(name_claim(id, name));
      releases.push_back(name_release(old_name));
    }
    return append({{domain::organization_stream(id),
                    {domain::OrganizationUpdated{name, description, "", "active", "de-DE", "DE",
                                                 ""}}}},
                  t, claims, releases);
  }

  std::uint64_t delete_org(const std::string& id, const std::string& name, std::int64_t t = 0) {
    return append({{domain::organization_stream(id), {domain::OrganizationDeleted{name}}}}, t, {},
                  {name_release(name)});
  }

  std::uint64_t register_customer(const std::string& id, const std::string& email,
                                  const std::string& org, std::int64_t t = 0) {
    domain::CustomerRegistered e{id, email, "Ada", "Lovelace", "", org, "owner", "",
                                 "$argon2id$secret", "", ""};
    return append({{domain::customer_stream(id), {e}},
                   {domain::members_stream(org), {domain::MemberJoined{id, "owner"}}}},
                  t,
                  {{std::string(domain::kCustomerEmailScope), domain::fold_case(email),
                    domain::customer_stream(id)}});
  }

  std::filesystem::path dir_;
  std::unique_ptr<eventstore::Store> store_;
  std::unique_ptr<projections::ProjectionRunner> runner_;
  int commands_{0};
};

}  // namespace orgd::replay::testing
