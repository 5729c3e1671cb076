#include "api/application.hpp"

#include <spdlog/fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "api/background_log.hpp"
#include "api/billing_routes.hpp"
#include "api/contract_routes.hpp"
#include "api/customer_routes.hpp"
#include "api/group_routes.hpp"
#include "api/health_routes.hpp"
#include "api/history_routes.hpp"
#include "api/http/router.hpp"
#include "api/http/server.hpp"
#include "api/idempotency.hpp"
#include "api/ids.hpp"
#include "api/membership_routes.hpp"
#include "api/metrics.hpp"
#include "api/metrics_routes.hpp"
#include "api/openapi_routes.hpp"
#include "api/organization_routes.hpp"
#include "api/projection_routes.hpp"
#include "api/resource_routes.hpp"
#include "api/route_support.hpp"
#include "api/session_routes.hpp"
#include "api/signup_routes.hpp"
#include "api/static_files.hpp"
#include "projections/projection_runner.hpp"

namespace orgd::api {

// Declared in destruction order's reverse: the server goes first, the store last.
struct Application::Parts {
  // First, so destroyed last: the store's writer and the server report to them until closed.
  std::unique_ptr<Metrics> metrics;
  std::unique_ptr<AccessLog> access_log;
  std::unique_ptr<eventstore::Store> store;
  // Synced idempotency-record writes (idempotency.hpp). Its own pool: they must not wait
  // behind password hashing, and commands still completing while the projection runner stops
  // post to it, so it outlives the runner.
  std::unique_ptr<WorkerPool> record_writers;
  std::unique_ptr<WorkerPool> workers;
  // Before the runner: retries it releases while it stops are posted to (and refused by) them.
  std::unique_ptr<WorkerPool> retry_workers;
  std::unique_ptr<projections::ProjectionRunner> projections;
  std::unique_ptr<ApiContext> context;
  std::unique_ptr<projections::OnlineRebuilds> rebuilds;
  std::unique_ptr<Router> router;
  std::unique_ptr<HttpServer> server;

  ~Parts() { stop(); }

