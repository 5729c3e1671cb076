#include "replay/backup.hpp"

#include <rocksdb/utilities/checkpoint.h>

#include <algorithm>
#include <memory>
#include <string_view>
#include <system_error>

#include "projections/projection_runner.hpp"
#include "replay/verify.hpp"

namespace orgd::replay {
namespace {

namespace fs = std::filesystem;

RestoreError restore_error(RestoreErrorCode code, std::string message) {
  return {code, std::move(message)};
}

// Opens `dir` as orgd does (its read models' column families too), read-only or not.
std::expected<std::unique_ptr<eventstore::Store>, eventstore::StoreError> open_data_dir(
    const fs::path& dir, bool read_only) {
  eventstore::StoreOptions options;
  options.data_dir = dir;
  options.read_only = read_only;
  options.extra_column_families = projections::projection_column_families();
  return eventstore::Store::open(options);
}

// Opens `dir` as a store (read-only or not) and hands back its head.
std::expected<std::uint64_t, eventstore::StoreError> head_of(const fs::path& dir, bool read_only) {
  auto store = open_data_dir(dir, read_only);
  if (!store) return std::unexpected(store.error());
  return (*store)->head_position();
}

bool is_empty_dir(const fs::path& dir) {
  std::error_code ec;
  return !fs::exists(dir, ec) || fs::is_empty(dir, ec);
}

// `dir` without a trailing separator ("data/" -> "data"), so that its last name is its own.
fs::path without_trailing_separator(const fs::path& dir) {
  return dir.filename().empty() ? dir.parent_path() : dir;
}

// `dir` with `suffix` added to its last name, in the same parent (so a rename stays on one
// file system).
fs::path sibling(const fs::path& dir, std::string_view suffix) {
  fs::path named = without_trailing_separator(dir);
  named += suffix;
  return named;
}

// What restore may replace: a missing or empty directory, or an orgd data directory (it holds
// CURRENT) with no `.replaced` left beside it. Until 2026-12-05 --force replaced any directory or
// file --data-dir named (a mistyped path lost what it held), and removed a `.replaced` an
// earlier restore had left, the only copy of the data it had replaced when that restore broke
// off.
std::expected<void, RestoreError> check_target(const fs::path& data_dir) {
  std::error_code ec;
  if (fs::exists(data_dir, ec) && !fs::is_directory(data_dir, ec)) {
    return std::unexpected(
        restore_error(RestoreErrorCode::not_a_store, data_dir.string() + " is not a directory"));
  }
  if (!is_empty_dir(data_dir) && !fs::exists(data_dir / "CURRENT", ec)) {
    return std::unexpected(restore_error(
        RestoreErrorCode::not_a_store,
        data_dir.string() + " holds files but no orgd data directory; restore replaces only "
                            "one, or fills an empty or missing directory"));
  }
  const fs::path replaced = sibling(data_dir, ".replaced");
  if (fs::exists(replaced, ec)) {
    return std::unexpected(restore_error(
        RestoreErrorCode::not_a_store,
        replaced.string() + " is left from an earlier restore (the data it replaced): move it "
                            "away or delete it first"));
  }
  return {};
}

// Copies the backup `from` to `target` (after removing what an earlier failed restore left
// there) and opens it writable, as orgd will: its head.
std::expected<std::uint64_t, RestoreError> copy_and_open(const fs::path& from,
                                                         const fs::path& target) {
  std::error_code ec;
  fs::remove_all(target, ec);
  if (ec) return std::unexpected(restore_error(RestoreErrorCode::io_error, ec.message()));
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  fs::copy(from, target, fs::copy_options::recursive, ec);
  if (ec) {
    return std::unexpected(restore_error(RestoreErrorCode::io_error,
                                         "copying " + from.string() + ": " + ec.message()));
  }
  // Opened writable, as orgd will, and its log checked before it replaces anything (until
  // 2026-12-05 a backup with a damaged event was swapped in, and only a verify afterwards told).
  auto store = open_data_dir(target, /*read_only=*/false);
  if (!store) {
    return std::unexpected(restore_error(RestoreErrorCode::io_error, store.error().message));
  }
  auto report = verify(**store, {.projections = false});
  if (!report) return std::unexpected(restore_error(RestoreErrorCode::io_error, report.error()));
  for (const auto& check : report->checks) {
    if (!check.divergence || check.advisory) continue;
    return std::unexpected(restore_error(
        RestoreErrorCode::not_a_backup,
        from.string() + " does not verify (" + check.name + ") at position " +
            std::to_string(check.divergence->position) + ": " + check.divergence->found));
  }
  return (*store)->head_position();
}

// Puts the complete copy `staging` in the place of `data_dir`. The old directory is renamed
// aside first and removed last: a crash in between leaves it whole as `<data_dir>.replaced`.
std::expected<void, RestoreError> replace_with(const fs::path& data_dir, const fs::path& staging) {
  std::error_code ec;
  const fs::path replaced = sibling(data_dir, ".replaced");
  const bool had_old = fs::exists(data_dir, ec);
  if (had_old) {
    fs::rename(data_dir, replaced, ec);
    if (ec) {
      return std::unexpected(restore_error(
          RestoreErrorCode::io_error, "moving " + data_dir.string() + " aside: " + ec.message()));
    }
  }
  fs::rename(staging, data_dir, ec);
  if (ec) {
    std::error_code back;
    if (had_old) fs::rename(replaced, data_dir, back);
    return std::unexpected(
        restore_error(RestoreErrorCode::io_error,
                      "moving the copy into " + data_dir.string() + ": " + ec.message()));
  }
  if (had_old) fs::remove_all(replaced, ec);
  return {};
}

}  // namespace

bool overlapping(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  const fs::path x = without_trailing_separator(fs::weakly_canonical(fs::absolute(a, ec), ec));
  const fs::path y = without_trailing_separator(fs::weakly_canonical(fs::absolute(b, ec), ec));
  const auto inside = [](const fs::path& outer, const fs::path& inner) {
    return std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end()).first ==
           outer.end();
  };
  return inside(x, y) || inside(y, x);
}

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
  // It would be lost with the data directory, and restore refuses it (it once wrote it).
  if (const fs::path data_dir = store.db()->GetName(); overlapping(target, data_dir)) {
    return std::unexpected(target.string() + " and the data directory " + data_dir.string() +
                           " overlap: keep the backup outside the data directory");
  }
  // RocksDB makes the checkpoint's own directory, not those above it: `backup
  // /backups/orgd-2026-11-23` on a machine without /backups failed.
  if (target.has_parent_path()) {
    fs::create_directories(target.parent_path(), ec);
    if (ec) {
      return std::unexpected("cannot create " + target.parent_path().string() + ": " +
                             ec.message());
    }
  }
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

