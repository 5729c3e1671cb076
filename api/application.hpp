#pragma once
// orgd as one object: opens the data directory, catches the read models up, bootstraps, and
// serves HTTP. Tests start it in-process on port 0; orgd_main.cpp starts it from the command
// line.
//
// Thread-safety: start/stop from one thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/access_log.hpp"
#include "api/api_context.hpp"
#include "api/bootstrap.hpp"
#include "api/http/client_address.hpp"
#include "api/start_failure.hpp"
#include "eventstore/store_options.hpp"

namespace orgd::api {

struct OrgdOptions {
  // Address and port to listen on; port 0 picks a free one. Default: 127.0.0.1:8080.
  std::string listen_address{"127.0.0.1"};
  std::uint16_t listen_port{8080};
  // RocksDB data directory. Default: ./data.
  std::filesystem::path data_dir{"./data"};
  ApiOptions api;
  // Largest request body, bytes; larger ones answer 413. Default: 1 MiB.
  std::size_t body_limit{1u << 20};
  // Largest request head (request line and headers), bytes; larger ones answer 431.
  // Default: 16 KiB.
  std::size_t header_limit{16u << 10};
  // Time to receive a whole request once its first byte arrived (else 408 and close), and to
  // send a response (else close). Default: 30 s.
  std::chrono::seconds request_timeout{30};
  // Time an idle connection (new, or keep-alive between requests) stays open. Default: 60 s.
  std::chrono::seconds idle_timeout{60};
  // Open connections beyond this are answered 503 and closed. Default: 10000.
  std::size_t max_connections{10000};
  // Commands are refused (503 storage-unavailable) while the data directory's disk has less
  // free (eventstore::StoreOptions::min_free_disk_bytes); 0: no floor. Default: 0 (orgd's
  // --min-free-disk: 256 MiB).
  std::uint64_t min_free_disk_bytes{0};
  // RocksDB's block cache, bytes. Default: the store's (96 MiB).
  std::size_t block_cache_bytes{eventstore::StoreOptions{}.block_cache_bytes};
  // Peers (reverse proxies) whose X-Forwarded-For names the client, for the login limits
  // (api/http/client_address.hpp). Default: none.
  TrustedProxies trusted_proxies;
  // HTTP I/O threads. Default: 0 = one per core.
  unsigned io_threads{0};
  BootstrapOptions bootstrap;
  // The access log (one line per response). Default: off.
  AccessLogOptions access_log;
  // The swagger-ui-dist directory served at /apidocs. Default: empty = the directory
  // tools/setup installs it into (static_files.hpp); when that is missing /apidocs answers
  // 503. A directory given here that lacks the files fails start().
  std::filesystem::path swagger_ui_dir;
  // The file system under the store (eventstore::StoreOptions::env); tests inject disk faults
  // through it. Default: none = the operating system's.
  std::shared_ptr<rocksdb::Env> storage_env;
};

// "ADDR:PORT" as --listen takes it: an IPv6 address in brackets ("[::1]:8080").
[[nodiscard]] std::string listen_authority(std::string_view address, std::uint16_t port);

class Application {
 public:
  [[nodiscard]] static std::expected<std::unique_ptr<Application>, StartFailure> start(
      const OrgdOptions& options);
  ~Application();  // stop()
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  [[nodiscard]] std::string address() const;
  [[nodiscard]] eventstore::Store& store();
  // The projections behind the read models; tests hold them still to watch reads trail the log.
  [[nodiscard]] projections::ProjectionRunner& projections();
  // The routes served, as (method, template), for the API description's tests.
  [[nodiscard]] std::vector<std::pair<HttpMethod, std::string>> routes() const;
  // Stops serving, drains commands in flight, closes the store. Idempotent.
  void stop();

  struct Parts;

 private:
  explicit Application(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace orgd::api
