#include "api/http/trace_context.hpp"

#include <gtest/gtest.h>

#include <set>

namespace orgd::api {
namespace {

bool is_lower_hex_32(const std::string& id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(NewTraceId, Is32LowercaseHexAndVaries) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto id = new_trace_id();
    EXPECT_TRUE(is_lower_hex_32(id)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(TraceIdFromTraceparent, TakesTheTraceIdOfAValidHeader) {
  EXPECT_EQ(trace_id_from_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
            "4bf92f3577b34da6a3ce929d0e0e4736");
  // A later version may append fields.
  EXPECT_EQ(
      trace_id_from_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-xyz"),
      "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST(TraceIdFromTraceparent, RejectsInvalidHeaders) {
  const char* invalid[] = {
      "",
      "garbage",
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",    // upper case
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",    // zero trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",    // zero parent id
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // forbidden version
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",  // v00 has no extra fields
      "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // bad separator
      "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",     // short trace id
      "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",   // junk after flags
  };
  for (const char* header : invalid) {
    EXPECT_FALSE(trace_id_from_traceparent(header)) << header;
  }
}

}  // namespace
}  // namespace orgd::api
