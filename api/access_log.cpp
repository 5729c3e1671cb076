#include "api/access_log.hpp"

#include <spdlog/logger.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "api/ids.hpp"

namespace orgd::api {
namespace {

// Methods are HTTP tokens (Beast checks), but a client can send a long one.
constexpr std::size_t kMaxMethodLength = 16;

std::string_view route_or_unmatched(std::string_view route) {
  return route.empty() ? std::string_view("unmatched") : route;
}

double milliseconds(std::chrono::nanoseconds duration) {
  // Microsecond precision is plenty and keeps the lines short.
  return std::round(std::chrono::duration<double, std::milli>(duration).count() * 1000.0) /
         1000.0;
}

}  // namespace

std::string access_log_json(const CompletedRequest& request, std::string_view route,
                            std::int64_t at_ms) {
  boost::json::object line;
  line["time"] = format_iso8601(at_ms);
  line["level"] = "info";
  line["logger"] = "access";
  line["msg"] = "request";
  line["method"] = request.method.substr(0, kMaxMethodLength);
  line["route"] = route_or_unmatched(route);
  line["status"] = request.status;
  line["duration_ms"] = milliseconds(request.duration);
  line["trace_id"] = request.trace_id;
  return boost::json::serialize(line);
}

std::string access_log_text(const CompletedRequest& request, std::string_view route) {
  const std::string_view method =
      request.method.empty() ? std::string_view("-") : request.method.substr(0, kMaxMethodLength);
  char figures[48];
  std::snprintf(figures, sizeof figures, " %d %.3fms trace_id=", request.status,
                milliseconds(request.duration));
  std::string line(method);
  line += ' ';
  line += route_or_unmatched(route);
  line += figures;
  line += request.trace_id;
  return line;
}

void AccessLog::record(const CompletedRequest& request, std::string_view route) const {
  if (!options_.logger || !options_.logger->should_log(spdlog::level::info)) return;
  const std::string line =
      options_.json ? access_log_json(request, route, now_ms()) : access_log_text(request, route);
  options_.logger->info(line);
}

}  // namespace orgd::api
