#pragma once
// Trace ids: one per request, echoed as X-Trace-Id and in every problem's `traceId`, so a
// client's report can be matched to our logs. A W3C Trace Context `traceparent` header
// (https://www.w3.org/TR/trace-context/#traceparent-header) lets a caller choose it.
//
// Thread-safety: all functions may be called from any thread.

#include <optional>
#include <string>
#include <string_view>

namespace orgd::api {

// 32 lowercase hex characters from a per-thread generator; never all zeros (invalid in W3C).
// Unpredictable enough for correlation, not for secrets.
[[nodiscard]] std::string new_trace_id();

// The trace-id field of `traceparent` when it is a valid header value, else nullopt.
// Accepts version 00 exactly ("00-<32 hex>-<16 hex>-<2 hex>") and, as the spec asks, later
// versions that start the same way; rejects version ff, upper-case hex and all-zero ids.
[[nodiscard]] std::optional<std::string> trace_id_from_traceparent(std::string_view traceparent);

}  // namespace orgd::api
