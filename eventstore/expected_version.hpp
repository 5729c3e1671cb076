#pragma once
// What a writer believes about a stream's version when it appends.

#include <cstdint>

namespace orgd::eventstore {

struct ExpectedVersion {
  enum class Kind : std::uint8_t {
    any,        // no check
    no_stream,  // the stream must not exist (version 0)
    exists,     // the stream must have at least one event
    exact,      // the stream's version must equal `version` (0 means "no stream")
  };
  Kind kind{Kind::any};
  std::uint64_t version{0};

  static constexpr ExpectedVersion any() { return {Kind::any, 0}; }
  static constexpr ExpectedVersion no_stream() { return {Kind::no_stream, 0}; }
  static constexpr ExpectedVersion exists() { return {Kind::exists, 0}; }
  static constexpr ExpectedVersion exact(std::uint64_t v) { return {Kind::exact, v}; }

  // True when a stream currently at `current` (0 = absent) satisfies this expectation.
  [[nodiscard]] constexpr bool matches(std::uint64_t current) const {
    switch (kind) {
      case Kind::any: return true;
      case Kind::no_stream: return current == 0;
      case Kind::exists: return current > 0;
      case Kind::exact: return current == version;
    }
    return false;
  }
};

}  // namespace orgd::eventstore
