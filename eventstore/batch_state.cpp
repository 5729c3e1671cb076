#include "eventstore/batch_state.hpp"

#include "eventstore/key_encoding.hpp"

namespace orgd::eventstore {

std::expected<std::uint64_t, StoreError> BatchState::stream_version(
    const std::string& stream_id) const {
  if (const auto it = versions_.find(stream_id); it != versions_.end()) return it->second;
  return reader_.stream_version(stream_id);
}

std::expected<std::optional<std::string>, StoreError> BatchState::claim_owner(
    std::string_view scope, std::string_view value) const {
  if (const auto it = claims_.find(claim_key(scope, value)); it != claims_.end()) {
    return it->second;
  }
  return reader_.claim_owner(scope, value);
}

void BatchState::set_stream_version(const std::string& stream_id, std::uint64_t version) {
  versions_[stream_id] = version;
}

void BatchState::set_claim_owner(std::string_view scope, std::string_view value,
                                 std::optional<std::string> owner) {
  claims_[claim_key(scope, value)] = std::move(owner);
}

}  // namespace orgd::eventstore
