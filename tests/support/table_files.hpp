#pragma once
// The table files of column families, and whether this process still holds them: for tests
// that a dropped column family's files go while the database stays open.

#include <rocksdb/db.h>
#include <rocksdb/metadata.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace orgd::test {

// The live table files of the column families named `column_families` (of all when empty).
inline std::vector<std::filesystem::path> live_table_files(
    rocksdb::DB& db, const std::set<std::string>& column_families) {
  std::vector<rocksdb::LiveFileMetaData> all;
  db.GetLiveFilesMetaData(&all);
  std::vector<std::filesystem::path> files;
  for (const auto& file : all) {
    if (column_families.empty() || column_families.contains(file.column_family_name)) {
      files.push_back(std::filesystem::path(file.directory) / file.relative_filename);
    }
  }
  return files;
}

// Those of `files` that are still in their directory, or open in this process (a deleted
// file whose descriptor a table reader keeps reads "<path> (deleted)" in /proc/self/fd).
inline std::vector<std::string> still_held(const std::vector<std::filesystem::path>& files) {
  std::set<std::string> open;
  std::error_code ec;
  for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    std::error_code gone;  // closed since the listing
    const auto target = std::filesystem::read_symlink(fd.path(), gone);
    if (!gone) open.insert(target.string());
  }
  std::vector<std::string> held;
  for (const auto& file : files) {
    const std::string name = file.string();
    if (std::filesystem::exists(file) || open.contains(name) ||
        open.contains(name + " (deleted)")) {
      held.push_back(name);
    }
  }
  return held;
}

// still_held, polled until none is held or `patience` has passed: RocksDB deletes a dropped
// column family's files when its last handle goes, or after a flush or compaction still in
// it ends.
inline std::vector<std::string> held_after(const std::vector<std::filesystem::path>& files,
                                           std::chrono::milliseconds patience) {
  const auto give_up = std::chrono::steady_clock::now() + patience;
  auto held = still_held(files);
  while (!held.empty() && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    held = still_held(files);
  }
  return held;
}

}  // namespace orgd::test