std::expected<std::uint64_t, RestoreError> restore(const fs::path& from,
                                                   const fs::path& named_data_dir, bool force) {
  std::error_code ec;
  // Through a symbolic link, the directory it names is replaced, on its own file system, and
  // the link stays (until 2026-12-05 the link itself was replaced by a directory).
  const fs::path data_dir =
      without_trailing_separator(fs::weakly_canonical(fs::absolute(named_data_dir, ec), ec));
  if (!fs::exists(from / "CURRENT", ec)) {
    return std::unexpected(
        restore_error(RestoreErrorCode::not_a_backup, from.string() + " is not a backup"));
  }
  if (auto refused = check_target(data_dir); !refused) return std::unexpected(refused.error());
  {
    // A running orgd's directory changes under the copy (it failed half the time, and the rest
    // restored whatever moment the copy caught): back it up with `orgctl backup` first.
    eventstore::StoreOptions source;
    source.data_dir = from;
    // Only a held lock refuses: a backup on a read-only disk cannot be locked, nor run.
    const auto free = eventstore::Store::check_not_in_use(source);
    if (!free && free.error().code == eventstore::StoreErrorCode::locked) {
      return std::unexpected(restore_error(
          RestoreErrorCode::not_a_backup,
          from.string() + " is in use by a running orgd: make a backup of it with orgctl backup, "
                          "and restore that"));
    }
  }
  if (overlapping(from, data_dir)) {
    return std::unexpected(restore_error(
        RestoreErrorCode::overlaps, from.string() + " and " + data_dir.string() +
                                        " overlap: keep the backup outside the data directory"));
  }
  if (auto source = head_of(from, /*read_only=*/true); !source) {
    return std::unexpected(restore_error(RestoreErrorCode::not_a_backup,
                                         from.string() + ": " + source.error().message));
  }
  if (!is_empty_dir(data_dir)) {
    // In use comes first: --force would not help, stopping orgd would.
    eventstore::StoreOptions options;
    options.data_dir = data_dir;
    if (auto free = eventstore::Store::check_not_in_use(options); !free) {
      const auto code = free.error().code == eventstore::StoreErrorCode::locked
                            ? RestoreErrorCode::locked
                            : RestoreErrorCode::io_error;
      return std::unexpected(restore_error(code, free.error().message));
    }
    if (!force) {
      return std::unexpected(restore_error(
          RestoreErrorCode::not_empty,
          data_dir.string() + " is not empty; pass --force to replace what it holds"));
    }
  }
  const fs::path staging = sibling(data_dir, ".restoring");
  auto restored = copy_and_open(from, staging);
  if (!restored) {
    fs::remove_all(staging, ec);
    return std::unexpected(std::move(restored.error()));
  }
  if (auto placed = replace_with(data_dir, staging); !placed) {
    return std::unexpected(std::move(placed.error()));
  }
  return *restored;
}

}  // namespace orgd::replay
