#include "api/http/router.hpp"

#include <algorithm>
#include <array>
#include <expected>
#include <stdexcept>

#include "api/http/percent_decoding.hpp"
#include "api/http/problem.hpp"

namespace orgd::api {
namespace {

constexpr std::array<std::string_view, 7> kMethodNames = {"GET",   "HEAD",   "POST",   "PUT",
                                                          "PATCH", "DELETE", "OPTIONS"};

std::size_t index_of(HttpMethod method) { return static_cast<std::size_t>(method); }

constexpr std::string_view kUnsafeSegment = "a path segment decodes to '/', NUL or invalid UTF-8";

std::expected<std::string, std::string> decode_segment(std::string_view raw) {
  auto decoded = percent_decode(raw, PlusMeans::plus);
  if (!decoded) return std::unexpected("a path segment has a malformed %-escape");
  if (!is_safe_text(*decoded) || decoded->find('/') != std::string::npos) {
    return std::unexpected(std::string(kUnsafeSegment));
  }
  return std::move(*decoded);
}

// Splits "/a/b%20c" into {"a", "b c"}, refusing what could smuggle a different path past
// the handler: escaped slashes, NUL, invalid UTF-8, dot segments. It runs for every request,
// so a path without escapes (nearly all) is checked once as a whole and split without
// decoding.
std::expected<std::vector<std::string>, std::string> decode_path(std::string_view path) {
  if (path.empty() || path.front() != '/') {
    return std::unexpected("the request target must be an absolute path");
  }
  path.remove_prefix(1);
  const bool escaped = path.find('%') != std::string_view::npos;
  if (!escaped && !is_safe_text(path)) return std::unexpected(std::string(kUnsafeSegment));
  std::vector<std::string> segments;
  segments.reserve(static_cast<std::size_t>(std::ranges::count(path, '/')) + 1);
  for (;;) {
    const auto slash = path.find('/');
    const auto raw = path.substr(0, slash);
    std::expected<std::string, std::string> decoded =
        escaped ? decode_segment(raw) : std::string(raw);
    if (!decoded) return std::unexpected(std::move(decoded.error()));
    if (*decoded == "." || *decoded == "..") {
      return std::unexpected("'.' and '..' path segments are not allowed");
    }
    segments.push_back(std::move(*decoded));
    if (slash == std::string_view::npos) return segments;
    path.remove_prefix(slash + 1);
  }
}

bool is_parameter_name(std::string_view name) {
  return !name.empty() && std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

[[noreturn]] void bad_template(std::string_view path_template, std::string_view why) {
  throw std::invalid_argument("route template '" + std::string(path_template) +
                              "': " + std::string(why));
}

}  // namespace

Router& Router::add(HttpMethod method, std::string_view path_template, RouteHandler handler,
                    std::vector<std::string> query) {
  if (method == HttpMethod::other) bad_template(path_template, "HttpMethod::other");
  if (!handler) bad_template(path_template, "empty handler");
  if (path_template.empty() || path_template.front() != '/') {
    bad_template(path_template, "must start with '/'");
  }
  std::vector<Segment> segments;
  std::string_view rest = path_template.substr(1);
  for (;;) {
    const auto slash = rest.find('/');
    const std::string_view text = rest.substr(0, slash);
    if (text.size() >= 2 && text.front() == '{' && text.back() == '}') {
      const std::string_view name = text.substr(1, text.size() - 2);
      if (!is_parameter_name(name)) bad_template(path_template, "bad parameter name");
      if (std::ranges::any_of(
              segments, [name](const Segment& s) { return s.is_parameter && s.text == name; })) {
        bad_template(path_template, "parameter name used twice");
      }
      segments.push_back({std::string(name), true});
    } else if (text.find_first_of("{}") != std::string_view::npos) {
      bad_template(path_template, "'{' or '}' inside a literal segment");
    } else if (text.empty() && path_template != "/") {
      bad_template(path_template, "empty segment");
    } else {
      segments.push_back({std::string(text), false});
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }

  const auto same_shape = [&segments](const Route& route) {
    return std::ranges::equal(route.segments, segments, [](const Segment& a, const Segment& b) {
      return a.is_parameter == b.is_parameter && (a.is_parameter || a.text == b.text);
    });
  };
  auto route = std::ranges::find_if(routes_, same_shape);
  if (route == routes_.end()) {
    route =
        routes_.insert(routes_.end(), Route{std::string(path_template), std::move(segments), {}});
  } else if (route->path_template != path_template) {
    // Same paths under different parameter names would make params[] depend on the method.
    bad_template(path_template, "conflicts with '" + route->path_template + "'");
  }
  auto& slot = route->handlers[index_of(method)];
  if (slot) bad_template(path_template, "registered twice for the same method");
  slot = std::move(handler);
  route->query[index_of(method)] = std::move(query);
  return *this;
}

std::string_view method_name(HttpMethod method) {
  return method == HttpMethod::other ? std::string_view("OTHER") : kMethodNames[index_of(method)];
}

void Router::canonicalize_parameters_with(std::function<void(std::string&)> canonicalize) {
  canonicalize_ = std::move(canonicalize);
}

const Router::Route* Router::best_match(const std::vector<std::string>& segments) const {
  const auto matches = [&segments](const Route& route) {
    return std::ranges::equal(
        route.segments, segments, [](const Segment& pattern, const std::string& segment) {
          return pattern.is_parameter ? !segment.empty() : pattern.text == segment;
        });
  };
  // At the first segment where two candidates differ, the literal one is more specific.
  const auto more_specific = [](const Route& a, const Route& b) {
    for (std::size_t i = 0; i < a.segments.size(); ++i) {
      if (a.segments[i].is_parameter != b.segments[i].is_parameter) {
        return !a.segments[i].is_parameter;
      }
    }
    return false;
  };
  const Route* best = nullptr;
  for (const auto& route : routes_) {
    if (matches(route) && (best == nullptr || more_specific(route, *best))) best = &route;
  }
  return best;
}

std::optional<Router::Match> Router::handler_for(const Route& route, HttpMethod method) const {
  if (method == HttpMethod::other) return std::nullopt;
  const auto i = index_of(method);
  if (route.handlers[i]) return Match{&route.handlers[i], &route.query[i]};
  const auto get = index_of(HttpMethod::get);
  if (method == HttpMethod::head && route.handlers[get]) {
    return Match{&route.handlers[get], &route.query[get]};
  }
  return std::nullopt;
}

namespace {

std::string allow_header(const std::array<RouteHandler, kMethodNames.size()>& handlers) {
  std::string allow;
  for (std::size_t i = 0; i < handlers.size(); ++i) {
    const bool head_via_get =
        i == index_of(HttpMethod::head) && handlers[index_of(HttpMethod::get)];
    if (!handlers[i] && !head_via_get) continue;
    if (!allow.empty()) allow += ", ";
    allow += kMethodNames[i];
  }
  return allow;
}

// The 400 for a query string that does not parse or names a parameter the route does not
// take; nullopt when it is fine.
std::optional<HttpResponse> refused_query(const HttpRequest& request,
                                          const std::vector<std::string>& taken) {
  if (request.query.empty()) return std::nullopt;
  auto query = parse_query(request.query);
  if (!query) return query_error_response(request, query.error());
  for (const auto& [name, value] : *query) {
    if (std::ranges::find(taken, name) == taken.end()) {
      const FieldError error{name, "unknown query parameter"};
      return problem_response(request, 400, "validation-failed", "validation failed",
                              "unknown query parameter", std::span<const FieldError>(&error, 1));
    }
  }
  return std::nullopt;
}

}  // namespace

std::expected<Router::Resolved, HttpResponse> Router::resolve(const HttpRequest& request,
                                                              std::string_view& matched) const {
  auto segments = decode_path(request.path);
  if (!segments) {
    return std::unexpected(
        problem_response(request, 400, "invalid-path", "invalid path", segments.error()));
  }
  const Route* route = best_match(*segments);
  if (route == nullptr) {
    return std::unexpected(problem_response(request, 404, "not-found", "not found",
                                            "no resource is served at this path"));
  }
  matched = route->path_template;
  const auto match = handler_for(*route, request.method);
  if (!match) {
    auto response = problem_response(request, 405, "method-not-allowed", "method not allowed",
                                     "method " + request.method_name + " is not allowed here");
    response.headers.emplace_back("Allow", allow_header(route->handlers));
    return std::unexpected(std::move(response));
  }
  if (auto refused = refused_query(request, *match->query)) return std::unexpected(*refused);
  return Resolved{route, *match, std::move(*segments)};
}

void Router::dispatch(HttpRequest request, Responder respond) const {
  std::string_view matched;
  auto resolved = resolve(request, matched);
  if (!matched.empty()) respond.matched(matched);
  if (!resolved) return respond(std::move(resolved.error()));
  const Route& route = *resolved->route;
  PathParams params;
  for (std::size_t i = 0; i < route.segments.size(); ++i) {
    if (route.segments[i].is_parameter) {
      if (canonicalize_) canonicalize_(resolved->segments[i]);
      params.add(route.segments[i].text, std::move(resolved->segments[i]));
    }
  }
  (*resolved->match.handler)(std::move(request), std::move(params), std::move(respond));
}

std::optional<HttpResponse> Router::refusal(const HttpRequest& request) const {
  std::string_view matched;
  auto resolved = resolve(request, matched);
  if (resolved) return std::nullopt;
  return std::move(resolved.error());
}

std::string_view Router::route_template(const HttpRequest& request) const {
  return route_template(std::string_view{request.path});
}

std::string_view Router::route_template(std::string_view path) const {
  const auto segments = decode_path(path);
  if (!segments) return {};
  const Route* route = best_match(*segments);
  return route == nullptr ? std::string_view{} : std::string_view{route->path_template};
}

std::vector<std::pair<HttpMethod, std::string>> Router::routes() const {
  std::vector<std::pair<HttpMethod, std::string>> out;
  for (const auto& route : routes_) {
    for (std::size_t i = 0; i < route.handlers.size(); ++i) {
      if (route.handlers[i]) out.emplace_back(static_cast<HttpMethod>(i), route.path_template);
    }
  }
  return out;
}

RequestHandler Router::handler() const {
  return [this](HttpRequest request, Responder respond) {
    dispatch(std::move(request), std::move(respond));
  };
}

}  // namespace orgd::api
