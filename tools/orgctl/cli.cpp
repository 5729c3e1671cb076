#include "tools/orgctl/cli.hpp"

#include <iostream>

#include "projections/projection_runner.hpp"

namespace orgd::tools {

void fail(Globals& globals, int code, const std::string& message) {
  std::cerr << "orgctl: " << message << '\n';
  globals.exit_code = code;
}

std::string in_use_message(const std::filesystem::path& data_dir) {
  return data_dir.string() +
         " is in use by a running orgd; stop it first (or, for a rebuild, use POST "
         "/api/v1/projections/{name}/rebuild on the running server)";
}

std::unique_ptr<eventstore::Store> open_store(Globals& globals, bool writable) {
  std::error_code ec;
  if (!writable && !std::filesystem::exists(globals.data_dir / "CURRENT", ec)) {
    fail(globals, kExitFailed, globals.data_dir.string() + " is not an orgd data directory");
    return nullptr;
  }
  eventstore::StoreOptions options;
  options.data_dir = globals.data_dir;
  options.read_only = !writable;
  options.extra_column_families = projections::projection_column_families();
  auto store = eventstore::Store::open(options);
  if (store) return std::move(*store);
  if (store.error().code == eventstore::StoreErrorCode::locked) {
    fail(globals, kExitLocked, in_use_message(globals.data_dir));
  } else {
    fail(globals, kExitFailed, "cannot open " + globals.data_dir.string() + ": " +
                                   store.error().message);
  }
  return nullptr;
}

}  // namespace orgd::tools
