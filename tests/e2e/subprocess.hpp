#pragma once
// Running programs from end-to-end tests: a shell command with a deadline (promtool, npx,
// chromium), and the real orgd binary as a child process with its stderr in a file.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace orgd::e2e {

struct ShellResult {
  int exit_code{-1};
  std::string output;  // stdout and stderr
};

// Runs `command` with /bin/sh, killed after `timeout_seconds` (coreutils timeout).
inline ShellResult run_shell(const std::string& command, int timeout_seconds = 120) {
  const std::string wrapped =
      "timeout --kill-after=5 " + std::to_string(timeout_seconds) + " sh -c '" + [&] {
        std::string escaped;
        for (char c : command) escaped += c == '\'' ? std::string("'\\''") : std::string(1, c);
        return escaped;
      }() + "' 2>&1";
  ShellResult result;
  FILE* pipe = popen(wrapped.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed");
  std::array<char, 4096> chunk{};
  std::size_t n = 0;
  while ((n = std::fread(chunk.data(), 1, chunk.size(), pipe)) > 0) result.output.append(chunk.data(), n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// Whether `program` is on PATH.
inline bool on_path(const std::string& program) {
  return run_shell("command -v " + program, 10).exit_code == 0;
}

// The orgd binary as a child: stdout through a pipe (for the start line), stderr into a file.
class OrgdProcess {
 public:
  OrgdProcess(const std::string& binary, const std::vector<std::string>& args,
              const std::map<std::string, std::string>& env,
              const std::filesystem::path& stderr_file) {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_file.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<std::string> argv_storage{binary};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_storage;
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string entry(*e);
      if (!entry.starts_with("ORGD_")) env_storage.push_back(entry);
    }
    for (const auto& [name, value] : env) env_storage.push_back(name + "=" + value);
    std::vector<char*> envp;
    for (auto& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);
    const int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    if (rc != 0) {
      close(out[0]);
      throw std::runtime_error("cannot start " + binary);
    }
    stdout_ = fdopen(out[0], "r");
  }
  ~OrgdProcess() {
    stop();
    if (stdout_ != nullptr) std::fclose(stdout_);
  }
  OrgdProcess(const OrgdProcess&) = delete;
  OrgdProcess& operator=(const OrgdProcess&) = delete;

  // Reads stdout up to "orgd listening on ADDR:PORT" and returns the port (0 when the
  // process ended first).
  std::uint16_t wait_for_port() {
    char line[512];
    while (std::fgets(line, sizeof line, stdout_) != nullptr) {
      const std::string text(line);
      const std::string prefix = "orgd listening on ";
      if (text.starts_with(prefix)) {
        return static_cast<std::uint16_t>(std::stoi(text.substr(text.rfind(':') + 1)));
      }
    }
    return 0;
  }

  // SIGKILL now, and reaps the process: a crash at whatever it was doing.
  void kill_now() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    exit_code_ = -1;
  }

  // `signal` (SIGTERM), then waits (SIGKILL after 20 s). Returns the exit code (-1 when killed).
  int stop(int signal = SIGTERM) {
    if (pid_ <= 0) return exit_code_;
    kill(pid_, signal);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = -1;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return exit_code_;
  }

 private:
  pid_t pid_{-1};
  FILE* stdout_{nullptr};
  int exit_code_{-1};
};

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace orgd::e2e
