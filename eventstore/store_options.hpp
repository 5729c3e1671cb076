#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace orgd::eventstore {

struct StoreOptions {
  // RocksDB directory; created when missing. Default: none (required).
  std::filesystem::path data_dir;
  // Column families other layers keep in the same database (read models, checkpoints), so
  // their writes share the WAL and can be atomic with each other. Default: none.
  std::vector<std::string> extra_column_families;
  // Most append requests the writer folds into one synced write. Default: 4096.
  std::size_t max_requests_per_batch{4096};
  // fsync the WAL before acknowledging. Only tests of non-durability paths turn this off.
  // Default: true.
  bool sync{true};
  // RocksDB block cache shared by all column families, bytes. Default: 64 MiB.
  std::size_t block_cache_bytes{64u << 20};
  // Open read-only (orgctl on a live directory). Appends then fail with `closed`.
  // Default: false.
  bool read_only{false};
};

}  // namespace orgd::eventstore
