#pragma once
// A file system for RocksDB that notes which thread deleted each file: for tests that slow
// work (unlinking a dropped column family's table files) stays off the threads that serve
// requests. The operating system's file system underneath, unchanged.
//
// Thread-safety: every member from any thread while RocksDB runs.

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace orgd::test {

class FileDeletions {
 public:
  FileDeletions() : log_(std::make_shared<Log>()) {
    env_ = rocksdb::NewCompositeEnv(std::make_shared<RecordingFileSystem>(log_));
  }
  // For StoreOptions::env.
  [[nodiscard]] std::shared_ptr<rocksdb::Env> env() const { return env_; }
  // The thread that last asked to delete `path`; nullopt while none has.
  [[nodiscard]] std::optional<std::thread::id> deleted_by(const std::filesystem::path& path) const {
    const std::scoped_lock lock(log_->mutex);
    const auto found = log_->by_path.find(normal(path));
    if (found == log_->by_path.end()) return std::nullopt;
    return found->second;
  }

 private:
  // RocksDB joins directory and name its own way ("dir//000012.sst").
  static std::string normal(const std::filesystem::path& path) {
    return path.lexically_normal().string();
  }
  // Shared with the file system, which RocksDB may keep beyond this object.
  struct Log {
    mutable std::mutex mutex;
    std::map<std::string, std::thread::id> by_path;
  };

  class RecordingFileSystem : public rocksdb::FileSystemWrapper {
   public:
    explicit RecordingFileSystem(std::shared_ptr<Log> log)
        : FileSystemWrapper(rocksdb::FileSystem::Default()), log_(std::move(log)) {}
    [[nodiscard]] const char* Name() const override { return "FileDeletions"; }
    rocksdb::IOStatus DeleteFile(const std::string& path, const rocksdb::IOOptions& options,
                                 rocksdb::IODebugContext* dbg) override {
      {
        // Before the unlink: a test that sees the file gone finds its deleter noted.
        const std::scoped_lock lock(log_->mutex);
        log_->by_path[normal(path)] = std::this_thread::get_id();
      }
      return FileSystemWrapper::DeleteFile(path, options, dbg);
    }

   private:
    std::shared_ptr<Log> log_;
  };

  std::shared_ptr<Log> log_;
  std::shared_ptr<rocksdb::Env> env_;
};

}  // namespace orgd::test
