#pragma once
// Consistent backups of a data directory, and restoring one.
//
// A backup is a RocksDB checkpoint: every column family (the log, its indexes, the read
// models and their checkpoints) as of one instant, as a directory that is itself a complete
// data directory. Files are hard-linked when the backup is on the same file system, so a
// backup is cheap; it shares nothing mutable with the live directory (SST files are
// immutable).
//
// Thread-safety: any thread; backup() while the store serves is fine.

#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>

#include "eventstore/store.hpp"

namespace orgd::replay {

struct BackupInfo {
  std::uint64_t head{0};  // the last position in the backup
  std::uint64_t bytes{0};
};

// Errors: `target` exists, or RocksDB cannot create the checkpoint.
[[nodiscard]] std::expected<BackupInfo, std::string> backup(const eventstore::Store& store,
                                                            const std::filesystem::path& target);

enum class RestoreErrorCode : std::uint8_t {
  not_a_backup,  // `from` is not a data directory
  not_empty,     // `data_dir` holds files and force was not given
  locked,        // a running orgd holds `data_dir`
  overlaps,      // one of `from` and `data_dir` lies inside the other (or they are the same)
  not_a_store,   // `data_dir` holds something else than an orgd data directory, or a
                 // `.replaced` an earlier restore left beside it
  io_error,
};

struct RestoreError {
  RestoreErrorCode code{RestoreErrorCode::io_error};
  std::string message;
};

// Replaces `data_dir` (the directory it names, through a symbolic link) with a copy of the
// backup `from`. Refuses a non-empty `data_dir` unless `force`, and always refuses one a running
// orgd holds, one that is not an orgd data directory, a `from` a running orgd holds and a
// backup whose log does not verify. Returns the restored head.
// The copy is made and opened beside `data_dir` (`<data_dir>.restoring`) and only then takes
// its place, so a failed copy (a full disk, an unreadable file) leaves `data_dir` as it was.
[[nodiscard]] std::expected<std::uint64_t, RestoreError> restore(
    const std::filesystem::path& from, const std::filesystem::path& data_dir, bool force);

// Whether one of the two paths is, or lies inside, the other (through `..` and symbolic links):
// a backup, restore or export would then write into the data directory it reads, or remove what
// it is about to copy.
[[nodiscard]] bool overlapping(const std::filesystem::path& a, const std::filesystem::path& b);

// Bytes of the regular files below `dir` (0 when it does not exist).
[[nodiscard]] std::uint64_t disk_usage(const std::filesystem::path& dir);

}  // namespace orgd::replay
