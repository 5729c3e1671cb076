// Fuzz target: the JSON body of every command route, through the real server. At start-up it
// runs an Application (RocksDB in a temporary directory, HTTP on a loopback port, the
// SuperAdmin bootstrapped), logs in and creates one entity of each kind to act on; then
// every input is one request over a keep-alive connection, like any client's.
//
// Input: byte 0 picks the route (kCommandRoutes, command_routes.hpp); the rest is the body,
// with the placeholders $ORG, $CUSTOMER, $GROUP, $CONTRACT replaced by the entities' ids.
//
// Invariants: every answer is 2xx or 4xx (a 5xx is a server fault: the database is healthy);
// a 4xx is a problem document (application/problem+json whose `status` is the status) and
// appended nothing to the log; every body is strict JSON (UTF-8). A request that gets no
// answer within the client's deadline throws, which libFuzzer reports as a crash too.
//
// The database lives as long as the process, so an input's answer may depend on inputs
// before it (a name already taken, a version moved on); a crash input reproduces on its own
// when the fault is in body handling, which is what this target is about.

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/json/parse.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "api/application.hpp"
#include "tests/fuzz/command_routes.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/support/http_client.hpp"

// Passwords are hashed with argon2id at its minimum cost in this process. orgd's own cost
// (0.1 s and 64 MiB a hash) would make every valid signup, login or password change take 0.1
// s and the whole run crawl; the code path is the same, and verification reads the cost from
// the stored hash. This definition takes precedence over libsodium's (a shared library).
extern "C" int crypto_pwhash_str_alg(char out[crypto_pwhash_STRBYTES], const char* const passwd,
                                     unsigned long long passwdlen, unsigned long long /*opslimit*/,
                                     size_t /*memlimit*/, int /*alg*/) {
  return crypto_pwhash_argon2id_str(out, passwd, passwdlen, crypto_pwhash_argon2id_OPSLIMIT_MIN,
                                    crypto_pwhash_argon2id_MEMLIMIT_MIN);
}

namespace {

using orgd::fuzz::CommandRoute;
using orgd::fuzz::kCommandRoutes;
using orgd::test::HttpResult;

constexpr std::string_view kAdminEmail = "root@fuzz.test";
constexpr std::string_view kAdminPassword = "fuzz admin password";

struct Fixture {
  std::filesystem::path dir;
  std::unique_ptr<orgd::api::Application> app;
  std::unique_ptr<orgd::test::HttpClient> client;
  std::string token;
  std::map<std::string, std::string, std::less<>> ids;  // placeholder -> entity id

