#include "eventstore/printable_bytes.hpp"

namespace orgd::eventstore {

std::string printable_bytes(std::string_view bytes) {
  constexpr std::size_t kMax = 160;
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kDigits[c >> 4];
      out += kDigits[c & 15];
    }
  }
  if (bytes.size() > kMax) out += "... (" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

}  // namespace orgd::eventstore
