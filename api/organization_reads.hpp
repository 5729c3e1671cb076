#pragma once
// Organizations as GET /api/v1/organizations/{id} answers them: the row, its JSON and its
// ETag, remembered with the read models' position at the time they were read (`position`:
// the projection runner's settled position). Until that position moves, no event has changed
// any organization, so the same row and JSON hold: the read-model read, the row's decoding
// and the JSON writing are skipped (a third of a GET's instructions). The caller still checks
// on every request whether the organization is visible to whoever asks.
//
// Like Authenticator: nothing is remembered or reused while `position` has no answer (a
// projection stopped); at most kRemembered organizations, all forgotten when full; absent
// organizations are not remembered. Every event moves the position, so while commands keep
// coming most reads miss (and a miss costs a map lookup more than reading directly); the
// saving is for reads between writes.
//
// Thread-safety: any thread.

#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "projections/organization_queries.hpp"

namespace orgd::api {

struct OrganizationRepresentation {
  projections::OrganizationRow row;
  std::string body;  // organization_body(row)
  std::string etag;  // etag_of(row.version)
};

class OrganizationReads {
 public:
  static constexpr std::size_t kRemembered = 4096;

  OrganizationReads(const projections::OrganizationQueries& organizations,
                    std::function<std::optional<std::uint64_t>()> position)
      : organizations_(organizations), position_(std::move(position)) {}

  // The organization `id` as the read model holds it now; nullptr when there is none.
  [[nodiscard]] std::expected<std::shared_ptr<const OrganizationRepresentation>,
                              projections::QueryError>
  read(const std::string& id) const;

 private:
  struct Remembered {
    std::uint64_t position{0};  // the read models' position when read
    std::shared_ptr<const OrganizationRepresentation> representation;
  };

  const projections::OrganizationQueries& organizations_;
  std::function<std::optional<std::uint64_t>()> position_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::string, Remembered> remembered_;  // by organization id
};

}  // namespace orgd::api
