#pragma once
// The organization read model: rows, listing indexes and their counters (see
// organization_keys.hpp), member and child counts, and each organization's ancestors.

#include "projections/projection.hpp"

namespace orgd::projections {

inline constexpr std::string_view kOrganizationsColumnFamily = "organizations";

class OrganizationsProjection final : public Projection {
 public:
  [[nodiscard]] std::string_view name() const override { return "organizations"; }
  [[nodiscard]] std::string_view column_family() const override {
    return kOrganizationsColumnFamily;
  }
  [[nodiscard]] std::expected<void, std::string> apply(const eventstore::Envelope& envelope,
                                                       const domain::Event& event,
                                                       ReadModelBatch& batch) override;
  // The JSON documents of the organizations whose rows changed (organization_document.hpp).
  [[nodiscard]] std::expected<void, std::string> finish(ReadModelBatch& batch) override;
};

}  // namespace orgd::projections
