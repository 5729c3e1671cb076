#pragma once
// Passwords and bearer tokens (libsodium).
//
// Passwords: argon2id via crypto_pwhash_str (OPSLIMIT_INTERACTIVE = 2 passes,
// MEMLIMIT_INTERACTIVE = 64 MiB, 16-byte random salt); the encoded string carries its
// parameters, so they can be raised later without breaking stored hashes.
// Tokens: "<customerId>.<secret>", the secret 32 random bytes in unpadded base64url. Only the
// BLAKE2b-256 hash of the secret is stored; a 256-bit random secret needs no slow hash.
//
// Thread-safety: all functions are thread-safe. Hashing a password takes ~0.1 s and 64 MiB:
// never call it on an I/O thread.

#include <expected>
#include <string>
#include <string_view>

namespace orgd::api {

// In characters (Unicode code points), as every string limit is counted.
inline constexpr std::size_t kMaxPasswordLength = 1024;
// Password work waiting for a worker (~0.1 s each on two workers) past which a request that
// needs more is answered 503 at once. Without a bound a flood of signups held every login up
// for as long as the flood lasted; with one bound for both, it would make logins fail. So a
// new password (signup, a new customer, a password change) is refused once 32 wait, and a
// login once 64 do: logins wait at most ~3 s behind any flood of the others, and are refused
// only by a flood of logins.
inline constexpr std::size_t kMaxQueuedNewPasswords = 32;
inline constexpr std::size_t kMaxQueuedPasswordWork = 64;

[[nodiscard]] std::expected<std::string, std::string> hash_password(std::string_view password);
// Constant time in the password; false for a malformed hash.
[[nodiscard]] bool verify_password(std::string_view stored_hash, std::string_view password);
// Burns the same time as verifying against a real hash, for logins with an unknown email, so
// response time does not reveal which emails exist.
void verify_against_dummy(std::string_view password);

struct IssuedToken {
  std::string token;       // returned to the client once, never stored
  std::string token_hash;  // stored
};
[[nodiscard]] IssuedToken issue_token(std::string_view customer_id);

struct PresentedToken {
  std::string customer_id;
  std::string token_hash;
};
// Parses "Bearer <customerId>.<secret>"; nullopt-like error when malformed.
[[nodiscard]] std::expected<PresentedToken, std::string> parse_bearer(
    std::string_view authorization);

// Constant-time equality for secrets of equal length; false when lengths differ.
[[nodiscard]] bool equal_secrets(std::string_view a, std::string_view b);

// A random 128-bit identifier in lowercase hex (session ids, API keys...).
[[nodiscard]] std::string random_hex(std::size_t bytes);

}  // namespace orgd::api
