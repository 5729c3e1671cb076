#pragma once
// Counted references to a RocksDB column family handle, for handles that are replaced and
// destroyed while orgd runs (ReadModelHandles): RocksDB deletes a dropped column family's
// files, and closes them, only once its last handle is destroyed, and a query still reading
// it must keep it valid until it is done.
//
// A CountedHandle counts the references to one handle. Once retired (dropped, no longer
// live), no new reference can be taken from it, only copied from one held, and the last
// reference to go destroys the handle, if it is ours; with none left, retire() destroys it.
// A reference costs one atomic increment and one decrement, no lock.
//
// Why not std::atomic<std::shared_ptr>: libstdc++ 12's releases its spin bit in load() with a
// relaxed write, so its read of the pointer is not ordered before the next store's write
// (ThreadSanitizer reports the race; a weakly ordered CPU may pair the new pointer with the
// old count).
//
// Thread-safety: every member from any thread. A CountedHandle must outlive every reference to
// it and every take() (ReadModelHandles keeps them until it is destroyed).

#include <atomic>
#include <cstdint>

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace orgd::projections {

class CountedHandle {
 public:
  // `owned`: destroy `handle` (through `db`) once retired and unreferenced; else whoever opened
  // it (the store) destroys it, until own() is called.
  CountedHandle(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* handle, bool owned)
      : db_(db), handle_(handle), owned_(owned) {}
  CountedHandle(const CountedHandle&) = delete;
  CountedHandle& operator=(const CountedHandle&) = delete;

  [[nodiscard]] rocksdb::ColumnFamilyHandle* handle() const { return handle_; }
  // The handle is ours to destroy from now on (its opener let go of it).
  void own() { owned_.store(true, std::memory_order_release); }
  // No reference is taken from now on: the last one held destroys the handle (now, when none
  // is). Call once, after dropping the column family.
  void retire();
  // For the owner's destruction: whether any reference is left (none may be), and destroying
  // the handle when it is ours and still there (a live one at shutdown).
  [[nodiscard]] bool referenced() const;
  void destroy_if_owned();

 private:
  friend class ColumnFamilyRef;
  [[nodiscard]] bool try_add();  // fails once retired
  void add();                    // the caller holds a reference
  void remove();
  void destroy_if_unreferenced();

  // References times kOne, and two flags.
  static constexpr std::uint64_t kRetired = 1;
  static constexpr std::uint64_t kDestroyed = 2;
  static constexpr std::uint64_t kOne = 4;

  std::atomic<std::uint64_t> state_{0};
  rocksdb::DB& db_;
  rocksdb::ColumnFamilyHandle* const handle_;
  std::atomic<bool> owned_;
};

// A reference to a column family handle: it stays valid while the reference lives. Copies
// count too. Either counted (a CountedHandle's) or unowned (a handle someone else keeps valid
// for as long as it is used, such as the store's own: nothing counted); empty when null.
class ColumnFamilyRef {
 public:
  ColumnFamilyRef() = default;
  // A new reference to `counted`; empty when it is retired.
  [[nodiscard]] static ColumnFamilyRef take(CountedHandle& counted);
  [[nodiscard]] static ColumnFamilyRef unowned(rocksdb::ColumnFamilyHandle* handle);

  ColumnFamilyRef(const ColumnFamilyRef& other);
  ColumnFamilyRef& operator=(const ColumnFamilyRef& other);
  ColumnFamilyRef(ColumnFamilyRef&& other) noexcept;
  ColumnFamilyRef& operator=(ColumnFamilyRef&& other) noexcept;
  ~ColumnFamilyRef() { reset(); }

  void reset();
  [[nodiscard]] rocksdb::ColumnFamilyHandle* get() const { return handle_; }
  [[nodiscard]] CountedHandle* counted() const { return counted_; }  // null when unowned
  explicit operator bool() const { return handle_ != nullptr; }
  friend bool operator==(const ColumnFamilyRef& a, const ColumnFamilyRef& b) {
    return a.handle_ == b.handle_;
  }

 private:
  rocksdb::ColumnFamilyHandle* handle_{nullptr};
  CountedHandle* counted_{nullptr};
};

}  // namespace orgd::projections
