#pragma once
// What every orgctl subcommand shares: the global options, opening the data directory the
// right way, and the exit codes.
//
// Exit codes: 0 success (for verify: every check passed); 1 the operation failed or verify
// found a divergence; 2 bad usage; 3 the data directory is held by a running orgd and the
// command would write to it.

#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>
#include <string>

#include "eventstore/store.hpp"

namespace orgd::tools {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitLocked = 3;

struct Globals {
  std::filesystem::path data_dir{"./data"};  // --data-dir, or ORGD_DATA_DIR
  bool json{false};                          // --json: machine-readable output
  int exit_code{kExitOk};
};

// Prints "orgctl: <message>" to stderr and records the exit code.
void fail(Globals& globals, int code, const std::string& message);

// What a writing command says when orgd holds the data directory.
[[nodiscard]] std::string in_use_message(const std::filesystem::path& data_dir);

// Read-only opens are safe beside a running orgd (they see what was durable at open).
// A directory that holds no store is refused ("not an orgd data directory", kExitFailed):
// until 2026-12-05 a writable open made one there, so `rebuild` or `compact` with a mistyped
// --data-dir answered success over an empty store.
// A writable open of a directory orgd holds fails with a clear message and kExitLocked.
// Returns null after fail() on any error. `read_models`: open them too (a writable open always
// does); without, a read-only open loads the log's files alone, and an online rebuild beside it
// (which deletes read models' files by the hundred) cannot make it lose the race with a deletion.
[[nodiscard]] std::unique_ptr<eventstore::Store> open_store(Globals& globals, bool writable,
                                                            bool read_models = true);

// open_store for a command that makes a store where there is none (seed): writable, and an
// empty or missing directory is a new store.
[[nodiscard]] std::unique_ptr<eventstore::Store> open_or_create_store(Globals& globals);

// The subcommands, by audience.
void add_audit_commands(CLI::App& app, Globals& globals);     // history, as-of, export, verify, stats
void add_operator_commands(CLI::App& app, Globals& globals);  // rebuild, compact, backup, restore, seed

}  // namespace orgd::tools