  ~Fixture() {
    client.reset();
    app.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

// Created by LLVMFuzzerInitialize, destroyed by tear_down() at exit (libFuzzer's normal end):
// not a static object, whose destructor would run after RocksDB's own statics are gone.
Fixture* fixture = nullptr;

void tear_down() {
  delete fixture;
  fixture = nullptr;
}

[[noreturn]] void fail(std::string_view what, const CommandRoute& route, std::string_view target,
                       const HttpResult& result) {
  std::fprintf(stderr, "%.*s %.*s answered %d: %.*s\n", static_cast<int>(route.method.size()),
               route.method.data(), static_cast<int>(target.size()), target.data(), result.status,
               static_cast<int>(std::min<std::size_t>(result.body.size(), 2000)),
               result.body.data());
  fuzz_check(false, std::string(what).c_str());
  std::abort();
}

// As `token`'s holder; the SuperAdmin's when empty, nobody's when `anonymous`.
HttpResult send(std::string_view method, std::string_view target, std::string_view body,
                bool anonymous, std::string_view token = {}) {
  orgd::test::Headers headers{{"Content-Type", "application/json"}};
  if (!anonymous) {
    headers.emplace_back("Authorization",
                         "Bearer " + std::string(token.empty() ? fixture->token : token));
  }
  return fixture->client->request(method, target, body, headers);
}

// The "id" of what a set-up request created (as `token`'s holder: see send).
std::string created_id(std::string_view method, std::string_view target, std::string_view body,
                       std::string_view token = {}) {
  const HttpResult result = send(method, target, body, false, token);
  boost::system::error_code ec;
  const auto json = boost::json::parse(result.body, ec);
  if (result.status != 201 || ec || !json.is_object() || !json.as_object().contains("id")) {
    fail("set-up request failed", {method, target, false, body}, target, result);
  }
  return std::string(json.as_object().at("id").as_string());
}

// The securityToken of a login with `credentials` ({"email", "password"}).
std::string session_token(std::string_view credentials) {
  const HttpResult session = send("POST", "/api/v1/sessions", credentials, true);
  boost::system::error_code ec;
  const auto json = boost::json::parse(session.body, ec);
  if (session.status != 201 || ec) fail("login failed", kCommandRoutes[0], "", session);
  return std::string(json.as_object().at("securityToken").as_string());
}

std::string replace_placeholders(std::string text) {
  for (const auto& [placeholder, id] : fixture->ids) {
    for (auto at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at + id.size())) {
      text.replace(at, placeholder.size(), id);
    }
  }
  return text;
}

// "/api/v1/organizations/{id}/members/{customerId}/role" -> the set-up entities' ids.
std::string fill_path(std::string_view path_template) {
  static const std::map<std::string_view, std::string_view> kCollections = {
      {"organizations", "$ORG"},
      {"customers", "$CUSTOMER"},
      {"groups", "$GROUP"},
      {"contracts", "$CONTRACT"},
      {"resources", "$RESOURCE"}};
  std::string path;
  std::string_view previous;
  std::size_t start = 1;
  while (start <= path_template.size()) {
    const std::size_t slash = std::min(path_template.find('/', start), path_template.size());
    const std::string_view segment = path_template.substr(start, slash - start);
    std::string_view placeholder;
    if (segment == "{customerId}") {
      placeholder = "$CUSTOMER";
    } else if (segment == "{id}" && kCollections.contains(previous)) {
      placeholder = kCollections.at(previous);
    } else {
      fuzz_check(segment.find('{') == std::string_view::npos,
                 "command_routes.hpp: a path parameter the target cannot fill");
    }
    path += '/';
    path += placeholder.empty() ? std::string(segment) : fixture->ids.at(std::string(placeholder));
    previous = segment;
    start = slash + 1;
  }
  return path;
}

std::string_view method_name(orgd::api::HttpMethod method) {
  switch (method) {
    case orgd::api::HttpMethod::post:
      return "POST";
    case orgd::api::HttpMethod::put:
      return "PUT";
    case orgd::api::HttpMethod::patch:
      return "PATCH";
    default:
      return "";
  }
}

// Every command route of the server is in command_routes.hpp, and nothing else is.
void check_route_table(const std::vector<std::pair<orgd::api::HttpMethod, std::string>>& routes) {
  std::size_t listed = 0;
  for (const auto& [method, path_template] : routes) {
    const std::string_view name = method_name(method);
    if (name.empty()) continue;
    const bool fuzzed = std::ranges::any_of(kCommandRoutes, [&](const CommandRoute& route) {
      return route.method == name && route.path_template == path_template;
    });
    const bool bodiless = std::ranges::find(orgd::fuzz::kBodilessCommands, path_template) !=
                          orgd::fuzz::kBodilessCommands.end();
    if (!fuzzed && !bodiless) {
      std::fprintf(stderr, "%.*s %s is not in tests/fuzz/command_routes.hpp\n",
                   static_cast<int>(name.size()), name.data(), path_template.c_str());
      std::abort();
    }
    listed += fuzzed ? 1 : 0;
  }
  // Two table rows share POST /api/v1/customers (with and without a token).
  fuzz_check(listed + 1 == kCommandRoutes.size(),
             "command_routes.hpp lists a route the server does not have");
}

void set_up() {
  fixture = new Fixture;
  std::random_device random;
  fixture->dir = std::filesystem::temp_directory_path() /
                 ("orgd-fuzz-" + std::to_string(random()) + std::to_string(random()));
  orgd::api::OrgdOptions options;
  options.listen_port = 0;
  options.data_dir = fixture->dir / "data";
  options.io_threads = 2;
  options.bootstrap = {std::string(kAdminEmail), std::string(kAdminPassword)};
  auto app = orgd::api::Application::start(options);
  if (!app) {
    std::fprintf(stderr, "cannot start orgd: %s\n", app.error().message.c_str());
    std::abort();
  }
  fixture->app = std::move(*app);
  // Registered after the database opened, so it runs before the statics that opening created
  // are destroyed.
  std::atexit(tear_down);
  check_route_table(fixture->app->routes());
  fixture->client = std::make_unique<orgd::test::HttpClient>(fixture->app->port(), "127.0.0.1",
                                                             std::chrono::seconds(60));

  const std::string login = R"({"email":")" + std::string(kAdminEmail) + R"(","password":")" +
                            std::string(kAdminPassword) + R"("})";
  fixture->token = session_token(login);

  auto& ids = fixture->ids;
  ids["$ORG"] = created_id("POST", "/api/v1/organizations", R"({"name":"Fuzz Org"})");
  ids["$CUSTOMER"] = created_id(
      "POST", "/api/v1/customers",
      R"({"email":"member@fuzz.test","password":"password-0","firstName":"M","lastName":"E",)"
      R"("organizationId":")" +
          ids["$ORG"] + R"("})");
  ids["$GROUP"] = created_id("POST", "/api/v1/organizations/" + ids["$ORG"] + "/groups",
                             R"({"name":"Fuzzers","kind":"customers"})");
  ids["$CONTRACT"] =
      created_id("POST", "/api/v1/contracts", R"({"title":"T","text":"Terms.","version":"1"})");
  // A resource belongs to a customer (platform accounts own none); the SuperAdmin, whose
  // token the fuzzed commands carry, reaches it as it reaches every resource.
  const std::string member =
      session_token(R"({"email":"member@fuzz.test","password":"password-0"})");
  ids["$RESOURCE"] = created_id("POST", "/api/v1/resources",
                                R"({"kind":"app-backend","name":"Fuzz Backend"})", member);
}

