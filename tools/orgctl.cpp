// orgctl: the operators' and auditors' command-line tool. Works on a data directory; the
// commands that only read open it read-only (safe beside a running orgd), the ones that
// write refuse a directory orgd holds. See README "orgctl" and tools/orgctl/cli.hpp.

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>

#include "tools/orgctl/cli.hpp"

int main(int argc, char** argv) {
  using namespace orgd::tools;
  Globals globals;
  if (const char* dir = std::getenv("ORGD_DATA_DIR"); dir != nullptr && *dir != '\0') {
    globals.data_dir = dir;
  }
  CLI::App app{"orgctl: history, time travel, verification, rebuild, backup of an orgd data "
               "directory"};
  // At most one here, and "none" checked after parsing: CLI11 checks a required subcommand
  // before unexpected words, so `orgctl bogus` was told that a subcommand is required.
  app.require_subcommand(0, 1);
  app.add_option("--data-dir", globals.data_dir, "the data directory (default ./data, or "
                                                 "$ORGD_DATA_DIR)");
  app.add_flag("--json", globals.json, "machine-readable output");
  add_audit_commands(app, globals);
  add_operator_commands(app, globals);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {  // --help too, which exits 0
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  } catch (const std::exception& e) {  // a bug, not an expected failure: say so and fail
    std::cerr << "orgctl: unexpected error: " << e.what() << '\n';
    return kExitFailed;
  }
  if (app.get_subcommands().empty()) {
    std::cerr << "orgctl: a subcommand is required (history, as-of, export, verify, stats, "
                 "rebuild, compact, backup, restore, seed); see orgctl --help\n";
    return kExitUsage;
  }
  return globals.exit_code;
}
