#pragma once
// Bearer-token authentication: "Authorization: Bearer <customerId>.<secret>".
//
// A token that authenticated is remembered in memory at the read models' position
// (remembered_at_position.hpp: `position` is the projection runner's settled position). Until
// that position moves, no event has changed any session or customer, so the same answer holds
// and the two read-model reads (session, customer) are skipped; they were a fifth of a GET's
// instructions. Expiry and the customer part of the token are still checked on every request.
// Only successes are remembered, at most kRemembered tokens, by the token's hash, like the
// sessions read model keeps them.
//
// Thread-safety: any thread.

#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>

#include "api/credentials.hpp"
#include "api/http/http_types.hpp"
#include "api/remembered_at_position.hpp"
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
  static constexpr std::size_t kRemembered = 4096;

  Authenticator(const projections::CustomerQueries& customers,
                std::function<std::optional<std::uint64_t>()> position)
      : customers_(customers), remembered_(std::move(position), kRemembered) {}

  // The caller, or the 401 (missing, malformed, unknown, expired or revoked token) or 503
  // problem to answer with.
  [[nodiscard]] std::expected<Authenticated, HttpResponse> authenticate(const HttpRequest& request,
                                                                        std::int64_t now_ms) const;

 private:
  struct Remembered {
    std::string customer_id;
    std::int64_t expires_at_ms{0};
    Authenticated authenticated;
  };

  [[nodiscard]] std::expected<Remembered, HttpResponse> look_up(const HttpRequest& request,
                                                                const PresentedToken& token) const;
  [[nodiscard]] std::expected<Authenticated, HttpResponse> check(const HttpRequest& request,
                                                                 const PresentedToken& token,
                                                                 const Remembered& remembered,
                                                                 std::int64_t now_ms) const;

  const projections::CustomerQueries& customers_;
  RememberedAtPosition<Remembered> remembered_;  // by token hash
};

}  // namespace orgd::api