void check_answer(const CommandRoute& route, std::string_view target, const HttpResult& result,
                  std::uint64_t head_before) {
  const int status = result.status;
  if (status < 200 || status >= 500)
    fail("a command answered outside 2xx/4xx", route, target, result);
  if (status == 204) return;
  boost::system::error_code ec;
  const auto json = boost::json::parse(result.body, ec);
  if (ec) fail("the answer is not strict JSON", route, target, result);
  if (status < 400) return;
  if (result.header("Content-Type") != "application/problem+json") {
    fail("an error answer is not a problem document", route, target, result);
  }
  const auto* problem = json.if_object();
  if (problem == nullptr || !problem->contains("status") ||
      problem->at("status").to_number<int>() != status) {
    fail("a problem's status member differs from the status", route, target, result);
  }
  if (fixture->app->store().head_position() != head_before) {
    fail("a refused command appended events", route, target, result);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  spdlog::set_level(spdlog::level::err);  // start-up warnings (no /apidocs files) are noise here
  set_up();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const CommandRoute& route = kCommandRoutes[data[0] % kCommandRoutes.size()];
  const std::string target = fill_path(route.path_template);
  const std::string body =
      replace_placeholders(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  const std::uint64_t head_before = fixture->app->store().head_position();
  const HttpResult result = send(route.method, target, body, route.anonymous);
  // ORGD_FUZZ_VERBOSE=1 lists the answers, e.g. to see how deep the seeds reach.
  static const bool verbose = std::getenv("ORGD_FUZZ_VERBOSE") != nullptr;
  if (verbose) {
    std::fprintf(stderr, "%.*s %s -> %d\n", static_cast<int>(route.method.size()),
                 route.method.data(), target.c_str(), result.status);
  }
  check_answer(route, target, result, head_before);
  return 0;
}