  void stop() {
    if (server) server->stop();
    server.reset();
    rebuilds.reset();  // cancels a running rebuild: it uses the runner and the store
    // The last appends' callbacks wait on the projection runner (read-your-writes, and a
    // retry after a version conflict): complete them while it is alive; its destructor then
    // answers whoever still waits.
    if (store) store->stop_writing();
    // The password workers drop the work not started yet: each is ~0.1 s of argon2id before an
    // append that would now fail as `closed`, for a connection that is gone with the server
    // (SIGTERM with a few dozen queued took 5.5-6.4 s).
    if (workers) workers->stop(WorkerPool::Queued::drop);
    // The retry worker runs its queued retries: they fail fast. Retries the runner releases
    // after this find both pools refusing them, so the pools must outlive the runner.
    if (retry_workers) retry_workers->stop();
    projections.reset();
    retry_workers.reset();
    workers.reset();
    record_writers.reset();  // writes the last records; the store is still open
    context.reset();
    store.reset();  // completes queued appends, then closes
  }
};

namespace {

// Metrics, /openapi.json and /apidocs: what operators and client developers look at.
std::expected<void, StartFailure> observe(Application::Parts& parts, const OrgdOptions& options) {
  Metrics& metrics = *parts.metrics;
  const Router& router = *parts.router;
  parts.context->observe_command = [&metrics, &router](const HttpRequest& request,
                                                       CommandResult result) {
    metrics.observe_command(command_name(request.method_name, router.route_template(request)),
                            result);
  };
  metrics.set_scrape(scrape_sources(*parts.store, *parts.projections, [&parts]() -> std::size_t {
    return parts.server ? parts.server->open_connections() : 0;
  }));
  add_metrics_routes(*parts.router, metrics);
  add_openapi_routes(*parts.router);

  const bool configured = !options.swagger_ui_dir.empty();
  const auto dir = configured ? options.swagger_ui_dir : default_swagger_ui_dir();
  auto docs = ApiDocs::load(dir);
  if (!docs && configured) return std::unexpected(bad_configuration("swagger UI: " + docs.error()));
  if (!docs) {
    spdlog::warn("/apidocs is unavailable: {} (tools/setup installs swagger-ui-dist)",
                 docs.error());
  }
  add_apidocs_routes(*parts.router,
                     docs ? *docs : ApiDocs::unavailable("the Swagger UI files are not installed"));
  return {};
}

// Whether the route takes no token: signup and login, and creating a customer without one
// (which is signing up, where signup is enabled).
bool takes_no_token(const Application::Parts& parts, const HttpRequest& request) {
  if (request.method != HttpMethod::post) return false;
  const std::string_view route = parts.router->route_template(request);
  if (route == "/api/v1/customers") {
    return request.authorization.empty() && parts.context->options.signup_enabled;
  }
  return route == "/api/v1/signup" || route == "/api/v1/sessions";
}

// What a request waiting for "100 Continue" is answered from its head alone: what its route
// refuses (400, 404, 405), then a missing or bad token (401), checked in the order its
// handler checks them (tests/e2e/hostile_input_e2e_test.cpp holds every route to it). A GET
// or HEAD is sent no body worth sparing (and /apidocs redirects before any route), and a
// request with an Idempotency-Key is judged by the idempotency layer first (a bad key is a
// 400 before any route or token): both read their body and are answered as usual.
std::optional<HttpResponse> answer_from_head(const Application::Parts& parts,
                                             const HttpRequest& head) {
  if (head.method == HttpMethod::get || head.method == HttpMethod::head) return std::nullopt;
  if (head.idempotency_key) return std::nullopt;
  if (auto refused = parts.router->refusal(head)) return refused;
  if (takes_no_token(parts, head)) return std::nullopt;
  auto who = authenticate_ungated(*parts.context, head);
  if (!who && who.error().status == 401) return std::move(who.error());
  return std::nullopt;
}

// The server's options; its callbacks reach the parts when called, once serve() runs.
ServerOptions server_options_of(const OrgdOptions& options, const Application::Parts& parts) {
  ServerOptions server_options;
  server_options.address = options.listen_address;
  server_options.port = options.listen_port;
  server_options.trusted_proxies = options.trusted_proxies;
  server_options.threads = options.io_threads;
  server_options.body_limit = options.body_limit;
  server_options.header_limit = options.header_limit;
  server_options.request_timeout = options.request_timeout;
  server_options.idle_timeout = options.idle_timeout;
  server_options.max_connections = options.max_connections;
  // Every answer depends on the caller's token (its tenant and rights; a resource's `permission`
  // and `grants`), so a cache must keep one per Authorization, ETag included.
  server_options.response_headers = {{"Vary", "Authorization"}};
  server_options.answer_before_body = [&parts](const HttpRequest& head) {
    return answer_from_head(parts, head);
  };
  server_options.on_response = [&parts](const CompletedRequest& completed) {
    // No template was reported for the server's own 4xx, the router's 400 and 404, answers
    // given before routing and a handler that threw: routing the path again names it.
    const std::string_view route =
        completed.route.empty() ? parts.router->route_template(completed.path) : completed.route;
    parts.metrics->observe_request(completed.method, route, completed.status, completed.duration);
    parts.access_log->record(completed, route);
  };
  return server_options;
}

}  // namespace

std::expected<std::unique_ptr<Application>, StartFailure> Application::start(
    const OrgdOptions& options) {
  if (options.api.idempotency_window < std::chrono::seconds(1)) {
    return std::unexpected(bad_configuration("the idempotency window must be at least 1 second"));
  }
  auto parts = std::make_unique<Parts>();
  parts->metrics = std::make_unique<Metrics>();
  parts->access_log = std::make_unique<AccessLog>(options.access_log);
  // Before the store: a taken port is told at once, not after opening (and perhaps
  // rebuilding) the read models. Connections are refused until serve() listens.
  auto server = HttpServer::bind(server_options_of(options, *parts));
  if (!server) {
    return std::unexpected(failed_start("cannot listen on " + options.listen_address + ":" +
                                        std::to_string(options.listen_port) + ": " +
                                        server.error()));
  }
  parts->server = std::move(*server);
  eventstore::StoreOptions store_options;
  store_options.data_dir = options.data_dir;
  store_options.extra_column_families = projections::projection_column_families();
  store_options.extra_column_families.emplace_back(kIdempotencyColumnFamily);
  store_options.env = options.storage_env;
  store_options.min_free_disk_bytes = options.min_free_disk_bytes;
  store_options.block_cache_bytes = options.block_cache_bytes;
  // Called on the writer thread alone.
  store_options.on_batch_written =
      [metrics = parts->metrics.get()](const eventstore::BatchWritten& batch) {
        metrics->observe_batch(batch);
        log_write_round(batch);
      };
  store_options.on_writable_changed = log_writable_changed;
  auto store = eventstore::Store::open(store_options);
  if (!store) {
    return std::unexpected(
        failed_start("cannot open " + options.data_dir.string() + ": " + store.error().message));
  }
  parts->store = std::move(*store);
  // Opened under its floor: failing from the start, which no round reported.
  if (auto failure = parts->store->write_failure()) log_writable_changed(failure);
  const std::uint64_t head_at_start = parts->store->head_position();
  auto runner = projections::ProjectionRunner::start(*parts->store, projections::make_projections(),
                                                     {.on_applied = log_applied_batch});
  if (!runner) return std::unexpected(failed_start("cannot start projections: " + runner.error()));
  parts->projections = std::move(*runner);
  if (const auto& emptied = parts->projections->read_models().emptied_at_open(); !emptied.empty()) {
    spdlog::warn(
        "read models {} were written by a release with another layout, or by a rebuild that did "
        "not finish: rebuilding them from the "
        "log ({} events); /readyz answers 503 until they have caught up",
        fmt::join(emptied, ", "), head_at_start);
  }
  parts->workers = std::make_unique<WorkerPool>(2);
  parts->retry_workers = std::make_unique<WorkerPool>(1);
  parts->context = std::make_unique<ApiContext>(*parts->store, *parts->projections, *parts->workers,
                                                *parts->retry_workers, options.api);
  if (auto r = bootstrap(*parts->context, options.bootstrap); !r) {
    r.error().message = "bootstrap failed: " + r.error().message;
    return std::unexpected(std::move(r.error()));
  }
  parts->router = std::make_unique<Router>();
  parts->router->canonicalize_parameters_with(canonicalize_id);
  // Ready once the read models hold what bootstrap appended too (Default, the SuperAdmin): with
  // the head as it was before bootstrap, /readyz said 200 a moment before they held Default.
  add_health_routes(*parts->router, *parts->context, parts->store->head_position());
  add_session_routes(*parts->router, *parts->context);
  add_organization_routes(*parts->router, *parts->context);
  add_signup_routes(*parts->router, *parts->context);
  add_customer_routes(*parts->router, *parts->context);
  add_membership_routes(*parts->router, *parts->context);
  add_resource_routes(*parts->router, *parts->context);
  add_contract_routes(*parts->router, *parts->context);
  add_group_routes(*parts->router, *parts->context);
  add_billing_routes(*parts->router, *parts->context);
  parts->rebuilds = std::make_unique<projections::OnlineRebuilds>(
      *parts->store, *parts->projections, rebuild_log());
  add_history_routes(*parts->router, *parts->context);
  add_projection_routes(*parts->router, *parts->context, *parts->rebuilds);
  if (auto observed = observe(*parts, options); !observed) return std::unexpected(observed.error());
  auto records = IdempotencyRecords::open(*parts->store);
  if (!records) return std::unexpected(failed_start(records.error().message));
  parts->record_writers = std::make_unique<WorkerPool>(2);
  auto handler = with_idempotency(parts->router->handler(), *parts->context, std::move(*records),
                                  *parts->record_writers,
                                  {.window = options.api.idempotency_window, .clock = {}});
  if (auto served = parts->server->serve(with_apidocs_redirect(std::move(handler))); !served) {
    return std::unexpected(failed_start(served.error()));
  }
  return std::unique_ptr<Application>(new Application(std::move(parts)));
}

std::string listen_authority(std::string_view address, std::uint16_t port) {
  const bool v6 = address.find(':') != std::string_view::npos;
  return (v6 ? "[" + std::string(address) + "]" : std::string(address)) + ":" +
         std::to_string(port);
}

std::vector<std::pair<HttpMethod, std::string>> Application::routes() const {
  return parts_->router->routes();
}

Application::Application(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
Application::~Application() { stop(); }
void Application::stop() { parts_->stop(); }
std::uint16_t Application::port() const { return parts_->server->port(); }
std::string Application::address() const { return parts_->server->address(); }
eventstore::Store& Application::store() { return *parts_->store; }

projections::ProjectionRunner& Application::projections() { return *parts_->projections; }

}  // namespace orgd::api
