#include "api/application.hpp"

#include "api/customer_routes.hpp"
#include "api/health_routes.hpp"
#include "api/history_routes.hpp"
#include "api/projection_routes.hpp"
#include "api/membership_routes.hpp"
#include "api/signup_routes.hpp"
#include "api/http/router.hpp"
#include "api/http/server.hpp"
#include "api/organization_routes.hpp"
#include "api/session_routes.hpp"
#include "projections/projection_runner.hpp"

namespace orgd::api {

// Declared in destruction order's reverse: the server goes first, the store last.
struct Application::Parts {
  std::unique_ptr<eventstore::Store> store;
  std::unique_ptr<projections::ProjectionRunner> projections;
  std::unique_ptr<WorkerPool> workers;
  std::unique_ptr<ApiContext> context;
  std::unique_ptr<projections::OnlineRebuilds> rebuilds;
  std::unique_ptr<Router> router;
  std::unique_ptr<HttpServer> server;

  ~Parts() { stop(); }

  void stop() {
    if (server) server->stop();
    server.reset();
    rebuilds.reset();  // cancels a running rebuild: it uses the runner and the store
    workers.reset();  // runs queued logins/retries to completion
    projections.reset();
    context.reset();
    store.reset();  // completes queued appends, then closes
  }
};

std::expected<std::unique_ptr<Application>, std::string> Application::start(
    const OrgdOptions& options) {
  auto parts = std::make_unique<Parts>();
  eventstore::StoreOptions store_options;
  store_options.data_dir = options.data_dir;
  store_options.extra_column_families = projections::projection_column_families();
  auto store = eventstore::Store::open(store_options);
  if (!store) return std::unexpected("cannot open " + options.data_dir.string() + ": " +
                                     store.error().message);
  parts->store = std::move(*store);
  const std::uint64_t head_at_start = parts->store->head_position();
  auto runner = projections::ProjectionRunner::start(*parts->store, projections::make_projections());
  if (!runner) return std::unexpected("cannot start projections: " + runner.error());
  parts->projections = std::move(*runner);
  parts->workers = std::make_unique<WorkerPool>(2);
  parts->context = std::make_unique<ApiContext>(*parts->store, *parts->projections,
                                                *parts->workers, options.api);
  if (auto r = bootstrap(*parts->context, options.bootstrap); !r) {
    return std::unexpected("bootstrap failed: " + r.error());
  }
  parts->router = std::make_unique<Router>();
  add_health_routes(*parts->router, *parts->context, head_at_start);
  add_session_routes(*parts->router, *parts->context);
  add_organization_routes(*parts->router, *parts->context);
  add_signup_routes(*parts->router, *parts->context);
  add_customer_routes(*parts->router, *parts->context);
  add_membership_routes(*parts->router, *parts->context);
  parts->rebuilds = std::make_unique<projections::OnlineRebuilds>(*parts->store,
                                                                  *parts->projections);
  add_history_routes(*parts->router, *parts->context);
  add_projection_routes(*parts->router, *parts->context, *parts->rebuilds);
  ServerOptions server_options;
  server_options.address = options.listen_address;
  server_options.port = options.listen_port;
  server_options.threads = options.io_threads;
  server_options.body_limit = options.body_limit;
  auto server = HttpServer::start(server_options, parts->router->handler());
  if (!server) return std::unexpected("cannot listen on " + options.listen_address + ":" +
                                      std::to_string(options.listen_port) + ": " + server.error());
  parts->server = std::move(*server);
  return std::unique_ptr<Application>(new Application(std::move(parts)));
}

Application::Application(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
Application::~Application() { stop(); }
void Application::stop() { parts_->stop(); }
std::uint16_t Application::port() const { return parts_->server->port(); }
std::string Application::address() const { return parts_->server->address(); }
eventstore::Store& Application::store() { return *parts_->store; }

}  // namespace orgd::api
