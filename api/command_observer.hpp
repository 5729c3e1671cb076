#pragma once
// How a command request ended, for metrics: told once per command, after its last attempt.

#include <cstdint>
#include <functional>

#include "api/http/http_types.hpp"

namespace orgd::api {

enum class CommandResult : std::uint8_t {
  ok,        // appended (or nothing to append) and visible in the read models
  conflict,  // 409: a stale version or a taken unique value, after the retries
  rejected,  // the rules said no (403, 404, 422, ...)
  failed,    // storage unavailable or shutting down (5xx)
};

// Called on the thread that finished the command (writer, projection or worker thread):
// must be cheap and must not block or throw.
using CommandObserver = std::function<void(const HttpRequest& request, CommandResult result)>;

}  // namespace orgd::api
