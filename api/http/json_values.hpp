#pragma once
// Reading single JSON values with simdjson On-Demand. Internal to api/http (json_body).
//
// On-Demand parsing validates only what it reads, so every value of a request body is
// either decoded or consume()d: that is what makes a body fully checked, skipped members
// included. Nesting levels count from the top-level object (level 1) and stop at
// kMaxJsonDepth, which also bounds the recursion here.
//
// Thread-safety: pure functions over the caller's document.

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <expected>
#include <string>

#include "api/http/json_body.hpp"

namespace orgd::api::json_detail {

namespace ondemand = simdjson::ondemand;
using ondemand::json_type;

// Malformed JSON aborts the whole read (the error is the detail); problems with single
// members are reported separately and reading goes on.
using Walk = std::expected<void, std::string>;

[[nodiscard]] std::unexpected<std::string> malformed(simdjson::error_code error);

// Fails when a container at nesting `level` would exceed kMaxJsonDepth.
[[nodiscard]] Walk check_level(std::size_t level);

// Parses and discards `value`, which sits at nesting `level`.
[[nodiscard]] Walk consume(ondemand::value& value, std::size_t level);

// Decoders read one non-null value whose type() is `type`. A value of another type, or one
// breaking `rule`, leaves `out` alone and is explained in `message` (a value of the wrong
// type is consumed); `message` stays empty on success.
[[nodiscard]] Walk decode(ondemand::value& value, json_type type, const StringRule& rule,
                          std::size_t level, std::string& out, std::string& message);
[[nodiscard]] Walk decode(ondemand::value& value, json_type type, const IntegerRule& rule,
                          std::size_t level, std::int64_t& out, std::string& message);
[[nodiscard]] Walk decode(ondemand::value& value, json_type type, const BooleanRule& rule,
                          std::size_t level, bool& out, std::string& message);

}  // namespace orgd::api::json_detail
