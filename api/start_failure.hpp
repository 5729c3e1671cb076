#pragma once
// Why orgd did not start. The operator's own setting at fault (the SuperAdmin's password or
// email, the Swagger UI directory, the idempotency window) is bad configuration, which orgd
// exits 2 for as for a bad flag; anything else (the data directory, the disk, the port) is a
// failed start, exit 1.

#include <string>

namespace orgd::api {

struct StartFailure {
  std::string message;
  bool bad_configuration{false};
};

[[nodiscard]] inline StartFailure failed_start(std::string message) {
  return {std::move(message), false};
}
[[nodiscard]] inline StartFailure bad_configuration(std::string message) {
  return {std::move(message), true};
}

}  // namespace orgd::api
