#pragma once
// A throwaway RocksDB database in a fresh temporary directory, for replays nobody else reads
// (verify compares read models against a replay made here). Removed with its directory when
// destroyed. Thread-safety: as rocksdb::DB.

#include <rocksdb/db.h>

#include <expected>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace orgd::replay {

class ScratchDb {
 public:
  // Errors: the directory or the database cannot be created.
  [[nodiscard]] static std::expected<std::unique_ptr<ScratchDb>, std::string> open(
      const std::filesystem::path& parent, const std::vector<std::string>& column_families);
  ~ScratchDb();
  ScratchDb(const ScratchDb&) = delete;
  ScratchDb& operator=(const ScratchDb&) = delete;

  [[nodiscard]] rocksdb::DB* db() const { return db_.get(); }
  // nullptr for a name not given to open().
  [[nodiscard]] rocksdb::ColumnFamilyHandle* cf(const std::string& name) const;

 private:
  ScratchDb() = default;
  std::filesystem::path dir_;
  std::unique_ptr<rocksdb::DB> db_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace orgd::replay
