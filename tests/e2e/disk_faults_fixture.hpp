#pragma once
// An e2e fixture whose orgd writes through test::DiskFaults: a disk that can be made slow, or
// fail, on demand while the server runs (a sync slowed to hold a moment open between a
// command's decision and its commit, for instance).

#include <chrono>

#include "tests/support/disk_faults.hpp"

namespace orgd::e2e {

template <class Base>
class WithDiskFaults : public Base {
 protected:
  void SetUp() override {
    this->storage_env_ = faults_.env();
    Base::SetUp();
  }
  void TearDown() override {
    faults_.slow_syncs(std::chrono::milliseconds(0));  // stopping must not wait on a slow disk
    faults_.heal();
    Base::TearDown();
  }
  test::DiskFaults faults_;  // the store holds its file system: it may outlive this
};

}  // namespace orgd::e2e
