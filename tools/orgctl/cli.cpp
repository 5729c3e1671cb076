#include "tools/orgctl/cli.hpp"

#include <chrono>
#include <iostream>
#include <thread>

#include "projections/projection_runner.hpp"
#include "projections/read_model_handles.hpp"

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

namespace {

std::unique_ptr<eventstore::Store> open_at(Globals& globals, bool writable, bool read_models,
                                           bool may_create) {
  std::error_code ec;
  if (!may_create && !std::filesystem::exists(globals.data_dir / "CURRENT", ec)) {
    fail(globals, kExitFailed, globals.data_dir.string() + " is not an orgd data directory");
    return nullptr;
  }
  eventstore::StoreOptions options;
  options.data_dir = globals.data_dir;
  options.read_only = !writable;
  if (writable || read_models) {
    options.extra_column_families = projections::projection_column_families();
  } else {
    options.only_named_column_families = true;  // the log alone
  }
  auto store = eventstore::Store::open(options);
  // An online rebuild beside a read-only open may have made a read model's next generation
  // between the open's listing of the column families and its reading of the catalog: the
  // catalog then names one not opened. Opened again, it is (as-of failed so in 16 of 1,592 runs
  // beside rebuilds back to back).
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (store && !writable && read_models && std::chrono::steady_clock::now() < give_up &&
         !projections::ReadModelHandles::open(**store, projections::projection_column_families())) {
    store->reset();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    store = eventstore::Store::open(options);
  }
  if (store && (*store)->opened_torn()) {
    std::cerr << "note: orgd kept changing " << globals.data_dir.string()
              << " for 10 s while it was opened: what follows may miss its latest flush\n";
  }
  if (store) return std::move(*store);
  if (store.error().code == eventstore::StoreErrorCode::locked) {
    fail(globals, kExitLocked, in_use_message(globals.data_dir));
  } else {
    fail(globals, kExitFailed, "cannot open " + globals.data_dir.string() + ": " +
                                   store.error().message);
  }
  return nullptr;
}

}  // namespace

std::unique_ptr<eventstore::Store> open_store(Globals& globals, bool writable, bool read_models) {
  return open_at(globals, writable, read_models, /*may_create=*/false);
}

std::unique_ptr<eventstore::Store> open_or_create_store(Globals& globals) {
  return open_at(globals, /*writable=*/true, /*read_models=*/true, /*may_create=*/true);
}

}  // namespace orgd::tools
