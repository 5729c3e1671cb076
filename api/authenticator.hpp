#pragma once
// Bearer-token authentication: "Authorization: Bearer <customerId>.<secret>".
// Thread-safety: any thread (reads read models only).

#include <cstdint>
#include <expected>
#include <string>

#include "api/http/http_types.hpp"
#include "domain/caller.hpp"
#include "projections/customer_queries.hpp"

namespace orgd::api {

struct Authenticated {
  domain::Caller caller;
  std::string session_id;
  std::string token_hash;
};

class Authenticator {
 public:
  explicit Authenticator(const projections::CustomerQueries& customers) : customers_(customers) {}

  // The caller, or the 401 (missing, malformed, unknown, expired or revoked token) or 503
  // problem to answer with.
  [[nodiscard]] std::expected<Authenticated, HttpResponse> authenticate(
      const HttpRequest& request, std::int64_t now_ms) const;

 private:
  const projections::CustomerQueries& customers_;
};

}  // namespace orgd::api
