// orgd: the server. Every setting is a flag and an ORGD_* environment variable; the flag wins.

#include <arpa/inet.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "api/application.hpp"
#include "api/log_setup.hpp"

namespace {

struct CommandLine {
  std::string listen{"127.0.0.1:8080"};
  std::string data_dir{"./data"};
  std::string signup{"on"};
  std::int64_t token_ttl{86400};
  unsigned login_failures_per_email{5};
  unsigned login_attempts_per_ip{60};
  std::size_t body_limit{1u << 20};
  std::size_t header_limit{16u << 10};
  std::int64_t request_timeout{30};
  std::int64_t idle_timeout{60};
  std::size_t max_connections{10000};
  std::uint64_t min_free_disk{256};
  std::size_t block_cache{96};
  std::string log_level{"info"};
  std::string log_format{"json"};
  std::string swagger_ui_dir;
  std::string trusted_proxies;
};

// ADDR is an IPv4 or IPv6 address (IPv6 in brackets) or `localhost`: a host name to resolve
// is bad usage (exit 2) here, not a failed start (exit 1) later.
bool split_listen(const std::string& listen, std::string& address, std::uint16_t& port) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  address = listen.substr(0, colon);
  if (address == "localhost") address = "127.0.0.1";  // as the README's curl lines say it
  const bool bracketed = address.size() > 2 && address.front() == '[' && address.back() == ']';
  if (bracketed) address = address.substr(1, address.size() - 2);
  in6_addr parsed{};
  // IPv6 only in brackets: in "fe80::1:2" the port could be either of the last two groups.
  if (inet_pton(bracketed ? AF_INET6 : AF_INET, address.c_str(), &parsed) != 1) return false;
  const std::string_view digits = std::string_view(listen).substr(colon + 1);
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  return !digits.empty() && error == std::errc() && end == digits.data() + digits.size();
}

// Every connection is a file descriptor: raise the soft limit to the hard one, so that
// --max-connections rather than EMFILE is what bounds them. Returns the effective limit.
rlim_t raise_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur;
}

// CLI11 checks the ORGD_* variables before it sees --help, so a bad one hid the help: -h or
// --help is looked for first, as a word of its own (not an option's value, not after "--").
bool asks_for_help(const CLI::App& app, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view word = argv[i];
    if (word == "--") return false;
    if (word == "--help" || word == "-h") return true;
    if (!word.starts_with('-') || word.find('=') != std::string_view::npos) continue;
    const CLI::Option* option = app.get_option_no_throw(std::string(word));
    if (option != nullptr && option->get_expected_max() > 0) ++i;  // its value
  }
  return false;
}

