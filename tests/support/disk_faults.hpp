#pragma once
// A file system for RocksDB whose disk can be made to fill up or turn read-only on demand:
// the operating system's file system underneath, with writes refused the way a full
// (ENOSPC) or read-only (EROFS) disk refuses them, from the moment fail() is called until
// heal(). Reads always pass through. It can also be made slow: every sync waiting a while.
//
// Thread-safety: fail(), heal() and slow_syncs() may be called from any thread while RocksDB
// runs.

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

namespace orgd::test {

// sync_fails: writes go through, every fsync fails with EIO (a disk that loses what it was
// asked to persist).
enum class DiskFault : std::uint8_t { none, full, read_only, sync_fails };

// What the disk currently refuses, shared by the file system and every file it opened (they
// may outlive the DiskFaults object, inside RocksDB).
struct DiskGate {
  std::atomic<DiskFault> fault{DiskFault::none};
  std::atomic<std::uint64_t> refused{0};
  std::atomic<std::int64_t> sync_delay_ms{0};  // a slow disk: every sync takes this long
  std::atomic<std::uint64_t> syncs_started{0};

  void delay_sync() {
    syncs_started.fetch_add(1);
    if (const auto ms = sync_delay_ms.load(); ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    }
  }

  rocksdb::IOStatus check() {
    const DiskFault now = fault.load();
    if (now == DiskFault::none || now == DiskFault::sync_fails) return rocksdb::IOStatus::OK();
    refused.fetch_add(1);
    if (now == DiskFault::full) return rocksdb::IOStatus::NoSpace("No space left on device");
    return rocksdb::IOStatus::IOError("Read-only file system");
  }

  rocksdb::IOStatus check_sync() {
    if (fault.load() != DiskFault::sync_fails) return check();
    refused.fetch_add(1);
    return rocksdb::IOStatus::IOError("Input/output error");
  }
};

class FaultyFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultyFile(std::unique_ptr<rocksdb::FSWritableFile> file, std::shared_ptr<DiskGate> gate)
      : FSWritableFileOwnerWrapper(std::move(file)), gate_(std::move(gate)) {}
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    if (auto s = gate_->check(); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::Append(data, options, dbg);
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
    if (auto s = gate_->check(); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::Append(data, options, info, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     rocksdb::IODebugContext* dbg) override {
    if (auto s = gate_->check(); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, dbg);
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    if (auto s = gate_->check_sync(); !s.ok()) return s;
    gate_->delay_sync();
    return FSWritableFileOwnerWrapper::Sync(options, dbg);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    if (auto s = gate_->check_sync(); !s.ok()) return s;
    gate_->delay_sync();
    return FSWritableFileOwnerWrapper::Fsync(options, dbg);
  }

 private:
  std::shared_ptr<DiskGate> gate_;
};

class FaultyFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit FaultyFileSystem(std::shared_ptr<DiskGate> gate)
      : FileSystemWrapper(rocksdb::FileSystem::Default()), gate_(std::move(gate)) {}
  [[nodiscard]] const char* Name() const override { return "DiskFaults"; }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    if (auto s = gate_->check(); !s.ok()) return s;
    return wrap(FileSystemWrapper::NewWritableFile(name, options, result, dbg), result);
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override {
    if (auto s = gate_->check(); !s.ok()) return s;
    return wrap(FileSystemWrapper::ReopenWritableFile(name, options, result, dbg), result);
  }
  rocksdb::IOStatus ReuseWritableFile(const std::string& name, const std::string& old_name,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override {
    if (auto s = gate_->check(); !s.ok()) return s;
    return wrap(FileSystemWrapper::ReuseWritableFile(name, old_name, options, result, dbg), result);
  }
  // RocksDB's own recovery from a full disk waits until the disk reports free space again.
  rocksdb::IOStatus GetFreeSpace(const std::string& path, const rocksdb::IOOptions& options,
                                 uint64_t* free, rocksdb::IODebugContext* dbg) override {
    if (gate_->fault.load() == DiskFault::full) {
      *free = 0;
      return rocksdb::IOStatus::OK();
    }
    return FileSystemWrapper::GetFreeSpace(path, options, free, dbg);
  }
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override {
    if (auto s = gate_->check(); !s.ok()) return s;
    return FileSystemWrapper::RenameFile(from, to, options, dbg);
  }

 private:
  rocksdb::IOStatus wrap(rocksdb::IOStatus opened,
                         std::unique_ptr<rocksdb::FSWritableFile>* result) {
    if (!opened.ok()) return opened;
    *result = std::make_unique<FaultyFile>(std::move(*result), gate_);
    return opened;
  }
  std::shared_ptr<DiskGate> gate_;
};

class DiskFaults {
 public:
  DiskFaults()
      : gate_(std::make_shared<DiskGate>()),
        env_(rocksdb::NewCompositeEnv(std::make_shared<FaultyFileSystem>(gate_))) {}
  // For StoreOptions::env / OrgdOptions::storage_env.
  [[nodiscard]] std::shared_ptr<rocksdb::Env> env() const { return env_; }
  void fail(DiskFault fault) { gate_->fault.store(fault); }
  void heal() { gate_->fault.store(DiskFault::none); }
  // Every sync of a written file takes `delay` from now on (zero: as fast as the disk).
  void slow_syncs(std::chrono::milliseconds delay) { gate_->sync_delay_ms.store(delay.count()); }
  // Write calls refused so far.
  [[nodiscard]] std::uint64_t refused() const { return gate_->refused.load(); }
  // Syncs begun so far (a slowed one counts as soon as it starts waiting).
  [[nodiscard]] std::uint64_t syncs_started() const { return gate_->syncs_started.load(); }

 private:
  std::shared_ptr<DiskGate> gate_;
  std::shared_ptr<rocksdb::Env> env_;
};

}  // namespace orgd::test
