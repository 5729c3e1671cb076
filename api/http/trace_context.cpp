#include "api/http/trace_context.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <random>

namespace orgd::api {
namespace {

constexpr std::string_view kHexDigits = "0123456789abcdef";
// "00-" + 32 + "-" + 16 + "-" + 2
constexpr std::size_t kVersion00Length = 55;

bool is_lower_hex(std::string_view text) {
  return std::ranges::all_of(text,
                             [](char c) { return kHexDigits.find(c) != std::string_view::npos; });
}

bool is_all_zeros(std::string_view text) {
  return std::ranges::all_of(text, [](char c) { return c == '0'; });
}

std::mt19937_64& generator() {
  thread_local std::mt19937_64 engine = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  return engine;
}

}  // namespace

std::string correlation_id_for(const std::string& trace_id, bool client_chose_it) {
  if (!client_chose_it) return trace_id;
  std::string id = trace_id + '-';
  std::uint64_t bits = generator()();
  for (std::size_t i = 0; i < 16; ++i, bits >>= 4) id += kHexDigits[bits & 0xF];
  return id;
}

std::string new_trace_id() {
  std::string id(32, '0');
  do {
    for (std::size_t half = 0; half < 2; ++half) {
      std::uint64_t bits = generator()();
      for (std::size_t i = 0; i < 16; ++i, bits >>= 4) id[half * 16 + i] = kHexDigits[bits & 0xF];
    }
  } while (is_all_zeros(id));
  return id;
}

std::optional<std::string> trace_id_from_traceparent(std::string_view traceparent) {
  if (traceparent.size() < kVersion00Length) return std::nullopt;
  const std::string_view version = traceparent.substr(0, 2);
  const std::string_view trace_id = traceparent.substr(3, 32);
  const std::string_view parent_id = traceparent.substr(36, 16);
  const std::string_view flags = traceparent.substr(53, 2);
  const bool separators_ok =
      traceparent[2] == '-' && traceparent[35] == '-' && traceparent[52] == '-';
  if (!separators_ok || !is_lower_hex(version) || version == "ff") return std::nullopt;
  if (!is_lower_hex(trace_id) || !is_lower_hex(parent_id) || !is_lower_hex(flags)) {
    return std::nullopt;
  }
  if (is_all_zeros(trace_id) || is_all_zeros(parent_id)) return std::nullopt;
  // Version 00 has nothing after the flags; future versions may append "-<more>".
  if (traceparent.size() > kVersion00Length &&
      (version == "00" || traceparent[kVersion00Length] != '-')) {
    return std::nullopt;
  }
  return std::string(trace_id);
}

}  // namespace orgd::api