const char* env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"orgd: event-sourced organization management server"};
  CommandLine cli;
  app.add_option("--listen", cli.listen, "ADDR:PORT to listen on (port 0 = any free port)")
      ->envname("ORGD_LISTEN")
      ->capture_default_str();
  app.add_option("--data-dir", cli.data_dir, "RocksDB data directory")
      ->envname("ORGD_DATA_DIR")
      ->capture_default_str();
  app.add_option("--signup", cli.signup, "public signup: on|off")
      ->envname("ORGD_SIGNUP")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();
  app.add_option("--token-ttl", cli.token_ttl, "login token lifetime, seconds")
      ->envname("ORGD_TOKEN_TTL")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{31'536'000}))
      ->capture_default_str();
  app.add_option("--login-failures-per-email", cli.login_failures_per_email,
                 "failed logins per account per 5 minutes before 429, from each address it "
                 "logged in from in 30 days and from all others together")
      ->envname("ORGD_LOGIN_FAILURES_PER_EMAIL")
      ->check(CLI::Range(1u, 1'000'000u))
      ->capture_default_str();
  app.add_option("--login-attempts-per-ip", cli.login_attempts_per_ip,
                 "login attempts per client IP per minute before 429")
      ->envname("ORGD_LOGIN_ATTEMPTS_PER_IP")
      ->check(CLI::Range(1u, 1'000'000u))
      ->capture_default_str();
  app.add_option("--body-limit", cli.body_limit, "largest request body, bytes")
      ->envname("ORGD_BODY_LIMIT")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{64u << 20}))
      ->capture_default_str();
  app.add_option("--header-limit", cli.header_limit,
                 "largest request line and headers, bytes (larger: 431)")
      ->envname("ORGD_HEADER_LIMIT")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1u << 20}))
      ->capture_default_str();
  app.add_option("--request-timeout", cli.request_timeout,
                 "seconds to receive a whole request once begun (slower: 408) or to send a "
                 "response")
      ->envname("ORGD_REQUEST_TIMEOUT")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{3600}))
      ->capture_default_str();
  app.add_option("--idle-timeout", cli.idle_timeout,
                 "seconds an idle connection (new or keep-alive) stays open")
      ->envname("ORGD_IDLE_TIMEOUT")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{3600}))
      ->capture_default_str();
  app.add_option("--max-connections", cli.max_connections,
                 "open connections beyond this are answered 503 and closed")
      ->envname("ORGD_MAX_CONNECTIONS")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
      ->capture_default_str();
  app.add_option("--min-free-disk", cli.min_free_disk,
                 "MiB the data directory's disk keeps free: below it commands answer 503 "
                 "(0: no floor)")
      ->envname("ORGD_MIN_FREE_DISK")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1u << 30}))
      ->capture_default_str();
  app.add_option("--block-cache", cli.block_cache,
                 "MiB of RocksDB block cache, which the memtables' 64 MiB are charged to: "
                 "more keeps more of the read models in memory (RSS grows with it)")
      ->envname("ORGD_BLOCK_CACHE")
      ->check(CLI::Range(std::size_t{80}, std::size_t{1u << 20}))
      ->capture_default_str();
  app.add_option("--trusted-proxies", cli.trusted_proxies,
                 "reverse proxies (addresses and CIDR networks, comma-separated) whose "
                 "X-Forwarded-For names the client, for the login limits (default: none)")
      ->envname("ORGD_TRUSTED_PROXIES")
      ->check([](const std::string& list) {
        auto parsed = orgd::api::TrustedProxies::parse(list);
        return parsed ? std::string() : parsed.error();
      });
  app.add_option("--log-level", cli.log_level, "trace|debug|info|warn|error|critical|off")
      ->envname("ORGD_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
      ->capture_default_str();
  app.add_option("--log-format", cli.log_format, "json|text")
      ->envname("ORGD_LOG_FORMAT")
      ->check(CLI::IsMember({"json", "text"}))
      ->capture_default_str();
  app.add_option("--swagger-ui-dir", cli.swagger_ui_dir,
                 "swagger-ui-dist directory served at /apidocs (default: where tools/setup "
                 "installs it)")
      ->envname("ORGD_SWAGGER_UI_DIR");
  app.footer(
      "Environment only: ORGD_ADMIN_EMAIL and ORGD_ADMIN_PASSWORD (8 to 1024 characters) name\n"
      "the SuperAdmin created at a start that finds none in the data directory.\n"
      "Exit codes: 0 stopped by SIGINT, SIGTERM or SIGHUP (or --help); 1 failed to start (data\n"
      "directory, disk, address); 2 bad usage (an unknown flag or a bad value, an ORGD_ADMIN_*\n"
      "the SuperAdmin cannot be created with, a --swagger-ui-dir without the files).");
  if (asks_for_help(app, argc, argv)) {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11's own codes (105, 109, ...) tell a script nothing more than "bad usage".
    return app.exit(e) == 0 ? 0 : 2;
  }
  const auto loggers = orgd::api::configure_logging(cli.log_level, cli.log_format == "json");

  orgd::api::OrgdOptions options;
  if (!split_listen(cli.listen, options.listen_address, options.listen_port)) {
    spdlog::critical("--listen must be ADDR:PORT (ADDR an IP address, [IPv6] or localhost)");
    return 2;
  }
  options.data_dir = cli.data_dir;
  options.api.signup_enabled = cli.signup == "on";
  options.api.token_ttl_seconds = cli.token_ttl;
  options.api.login_limits.failures_per_email = cli.login_failures_per_email;
  options.api.login_limits.attempts_per_ip = cli.login_attempts_per_ip;
  options.body_limit = cli.body_limit;
  options.header_limit = cli.header_limit;
  options.request_timeout = std::chrono::seconds(cli.request_timeout);
  options.idle_timeout = std::chrono::seconds(cli.idle_timeout);
  options.max_connections = cli.max_connections;
  options.min_free_disk_bytes = cli.min_free_disk << 20;
  options.block_cache_bytes = cli.block_cache << 20;
  options.bootstrap.admin_email = env_or_empty("ORGD_ADMIN_EMAIL");
  options.bootstrap.admin_password = env_or_empty("ORGD_ADMIN_PASSWORD");
  options.access_log = {loggers.access, cli.log_format == "json"};
  options.swagger_ui_dir = cli.swagger_ui_dir;
  options.trusted_proxies = *orgd::api::TrustedProxies::parse(cli.trusted_proxies);  // checked

  // Block the stop signals before any thread starts, so only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGHUP);  // its terminal gone: stopped as cleanly as by SIGTERM
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  const rlim_t file_limit = raise_file_limit();
  spdlog::info("open file limit {} (--max-connections {})", static_cast<std::uint64_t>(file_limit),
               options.max_connections);
  if (file_limit != RLIM_INFINITY && file_limit < options.max_connections + 64) {
    spdlog::warn(
        "the open file limit {} is below --max-connections {}: beyond it, connections "
        "wait in the listen queue instead of being answered 503",
        static_cast<std::uint64_t>(file_limit), options.max_connections);
  }

  auto application = orgd::api::Application::start(options);
  if (!application) {
    spdlog::critical("orgd failed to start: {}", application.error().message);
    return application.error().bad_configuration ? 2 : 1;
  }
  if (options.bootstrap.admin_email.empty()) {
    spdlog::warn(options.bootstrap.admin_password.empty()
                     ? "ORGD_ADMIN_EMAIL is not set: no SuperAdmin was created on this start"
                     : "ORGD_ADMIN_PASSWORD is set without ORGD_ADMIN_EMAIL, and ignored: no "
                       "SuperAdmin was created on this start");
  }
  std::printf(
      "orgd listening on %s\n",
      orgd::api::listen_authority((*application)->address(), (*application)->port()).c_str());
  std::fflush(stdout);
  spdlog::info("serving");
  int signal = 0;
  sigwait(&stop_signals, &signal);
  spdlog::info("stopping");
  (*application)->stop();
  return 0;
}
