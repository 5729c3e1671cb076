#include "api/credentials.hpp"

#include <sodium.h>

#include <algorithm>
#include <mutex>
#include <vector>

namespace orgd::api {
namespace {

void ensure_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();  // no safe way to continue without a CSPRNG
  });
}

std::string hex_of(const unsigned char* bytes, std::size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, size);
  out.pop_back();
  return out;
}

std::string hash_secret(std::string_view secret) {
  unsigned char digest[crypto_generichash_BYTES];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size(), nullptr, 0);
  return hex_of(digest, sizeof digest);
}

const std::string& dummy_hash() {
  static const std::string hash = [] {
    auto h = hash_password("orgd-dummy-password-for-timing");
    return h ? *h : std::string();
  }();
  return hash;
}

}  // namespace

std::expected<std::string, std::string> hash_password(std::string_view password) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return std::unexpected("password hashing ran out of memory");
  }
  return std::string(out);
}

bool verify_password(std::string_view stored_hash, std::string_view password) {
  ensure_sodium();
  const std::string hash(stored_hash);  // needs NUL termination
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void verify_against_dummy(std::string_view password) {
  (void)verify_password(dummy_hash(), password);
}

std::string random_hex(std::size_t bytes) {
  ensure_sodium();
  std::vector<unsigned char> buffer(bytes);
  randombytes_buf(buffer.data(), buffer.size());
  return hex_of(buffer.data(), buffer.size());
}

IssuedToken issue_token(std::string_view customer_id) {
  ensure_sodium();
  unsigned char secret[32];
  randombytes_buf(secret, sizeof secret);
  const std::size_t encoded_len =
      sodium_base64_ENCODED_LEN(sizeof secret, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::string encoded(encoded_len, '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), secret, sizeof secret,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  encoded.resize(encoded_len - 1);
  sodium_memzero(secret, sizeof secret);
  return {std::string(customer_id) + "." + encoded, hash_secret(encoded)};
}

std::expected<PresentedToken, std::string> parse_bearer(std::string_view authorization) {
  constexpr std::string_view kScheme = "Bearer ";
  const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
  const bool scheme_ok =
      authorization.size() > kScheme.size() &&
      std::equal(kScheme.begin(), kScheme.end(), authorization.begin(),
                 [&](char a, char b) { return lower(a) == lower(b); });
  if (!scheme_ok) {
    return std::unexpected("expected \"Authorization: Bearer <token>\"");
  }
  const std::string_view token = authorization.substr(kScheme.size());
  const std::size_t dot = token.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == token.size() ||
      token.size() > 256) {
    return std::unexpected("malformed token");
  }
  return PresentedToken{std::string(token.substr(0, dot)), hash_secret(token.substr(dot + 1))};
}

bool equal_secrets(std::string_view a, std::string_view b) {
  ensure_sodium();
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace orgd::api
