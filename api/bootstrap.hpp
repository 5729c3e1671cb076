#pragma once
// First-start state: the Default organization, and the SuperAdmin named by ORGD_ADMIN_EMAIL /
// ORGD_ADMIN_PASSWORD when no customer has that email yet. Idempotent: later starts change
// nothing (an existing SuperAdmin's password is not reset from the environment).

#include <expected>
#include <string>

#include "api/api_context.hpp"

namespace orgd::api {

struct BootstrapOptions {
  std::string admin_email;     // empty: no SuperAdmin is created
  std::string admin_password;  // hashed with argon2id before it is recorded
};

[[nodiscard]] std::expected<void, std::string> bootstrap(ApiContext& context,
                                                         const BootstrapOptions& options);

}  // namespace orgd::api
