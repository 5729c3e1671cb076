#include "eventstore/store.hpp"

#include <algorithm>
#include <future>

#include "eventstore/column_families.hpp"
#include "eventstore/store_impl.hpp"

namespace orgd::eventstore {
namespace {

std::expected<void, StoreError> validate(const StoreOptions& options) {
  const auto invalid = [](std::string message) {
    return std::unexpected(StoreError{StoreErrorCode::invalid_argument, std::move(message)});
  };
  if (options.data_dir.empty()) return invalid("StoreOptions::data_dir is empty");
  if (options.max_requests_per_batch == 0) {
    return invalid("StoreOptions::max_requests_per_batch must be at least 1");
  }
  for (const auto& name : options.extra_column_families) {
    if (name.empty() || is_own_column_family(name)) {
      return invalid("extra column family name '" + name + "' is empty or the store's own");
    }
  }
  return {};
}

}  // namespace

std::expected<void, StoreError> Store::check_not_in_use(const StoreOptions& options) {
  return Database::check_not_in_use(options);
}

std::expected<std::unique_ptr<Store>, StoreError> Store::open(const StoreOptions& options) {
  if (auto valid = validate(options); !valid) return std::unexpected(valid.error());
  auto database = Database::open(options);
  if (!database) return std::unexpected(database.error());
  const auto tip = LogReader(*(*database)->db(), (*database)->cfs()).recover_tip();
  if (!tip) return std::unexpected(tip.error());

  auto impl = std::make_unique<Impl>(std::move(*database), *tip);
  if (!options.read_only) {
    Impl& parts = *impl;
    impl->writer = std::make_unique<AppendWriter>(
        *parts.database->db(), parts.database->cfs(), parts.reader, parts.head, options,
        [&parts](std::uint64_t head) { parts.subscribers.publish(head); });
  }
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Store::~Store() = default;

void Store::append_async(AppendRequest request, AppendCallback done) {
  if (impl_->writer) {
    impl_->writer->submit(std::move(request), std::move(done));
    return;
  }
  if (done) {
    done(std::unexpected(
        AppendError{.code = AppendErrorCode::closed, .message = "the store is open read-only"}));
  }
}

void Store::stop_writing() {
  if (impl_->writer) impl_->writer->stop();
}

Store::AppendOutcome Store::append(AppendRequest request) {
  std::promise<AppendOutcome> promise;
  auto outcome = promise.get_future();
  append_async(std::move(request),
               [&promise](AppendOutcome result) { promise.set_value(std::move(result)); });
  return outcome.get();
}

std::expected<std::vector<Envelope>, StoreError> Store::read_stream(std::string_view stream_id,
                                                                    std::uint64_t from_version,
                                                                    std::size_t max) const {
  return impl_->reader.read_stream(stream_id, from_version, head_position(), max);
}

std::expected<std::vector<Envelope>, StoreError> Store::read_all(std::uint64_t from_position,
                                                                 std::size_t max) const {
  return impl_->reader.read_range(std::max<std::uint64_t>(from_position, 1), head_position(), max);
}

std::expected<std::uint64_t, StoreError> Store::stream_version(std::string_view stream_id) const {
  return impl_->reader.stream_version(stream_id);
}

std::expected<std::optional<std::string>, StoreError> Store::claim_owner(
    std::string_view scope, std::string_view value) const {
  return impl_->reader.claim_owner(scope, value);
}

std::uint64_t Store::head_position() const { return impl_->head.position(); }

Hash Store::head_hash() const { return impl_->head.tip().hash; }

std::optional<WriteFailure> Store::write_failure() const {
  return impl_->writer ? impl_->writer->write_failure() : std::nullopt;
}

std::uint64_t Store::batches_written() const {
  return impl_->writer ? impl_->writer->batches_written() : 0;
}

Subscription Store::subscribe(std::uint64_t from_position, SubscriptionHandler handler,
                              SubscriptionFailed on_failure) {
  auto state = std::make_shared<Subscription::State>(impl_->reader,
                                                     std::max<std::uint64_t>(from_position, 1),
                                                     std::move(handler), std::move(on_failure));
  impl_->subscribers.add(state);
  state->start(state);
  return Subscription(std::move(state));
}

rocksdb::DB* Store::db() const { return impl_->database->db(); }

bool Store::opened_torn() const { return impl_->database->opened_torn(); }

rocksdb::ColumnFamilyHandle* Store::column_family(std::string_view name) const {
  return impl_->database->find(name);
}

rocksdb::ColumnFamilyHandle* Store::release_column_family(std::string_view name) {
  return impl_->database->release(name);
}

}  // namespace orgd::eventstore
