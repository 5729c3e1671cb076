#pragma once
// The RocksDB instance behind a Store: opening it with the event store's column families
// (plus the extra ones other layers asked for, plus any the directory already holds), and
// closing it.
//
// Thread-safety: after open() the set of names is fixed and only release() changes a handle
// (to none); every member may be called from any thread (RocksDB's DB is thread-safe).
// Destroying it closes the database; every user must have stopped by then.

#include <atomic>
#include <expected>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "eventstore/column_families.hpp"
#include "eventstore/store.hpp"
#include "eventstore/store_options.hpp"

namespace orgd::eventstore {

class Database {
 public:
  // Creates data_dir and missing column families unless options.read_only. Read-only, an open
  // that finds a file or column family gone, or during which the MANIFEST changed (a writer
  // beside it deleted files, or ended a flush or compaction, meanwhile), is tried again, for up
  // to 10 s.
  // Errors: locked (another Store or process holds the directory's LOCK), io_error (also a
  // read-only open of a directory without a database), corruption, invalid_argument (bad
  // options).
  [[nodiscard]] static std::expected<std::unique_ptr<Database>, StoreError> open(
      const StoreOptions& options);
  // See Store::check_not_in_use.
  [[nodiscard]] static std::expected<void, StoreError> check_not_in_use(
      const StoreOptions& options);

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  [[nodiscard]] rocksdb::DB* db() const { return db_.get(); }
  // See Store::opened_torn.
  [[nodiscard]] bool opened_torn() const { return torn_; }
  [[nodiscard]] const ColumnFamilies& cfs() const { return cfs_; }
  // Any opened column family by name, "default" included; nullptr when unknown or released.
  [[nodiscard]] rocksdb::ColumnFamilyHandle* find(std::string_view name) const;
  // See Store::release_column_family.
  [[nodiscard]] rocksdb::ColumnFamilyHandle* release(std::string_view name);

 private:
  Database() = default;
  void close();

  std::shared_ptr<rocksdb::Env> env_;  // outlives db_, which uses it
  std::unique_ptr<rocksdb::DB> db_;
  // Names fixed at open; a released handle is nullptr here (no longer ours to destroy).
  std::map<std::string, std::atomic<rocksdb::ColumnFamilyHandle*>, std::less<>> handles_;
  ColumnFamilies cfs_;
  bool torn_{false};
};

}  // namespace orgd::eventstore
