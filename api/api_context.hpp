#pragma once
// What every route handler works with: the store, read models, command execution and settings.
// Owned by the Application; handlers hold a reference for the server's lifetime.

#include <atomic>
#include <chrono>
#include <cstdint>

#include "api/aggregate_loader.hpp"
#include "api/authenticator.hpp"
#include "api/command_executor.hpp"
#include "api/command_observer.hpp"
#include "api/login_throttle.hpp"
#include "api/organization_reads.hpp"
#include "api/worker_pool.hpp"
#include "projections/customer_queries.hpp"
#include "projections/directory_queries.hpp"
#include "projections/organization_queries.hpp"

namespace orgd::api {

struct ApiOptions {
  // Public signup (POST /api/v1/signup). Default: on.
  bool signup_enabled{true};
  // Lifetime of a login token. Default: 86400 s.
  std::int64_t token_ttl_seconds{86400};
  // Login rate limits (see login_throttle.hpp).
  LoginLimits login_limits;
  // How long an Idempotency-Key's record answers repeats (idempotency.hpp). SPEC: 24 h; not
  // a flag, tests shorten it to see a record age.
  std::chrono::milliseconds idempotency_window{std::chrono::hours(24)};
  // How many members a contract status checks (the oldest) and a global customers group lists
  // (the first by name). Not a flag: tests lower it to see the limit.
  std::uint64_t most_members_listed{1000};
  // How many matches a name search in creation order sorts (400 on `q` beyond). Not a flag:
  // tests lower it rather than create ten thousand organizations.
  std::uint64_t most_matches_by_creation{projections::kMostMatchesByCreation};
};

struct ApiContext {
  ApiContext(eventstore::Store& s, projections::ProjectionRunner& p, WorkerPool& w, WorkerPool& r,
             ApiOptions o)
      : store(s),
        projections(p),
        workers(w),
        retry_workers(r),
        options(o),
        executor(s, p),
        loader(s),
        organizations(s, &p.read_models()),
        customers(s, &p.read_models()),
        directory(s, &p.read_models()),
        auth(customers, [&p] { return p.settled_position(); }),
        organization_reads(organizations, [&p] { return p.settled_position(); }),
        login_throttle(o.login_limits) {}

  eventstore::Store& store;
  projections::ProjectionRunner& projections;
  WorkerPool& workers;  // password hashing (logins, new passwords)
  // Commands decided again after a version conflict: never behind password hashing, and not
  // counted by the 503 bounds on its queue.
  WorkerPool& retry_workers;
  ApiOptions options;
  CommandExecutor executor;
  AggregateLoader loader;
  projections::OrganizationQueries organizations;
  projections::CustomerQueries customers;
  projections::DirectoryQueries directory;  // contracts, groups, invoices
  Authenticator auth;
  OrganizationReads organization_reads;  // GET by id: organizations with their JSON
  LoginThrottle login_throttle;
  // Told how each command request ended (metrics). Set before serving; may be empty.
  CommandObserver observe_command;
};

}  // namespace orgd::api
