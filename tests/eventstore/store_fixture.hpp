#pragma once
// A fresh data directory and Store per test, and builders for append requests.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "eventstore/store.hpp"

namespace orgd::eventstore::testing {

// A directory under $TMPDIR, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "orgd-es-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;  // best effort: a leftover temp directory harms nothing
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline EventData event(std::string type = "Tested", std::string payload = "payload") {
  return {.type = std::move(type), .schema_version = 1, .payload = std::move(payload)};
}

inline AppendRequest append_to(std::string stream, ExpectedVersion expected, int events = 1) {
  AppendRequest request;
  request.streams.push_back({std::move(stream), expected, {}});
  for (int i = 0; i < events; ++i) {
    request.streams.back().events.push_back(event("Tested", "payload-" + std::to_string(i)));
  }
  request.actor = "system";
  request.correlation_id = "corr";
  return request;
}

inline AppendRequest claim(std::string scope, std::string value, std::string owner) {
  AppendRequest request;
  request.claims.push_back({std::move(scope), std::move(value), std::move(owner)});
  return request;
}

inline std::vector<std::uint64_t> positions(const std::vector<Envelope>& envelopes) {
  std::vector<std::uint64_t> out;
  for (const auto& envelope : envelopes) out.push_back(envelope.position);
  return out;
}

// Queues an append and hands back its outcome for later.
inline std::future<Store::AppendOutcome> append_later(Store& store, AppendRequest request) {
  auto promise = std::make_shared<std::promise<Store::AppendOutcome>>();
  auto outcome = promise->get_future();
  store.append_async(std::move(request), [promise](Store::AppendOutcome result) {
    promise->set_value(std::move(result));
  });
  return outcome;
}

// Parks the writer thread inside an append callback, so that every request queued until
// release() is taken by the writer's next round: one batch, deterministically.
class WriterHold {
 public:
  explicit WriterHold(Store& store) {
    auto entered = std::make_shared<std::promise<void>>();
    auto inside = entered->get_future();
    store.append_async(append_to("writer-hold", ExpectedVersion::any()),
                       [entered, released = released_](Store::AppendOutcome) {
                         entered->set_value();
                         released.wait();
                       });
    inside.wait();
  }
  ~WriterHold() { release(); }
  WriterHold(const WriterHold&) = delete;
  WriterHold& operator=(const WriterHold&) = delete;

  void release() {
    if (!done_) release_.set_value();
    done_ = true;
  }

 private:
  std::promise<void> release_;
  std::shared_future<void> released_{release_.get_future().share()};
  bool done_{false};
};

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }

  [[nodiscard]] StoreOptions options() const {
    StoreOptions options;
    options.data_dir = dir_.path() / "db";  // not yet existing: open creates it
    options.block_cache_bytes = 8u << 20;
    return options;
  }

  void reopen(const StoreOptions& with) {
    store_.reset();
    auto opened = Store::open(with);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
  }
  void reopen() { reopen(options()); }

  [[nodiscard]] Store::AppendOutcome append(AppendRequest request) {
    return store_->append(std::move(request));
  }

  [[nodiscard]] std::optional<std::string> owner(std::string_view scope,
                                                 std::string_view value) const {
    auto owner = store_->claim_owner(scope, value);
    EXPECT_TRUE(owner) << owner.error().message;
    return owner ? *owner : std::nullopt;
  }

  [[nodiscard]] std::vector<Envelope> all() const {
    auto envelopes = store_->read_all(0, SIZE_MAX);
    EXPECT_TRUE(envelopes) << envelopes.error().message;
    return envelopes ? std::move(*envelopes) : std::vector<Envelope>{};
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace orgd::eventstore::testing
