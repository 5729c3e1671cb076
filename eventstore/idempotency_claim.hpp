#pragma once
// The claim an append makes for the Idempotency-Key its command carried, so that a repeat can
// never be applied twice: scope "idempotency-key", value actor ":" key. Its owner is the
// request's id, which the log does not record. Claims of this scope are never released.
//
// Here, beside the envelope that records both halves of the value, so that the API (which
// makes the claim) and an auditor's verification (which checks every envelope's key was
// claimed) agree on its form.

#include <string>
#include <string_view>

namespace orgd::eventstore {

inline constexpr std::string_view kIdempotencyKeyScope = "idempotency-key";

[[nodiscard]] inline std::string idempotency_claim_value(std::string_view actor,
                                                         std::string_view key) {
  std::string value(actor);
  value += ':';
  value += key;
  return value;
}

}  // namespace orgd::eventstore
