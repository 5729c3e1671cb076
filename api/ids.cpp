#include "api/ids.hpp"

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <chrono>
#include <string_view>

namespace orgd::api {

std::string new_uuid_v7(std::int64_t unix_ms) {
  // Boost 1.81 has no v7 generator: take its random UUID and lay the timestamp and version
  // over it as RFC 9562 section 5.7 describes.
  thread_local boost::uuids::random_generator generator;
  boost::uuids::uuid id = generator();
  auto ms = static_cast<std::uint64_t>(unix_ms);
  for (int i = 5; i >= 0; --i) {
    id.data[i] = static_cast<std::uint8_t>(ms & 0xff);
    ms >>= 8;
  }
  id.data[6] = static_cast<std::uint8_t>(0x70 | (id.data[6] & 0x0f));  // version 7
  id.data[8] = static_cast<std::uint8_t>(0x80 | (id.data[8] & 0x3f));  // RFC 4122 variant
  return boost::uuids::to_string(id);
}

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (dash ? c != '-' : !hex) return false;
  }
  return true;
}

void canonicalize_id(std::string& text) {
  if (!is_uuid(text)) return;
  for (char& c : text) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace orgd::api
