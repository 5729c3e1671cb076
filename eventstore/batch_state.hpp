#pragma once
// Stream heads and claims as the writer's current batch has left them so far, overlaid on
// committed data, so each request in a batch is validated as if the requests accepted before
// it had already committed.
//
// Thread-safety: owned by the writer thread for the duration of one batch.
// Errors: lookups pass on the LogReader's errors (io_error, corruption).

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "eventstore/log_reader.hpp"

namespace orgd::eventstore {

class BatchState {
 public:
  explicit BatchState(const LogReader& reader) : reader_(reader) {}

  [[nodiscard]] std::expected<std::uint64_t, StoreError> stream_version(
      const std::string& stream_id) const;
  // Owner of claim_key(scope, value); nullopt when free.
  [[nodiscard]] std::expected<std::optional<std::string>, StoreError> claim_owner(
      std::string_view scope, std::string_view value) const;

  void set_stream_version(const std::string& stream_id, std::uint64_t version);
  // nullopt records a release.
  void set_claim_owner(std::string_view scope, std::string_view value,
                       std::optional<std::string> owner);

 private:
  const LogReader& reader_;
  std::unordered_map<std::string, std::uint64_t> versions_;
  std::unordered_map<std::string, std::optional<std::string>> claims_;  // by claim_key
};

}  // namespace orgd::eventstore
