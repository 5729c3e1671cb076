#pragma once
// Secrets must never come back in an answer: no password hash (argon2id's "$argon2id$"
// prefix), no password the end-to-end tests use, and no login token's secret anywhere but in
// the answer that issued it (a login or a signup). Applied to every answer of every end-to-end test
// of the process (see openapi_e2e_test.cpp, which installs the process-wide response observer):
// history, /events, listings and error bodies alike.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "tests/e2e/orgd_fixture.hpp"
#include "tests/support/http_client.hpp"

namespace orgd::e2e {

class SecretScan {
 public:
  static SecretScan& instance() {
    static SecretScan scan;
    return scan;
  }

  void check(std::string_view method, std::string_view target, const test::HttpResult& result) {
    // Static documents: the OpenAPI document's examples show a made-up password on purpose.
    if (target == "/openapi.json" || target.starts_with("/apidocs")) return;
    const std::string& body = result.body;
    EXPECT_EQ(body.find("$argon2id$"), std::string::npos) << method << " " << target;
    EXPECT_EQ(body.find(kAdminPassword), std::string::npos) << method << " " << target;
    // The fixtures' passwords are "password-<email>"; the word alone appears in field names.
    EXPECT_EQ(body.find("\"password-"), std::string::npos) << method << " " << target;
    const bool issues_token =
        result.status == 201 && body.find("\"securityToken\"") != std::string::npos;
    std::lock_guard lock(mutex_);
    for (const auto& secret : secrets_) {
      EXPECT_EQ(body.find(secret), std::string::npos)
          << "a token secret in the answer to " << method << " " << target;
    }
    if (issues_token) remember_token(body);
    ++answers_;
  }

  [[nodiscard]] std::size_t answers_checked() const {
    std::lock_guard lock(mutex_);
    return answers_;
  }

 private:
  // Tokens are "<customerId>.<secret>": the secret part must not travel again.
  void remember_token(const std::string& body) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec || !v.is_object() || !v.as_object().contains("securityToken")) return;
    const std::string token(v.at("securityToken").as_string());
    secrets_.insert(token.substr(token.find('.') + 1));
  }

  mutable std::mutex mutex_;
  std::set<std::string> secrets_;  // guarded by mutex_
  std::size_t answers_{0};         // guarded by mutex_
};

}  // namespace orgd::e2e
