#pragma once
// Organizations as GET /api/v1/organizations/{id} answers them: the row, its JSON and its
// ETag, remembered at the read models' position (remembered_at_position.hpp, the rule the
// Authenticator follows for tokens). Until that position moves, no event has changed any
// organization, so the same row and JSON hold: the read-model read, the row's decoding and
// the JSON writing are skipped (a third of a GET's instructions). The caller still checks on
// every request whether the organization is visible to whoever asks.
//
// At most kRemembered organizations; absent organizations are not remembered. Every event
// moves the position, so while commands keep coming most reads miss (and a miss costs a map
// lookup more than reading directly); the saving is for reads between writes.
//
// Thread-safety: any thread.

#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/remembered_at_position.hpp"
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
      : organizations_(organizations), remembered_(std::move(position), kRemembered) {}

  // The organization `id` as the read model holds it now; nullptr when there is none.
  [[nodiscard]] std::expected<std::shared_ptr<const OrganizationRepresentation>,
                              projections::QueryError>
  read(const std::string& id) const;

 private:
  const projections::OrganizationQueries& organizations_;
  RememberedAtPosition<OrganizationRepresentation> remembered_;  // by organization id
};

}  // namespace orgd::api
