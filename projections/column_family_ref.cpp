#include "projections/column_family_ref.hpp"

#include <rocksdb/db.h>

#include <utility>

namespace orgd::projections {

void CountedHandle::retire() {
  const std::uint64_t before = state_.fetch_or(kRetired, std::memory_order_acq_rel);
  if (before < kOne) destroy_if_unreferenced();
}

bool CountedHandle::referenced() const { return state_.load(std::memory_order_acquire) >= kOne; }

void CountedHandle::destroy_if_owned() {
  if ((state_.fetch_or(kDestroyed, std::memory_order_acq_rel) & kDestroyed) != 0) return;
  // Failing to free a handle leaks memory only (and keeps a dropped column family's files
  // until the database closes); nothing to recover.
  if (owned_.load(std::memory_order_acquire)) (void)db_.DestroyColumnFamilyHandle(handle_);
}

// Retired and unreferenced: whoever sees that first destroys it. A take() that backs off
// makes the count 1 for a moment, so retire() and that take's remove() may both get here; the
// exchange lets one through.
void CountedHandle::destroy_if_unreferenced() {
  std::uint64_t expected = kRetired;
  if (state_.compare_exchange_strong(expected, kRetired | kDestroyed, std::memory_order_acq_rel,
                                     std::memory_order_relaxed) &&
      owned_.load(std::memory_order_acquire)) {
    (void)db_.DestroyColumnFamilyHandle(handle_);  // as in destroy_if_owned
  }
}

bool CountedHandle::try_add() {
  if ((state_.fetch_add(kOne, std::memory_order_acquire) & kRetired) == 0) return true;
  remove();
  return false;
}

void CountedHandle::add() {
  state_.fetch_add(kOne, std::memory_order_relaxed);  // the caller's reference keeps it alive
}

void CountedHandle::remove() {
  // Release: this reference's reads happen before the destruction, wherever it runs.
  const std::uint64_t before = state_.fetch_sub(kOne, std::memory_order_acq_rel);
  if (before == (kOne | kRetired)) destroy_if_unreferenced();
}

ColumnFamilyRef ColumnFamilyRef::take(CountedHandle& counted) {
  ColumnFamilyRef ref;
  if (!counted.try_add()) return ref;
  ref.handle_ = counted.handle();
  ref.counted_ = &counted;
  return ref;
}

ColumnFamilyRef ColumnFamilyRef::unowned(rocksdb::ColumnFamilyHandle* handle) {
  ColumnFamilyRef ref;
  ref.handle_ = handle;
  return ref;
}

ColumnFamilyRef::ColumnFamilyRef(const ColumnFamilyRef& other)
    : handle_(other.handle_), counted_(other.counted_) {
  if (counted_ != nullptr) counted_->add();
}

ColumnFamilyRef& ColumnFamilyRef::operator=(const ColumnFamilyRef& other) {
  if (this != &other) *this = ColumnFamilyRef(other);
  return *this;
}

ColumnFamilyRef::ColumnFamilyRef(ColumnFamilyRef&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)),
      counted_(std::exchange(other.counted_, nullptr)) {}

ColumnFamilyRef& ColumnFamilyRef::operator=(ColumnFamilyRef&& other) noexcept {
  if (this != &other) {
    reset();
    handle_ = std::exchange(other.handle_, nullptr);
    counted_ = std::exchange(other.counted_, nullptr);
  }
  return *this;
}

void ColumnFamilyRef::reset() {
  handle_ = nullptr;
  if (auto* counted = std::exchange(counted_, nullptr)) counted->remove();
}

}  // namespace orgd::projections
