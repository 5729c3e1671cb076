#pragma once
// Maps (method, path template) to handlers, and answers what no handler owns:
//   400 invalid-path        a %-escape is malformed, or a segment decodes to something that
//                           is not UTF-8 or holds '/' or NUL, or a segment is "." or "..";
//   404 not-found           no template matches the path;
//   405 method-not-allowed  a template matches but not the method (with an `Allow` header).
//
// Templates are absolute paths of '/'-separated segments, each a literal or a `{name}`
// parameter matching one whole non-empty segment: "/api/v1/organizations/{id}/members".
// Literals compare with the percent-decoded segment; parameters receive it decoded. A
// trailing slash is a different path ("/x/" does not match "/x"). When several templates
// match, the more literal one wins at the first segment where they differ
// ("/sessions/current" over "/sessions/{id}"). HEAD falls back to the GET handler.
//
// Each (method, template) names the query parameters it takes; a request with any other, or
// with a query string that does not parse (query_params.hpp), is answered 400 before its
// handler runs, so no route silently ignores a parameter (an `asOf` it does not know, a typo
// that would widen a listing).
//
// Thread-safety: add() while setting up, before the router is shared; after that every
// const member may be called from any thread concurrently.

#include <array>
#include <cstddef>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http/http_types.hpp"
#include "api/http/params.hpp"
#include "api/http/query_params.hpp"

namespace orgd::api {

using RouteHandler =
    std::function<void(HttpRequest&& request, PathParams params, Responder&& respond)>;

// "GET", "POST", ... as sent on the wire; "OTHER" for HttpMethod::other.
[[nodiscard]] std::string_view method_name(HttpMethod method);

class Router {
 public:
  // Registers `handler`. Throws std::invalid_argument for a malformed template (not starting
  // with '/', an empty segment, '{' or '}' inside a literal, a parameter name that is not
  // [A-Za-z0-9_]+, a name used twice) or an already registered (method, template): these
  // are programmer errors, found at startup. HttpMethod::other cannot be registered.
  // `query`: the names of the query parameters the handler takes (none by default).
  Router& add(HttpMethod method, std::string_view path_template, RouteHandler handler,
              std::vector<std::string> query = {});

  // Applied to every path parameter's decoded value before a handler sees it (orgd: ids to
  // their canonical case). Default: none. Set before dispatching.
  void canonicalize_parameters_with(std::function<void(std::string&)> canonicalize);

  // Runs the matching handler on the calling thread, or answers 400/404/405 through
  // `respond`. Never throws unless the handler does.
  void dispatch(HttpRequest request, Responder respond) const;

  // The 400, 404 or 405 dispatch() would answer `request` with, without running a handler;
  // nullopt when a handler would run.
  [[nodiscard]] std::optional<HttpResponse> refusal(const HttpRequest& request) const;

  // The template `request` matches regardless of method (e.g. for metrics labels), or an
  // empty view when none does. The view lives as long as the router.
  [[nodiscard]] std::string_view route_template(const HttpRequest& request) const;
  // The same for a raw (not percent-decoded) path without the query.
  [[nodiscard]] std::string_view route_template(std::string_view path) const;

  // Every registered (method, template), in registration order (HEAD only where registered
  // itself, not where it falls back to GET); for the API description and its tests.
  [[nodiscard]] std::vector<std::pair<HttpMethod, std::string>> routes() const;

  // Adapts dispatch() to the server; the router must outlive the server.
  [[nodiscard]] RequestHandler handler() const;

 private:
  static constexpr std::size_t kMethodCount = static_cast<std::size_t>(HttpMethod::other);

  struct Segment {
    std::string text;  // literal text, or the parameter name
    bool is_parameter{false};
  };
  struct Route {
    std::string path_template;
    std::vector<Segment> segments;
    std::array<RouteHandler, kMethodCount> handlers;  // indexed by HttpMethod
    std::array<std::vector<std::string>, kMethodCount> query;  // parameters each one takes
  };
  struct Match {
    const RouteHandler* handler;
    const std::vector<std::string>* query;
  };

  // What dispatch() runs: the route, its handler and the path's decoded segments.
  struct Resolved {
    const Route* route;
    Match match;
    std::vector<std::string> segments;
  };

  [[nodiscard]] const Route* best_match(const std::vector<std::string>& segments) const;
  [[nodiscard]] std::optional<Match> handler_for(const Route& route, HttpMethod method) const;
  // The handler for `request`, or the 400/404/405 to answer; `matched` is set to the route's
  // template whenever a route matched the path.
  [[nodiscard]] std::expected<Resolved, HttpResponse> resolve(const HttpRequest& request,
                                                              std::string_view& matched) const;

  std::vector<Route> routes_;
  std::function<void(std::string&)> canonicalize_;
};

}  // namespace orgd::api
