#include "replay/backup.hpp"

#include <rocksdb/utilities/checkpoint.h>

#include <memory>
#include <system_error>

#include "projections/projection_runner.hpp"

namespace orgd::replay {
namespace {

namespace fs = std::filesystem;

RestoreError restore_error(RestoreErrorCode code, std::string message) {
  return {code, std::move(message)};
}

// Opens `dir` as a store (read-only or not) and hands back its head.
std::expected<std::uint64_t, eventstore::StoreError> head_of(const fs::path& dir, bool read_only) {
  eventstore::StoreOptions options;
  options.data_dir = dir;
  options.read_only = read_only;
  options.extra_column_families = projections::projection_column_families();
  auto store = eventstore::Store::open(options);
  if (!store) return std::unexpected(store.error());
  return (*store)->head_position();
}

bool is_empty_dir(const fs::path& dir) {
  std::error_code ec;
  return !fs::exists(dir, ec) || fs::is_empty(dir, ec);
}

}  // namespace

std::uint64_t disk_usage(const fs::path& dir) {
  std::uint64_t bytes = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) bytes += it->file_size(ec);
  }
  return bytes;
}

std::expected<BackupInfo, std::string> backup(const eventstore::Store& store,
                                              const fs::path& target) {
  std::error_code ec;
  if (fs::exists(target, ec)) return std::unexpected(target.string() + " already exists");
  rocksdb::Checkpoint* raw = nullptr;
  auto s = rocksdb::Checkpoint::Create(store.db(), &raw);
  if (!s.ok()) return std::unexpected("cannot start a checkpoint: " + s.ToString());
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // Flush first so the backup does not depend on replaying a WAL copy.
  s = checkpoint->CreateCheckpoint(target.string(), /*log_size_for_flush=*/0);
  if (!s.ok()) return std::unexpected("cannot create the checkpoint: " + s.ToString());
  auto restored_head = head_of(target, /*read_only=*/true);
  if (!restored_head) {
    return std::unexpected("the checkpoint does not open: " + restored_head.error().message);
  }
  return BackupInfo{*restored_head, disk_usage(target)};
}

std::expected<std::uint64_t, RestoreError> restore(const fs::path& from, const fs::path& data_dir,
                                                   bool force) {
  std::error_code ec;
  if (!fs::exists(from / "CURRENT", ec)) {
    return std::unexpected(
        restore_error(RestoreErrorCode::not_a_backup, from.string() + " is not a backup"));
  }
  if (auto source = head_of(from, /*read_only=*/true); !source) {
    return std::unexpected(restore_error(RestoreErrorCode::not_a_backup,
                                         from.string() + ": " + source.error().message));
  }
  if (!is_empty_dir(data_dir)) {
    if (!force) {
      return std::unexpected(restore_error(
          RestoreErrorCode::not_empty,
          data_dir.string() + " is not empty; pass --force to replace what it holds"));
    }
    // Opening it writable is how we learn whether a running orgd holds it (its LOCK).
    auto live = head_of(data_dir, /*read_only=*/false);
    if (!live && live.error().code == eventstore::StoreErrorCode::locked) {
      return std::unexpected(restore_error(RestoreErrorCode::locked, live.error().message));
    }
    fs::remove_all(data_dir, ec);
    if (ec) return std::unexpected(restore_error(RestoreErrorCode::io_error, ec.message()));
  }
  fs::create_directories(data_dir.parent_path().empty() ? fs::path(".") : data_dir.parent_path(),
                         ec);
  fs::copy(from, data_dir, fs::copy_options::recursive, ec);
  if (ec) {
    return std::unexpected(restore_error(RestoreErrorCode::io_error,
                                         "copying " + from.string() + ": " + ec.message()));
  }
  auto restored = head_of(data_dir, /*read_only=*/false);
  if (!restored) {
    return std::unexpected(restore_error(RestoreErrorCode::io_error, restored.error().message));
  }
  return *restored;
}

}  // namespace orgd::replay
