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

// A request's correlation id (the events' correlationId): its trace id when orgd chose it
// (one per request), else the client's trace id, '-', and 16 fresh lowercase hex characters.
// A client may send one traceparent with many requests (a trace spans many operations), and a
// correlation id names one command; its prefix still finds the trace.
[[nodiscard]] std::string correlation_id_for(const std::string& trace_id, bool client_chose_it);

// The trace-id field of `traceparent` when it is a valid header value, else nullopt.
// Accepts version 00 exactly ("00-<32 hex>-<16 hex>-<2 hex>") and, as the spec asks, later
// versions that start the same way; rejects version ff, upper-case hex and all-zero ids.
[[nodiscard]] std::optional<std::string> trace_id_from_traceparent(std::string_view traceparent);

}  // namespace orgd::api
