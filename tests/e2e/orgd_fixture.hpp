#pragma once
// Starts the real orgd (Application: RocksDB in a temp directory, HTTP on 127.0.0.1:0) and
// talks to it over HTTP like any client.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <expected>
#include <filesystem>
#include <future>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include "api/application.hpp"
#include "projections/projection_runner.hpp"
#include "replay/verify.hpp"
#include "tests/support/http_client.hpp"

namespace orgd::e2e {

inline constexpr const char* kAdminEmail = "root@orgd.test";
inline constexpr const char* kAdminPassword = "correct horse battery";

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("orgd-e2e-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Holds the projection thread still from construction to release(): an online swap of
// `projection` that waits (replace_column_family blocks the thread while the swap runs), so
// commands commit while their answers, which wait for the read models, do not come yet.
class HeldProjections {
 public:
  HeldProjections(api::Application& app, std::string projection)
      : released_(release_.get_future().share()) {
    std::promise<void> holding;
    auto held = holding.get_future();
    holder_ = std::thread(
        [this, &app, projection = std::move(projection), holding = std::move(holding)]() mutable {
          bool swapped = false;
          auto outcome = app.projections().replace_column_family(
              projection,
              [&](std::uint64_t)
                  -> std::expected<projections::ProjectionRunner::Replacement, std::string> {
                swapped = true;
                holding.set_value();
                released_.wait();
                return std::unexpected("held by the test");
              });
          EXPECT_FALSE(outcome.has_value());
          if (!swapped) holding.set_value();  // so the test fails instead of waiting for ever
        });
    held.wait();
  }
  HeldProjections(const HeldProjections&) = delete;
  HeldProjections& operator=(const HeldProjections&) = delete;
  ~HeldProjections() { release(); }

  void release() {
    if (!holder_.joinable()) return;
    release_.set_value();
    holder_.join();
  }

 private:
  std::promise<void> release_;
  std::shared_future<void> released_;
  std::thread holder_;
};

inline std::string str(const boost::json::value& v, std::string_view key) {
  return std::string(v.at(key).as_string());
}

inline boost::json::value json(const test::HttpResult& r) {
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  if (ec) ADD_FAILURE() << "not JSON (" << ec.message() << "): " << r.body;
  return v;
}

// Polls GET /api/v1/projections/{name} until its rebuild is no longer running, and returns that
// status (no time limit of its own: the test's timeout bounds it).
inline boost::json::object await_rebuild(test::HttpClient& client, const test::Headers& headers,
                                         const std::string& name) {
  for (;;) {
    auto r = client.request("GET", "/api/v1/projections/" + name, {}, headers);
    auto status = boost::json::parse(r.body).as_object();
    const auto& rebuild = status.at("rebuild");
    if (!rebuild.is_null() && rebuild.at("state").as_string() != "running") return status;
    std::this_thread::yield();
  }
}

class OrgdTest : public ::testing::Test {
 protected:
  void SetUp() override { start(); }
  void TearDown() override { app_.reset(); }

  void start(api::ApiOptions api_options = {}) {
    api::OrgdOptions options;
    options.listen_port = 0;
    options.data_dir = dir_.path() / "data";
    options.api = api_options;
    options.io_threads = 2;
    options.bootstrap = bootstrap_;
    options.storage_env = storage_env_;
    options.trusted_proxies = trusted_proxies_;
    auto app = api::Application::start(options);
    ASSERT_TRUE(app.has_value()) << app.error().message;
    app_ = std::move(*app);
    client_ = std::make_unique<test::HttpClient>(app_->port());
    await_read_models();
  }
  // As a client waits for /readyz after a start: until the read models have applied what the
  // start appended (Default, the SuperAdmin), or one stopped on an error (its tests look).
  void await_read_models() {
    auto settled = std::make_shared<std::promise<void>>();
    auto done = settled->get_future();
    app_->projections().when_applied(app_->store().head_position(),
                                     [settled](bool) { settled->set_value(); });
    ASSERT_EQ(done.wait_for(std::chrono::seconds(60)), std::future_status::ready)
        << "the read models did not catch up with the start";
  }
  void restart(api::ApiOptions api_options = {}) {
    client_.reset();
    app_.reset();
    start(api_options);
  }

  // The SuperAdmin each start creates when missing (ORGD_ADMIN_EMAIL/PASSWORD).
  api::BootstrapOptions bootstrap_{kAdminEmail, kAdminPassword};
  // --trusted-proxies of each start.
  api::TrustedProxies trusted_proxies_;

  // POST /sessions, whatever it answers.
  test::HttpResult try_login(const std::string& email, const std::string& password) {
    boost::json::object body{{"email", email}, {"password", password}};
    return client_->request("POST", "/api/v1/sessions", boost::json::serialize(body),
                            {{"Content-Type", "application/json"}});
  }

  std::string login(const std::string& email = kAdminEmail,
                    const std::string& password = kAdminPassword) {
    auto r = try_login(email, password);
    EXPECT_EQ(r.status, 201) << r.body;
    if (r.status != 201) return {};
    return std::string(json(r).at("securityToken").as_string());
  }

  test::Headers auth(const std::string& token) const {
    return {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
  }

  test::HttpResult call(const std::string& method, const std::string& target,
                        const std::string& body = {}) {
    if (token_.empty()) token_ = login();
    return client_->request(method, target, body, auth(token_));
  }

  // Creates an organization and returns its representation.
  boost::json::object create_org(const std::string& name, const std::string& parent = {}) {
    boost::json::object body{{"name", name}};
    if (!parent.empty()) body["parentId"] = parent;
    auto r = call("POST", "/api/v1/organizations", boost::json::serialize(body));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? json(r).as_object() : boost::json::object{};
  }

  std::uint64_t head() { return app_->store().head_position(); }
  // Sends a request as `token` on a connection and a thread of its own: for tests that hold the
  // read models its answer waits for. `result` holds the answer once the thread is joined.
  std::thread send_apart(std::string method, std::string target, std::string body,
                         const std::string& token, test::HttpResult& result) {
    return std::thread([this, method = std::move(method), target = std::move(target),
                        body = std::move(body), headers = auth(token), &result] {
      test::HttpClient client(app_->port());
      result = client.request(method, target, body, headers);
    });
  }
  // What verify's advisory groups check finds in the log so far: its report of the first
  // member a group lists though it left ("" when none), and how many memberships it looked at.
  std::pair<std::string, std::uint64_t> members_left_behind() {
    auto report = replay::verify(app_->store(), {.projections = false});
    if (!report) return {"verify failed: " + report.error(), 0};
    for (const auto& check : report->checks) {
      if (check.name != "groups") continue;
      if (!check.divergence) return {"", check.checked};
      return {check.divergence->expected + "; " + check.divergence->found, check.checked};
    }
    return {"no groups check", 0};
  }
  // The head once it passes `position`, or as it is after `patience` (a command held back or
  // not sent): for tests that hold the projections and watch commands commit.
  std::uint64_t head_past(std::uint64_t position, std::chrono::milliseconds patience) {
    const auto give_up = std::chrono::steady_clock::now() + patience;
    while (head() <= position && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return head();
  }

  struct Account {
    std::string token;
    std::string customer_id;
    std::string organization_id;
  };

  // Public signup of a new organization and its owner.
  Account signup(const std::string& organization, const std::string& email) {
    boost::json::object body{{"organizationName", organization},
                             {"organizationDescription", ""},
                             {"firstName", "First"},
                             {"lastName", "Owner"},
                             {"userDescription", ""},
                             {"userEmailAddress", email},
                             {"userPassword", "password-" + email},
                             {"agreeToTermsAndPolicies", 1}};
    auto r = client_->request("POST", "/api/v1/signup", boost::json::serialize(body),
                              {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 201) << r.body;
    if (r.status != 201) return {};
    auto v = json(r);
    return {str(v, "securityToken"), str(v, "id"), str(v, "organizationId")};
  }

  // Creates a customer as `creator` and logs it in.
  Account add_customer(const Account& creator, const std::string& email,
                       const std::string& role = "member", const std::string& organization = {}) {
    boost::json::object body{{"email", email},     {"password", "password-" + email},
                             {"firstName", "F"},   {"lastName", email},
                             {"role", role}};
    if (!organization.empty()) body["organizationId"] = organization;
    auto r = as(creator.token, "POST", "/api/v1/customers", boost::json::serialize(body));
    EXPECT_EQ(r.status, 201) << r.body;
    if (r.status != 201) return {};
    auto v = json(r);
    return {login(email, "password-" + email), str(v, "id"), str(v, "organizationId")};
  }

  test::HttpResult as(const std::string& token, const std::string& method,
                      const std::string& target, const std::string& body = {}) {
    return client_->request(method, target, body, auth(token));
  }

  // MoveCustomer into `by`'s organization (from Default), and removal from it (back to
  // Default), as `by`.
  test::HttpResult add_member(const Account& by, const std::string& customer_id) {
    return as(by.token, "POST", "/api/v1/organizations/" + by.organization_id + "/members",
              R"({"customerId":")" + customer_id + "\"}");
  }
  test::HttpResult remove_member(const Account& by, const std::string& customer_id) {
    return as(by.token, "DELETE",
              "/api/v1/organizations/" + by.organization_id + "/members/" + customer_id);
  }

  std::shared_ptr<rocksdb::Env> storage_env_;  // the operating system's file system when null
  TempDir dir_;
  std::unique_ptr<api::Application> app_;
  std::unique_ptr<test::HttpClient> client_;
  std::string token_;
};


}  // namespace orgd::e2e
