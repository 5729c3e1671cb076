#pragma once
// First-start state: the Default organization, and the SuperAdmin named by ORGD_ADMIN_EMAIL /
// ORGD_ADMIN_PASSWORD when no customer has that email yet. Idempotent: later starts change
// nothing (an existing SuperAdmin's password is not reset from the environment).

#include <expected>
#include <string>

#include "api/api_context.hpp"
#include "api/start_failure.hpp"

namespace orgd::api {

struct BootstrapOptions {
  std::string admin_email;     // empty: no SuperAdmin is created
  std::string admin_password;  // hashed with argon2id before it is recorded
};

// A password or email the SuperAdmin cannot be created with is bad configuration; it is
// found only at the start that creates it (later starts do not need the password).
[[nodiscard]] std::expected<void, StartFailure> bootstrap(ApiContext& context,
                                                          const BootstrapOptions& options);

}  // namespace orgd::api
