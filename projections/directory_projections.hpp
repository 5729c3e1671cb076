#pragma once
// Read models of contracts, groups and invoices.
//
// "contracts" column family:
//   'c' contract                     -> ContractRow
//   'l' be64(published position)     -> contract id        (all contracts, oldest first)
//   '~' ...                          count tree of 'l' (counted_index.hpp)
//   'a' org '\0' contract            -> ""                 (assigned to the organization)
//   'o' org '\0' contract            -> be64 revision      (accepted by the organization)
//   'u' customer '\0' contract       -> be64 revision      (accepted by the customer)
// "groups" column family:
//   'g' group                        -> GroupRow
//   'o' org '\0' folded name '\0' id -> group id           (the organization's groups by name)
//   '~' ...                          count trees of each organization's 'o' index
//   'm' group '\0' member            -> ""
// "invoices" column family:
//   'i' invoice                      -> InvoiceRow
//   'o' org '\0' be64(issued position) -> invoice id       (the organization's, oldest first)
//   '~' ...                          count trees of each organization's 'o' index

#include "projections/projection.hpp"

namespace orgd::projections {

inline constexpr std::string_view kContractsColumnFamily = "contracts";
inline constexpr std::string_view kGroupsColumnFamily = "groups";
inline constexpr std::string_view kInvoicesColumnFamily = "invoices";

[[nodiscard]] std::string contract_row_key(std::string_view contract_id);
[[nodiscard]] std::string contract_list_prefix();
[[nodiscard]] std::string assigned_prefix(std::string_view organization_id);
[[nodiscard]] std::string organization_acceptance_key(std::string_view organization_id,
                                                      std::string_view contract_id);
[[nodiscard]] std::string customer_acceptance_key(std::string_view customer_id,
                                                  std::string_view contract_id);
[[nodiscard]] std::string group_row_key(std::string_view group_id);
[[nodiscard]] std::string organization_groups_prefix(std::string_view organization_id);
[[nodiscard]] std::string group_member_prefix(std::string_view group_id);
[[nodiscard]] std::string invoice_row_key(std::string_view invoice_id);
[[nodiscard]] std::string organization_invoices_prefix(std::string_view organization_id);

class ContractsProjection final : public Projection {
 public:
  [[nodiscard]] std::string_view name() const override { return "contracts"; }
  [[nodiscard]] std::string_view column_family() const override { return kContractsColumnFamily; }
  [[nodiscard]] std::expected<void, std::string> apply(const eventstore::Envelope& envelope,
                                                       const domain::Event& event,
                                                       ReadModelBatch& batch) override;
};

class GroupsProjection final : public Projection {
 public:
  [[nodiscard]] std::string_view name() const override { return "groups"; }
  [[nodiscard]] std::string_view column_family() const override { return kGroupsColumnFamily; }
  [[nodiscard]] std::expected<void, std::string> apply(const eventstore::Envelope& envelope,
                                                       const domain::Event& event,
                                                       ReadModelBatch& batch) override;
};

class InvoicesProjection final : public Projection {
 public:
  [[nodiscard]] std::string_view name() const override { return "invoices"; }
  [[nodiscard]] std::string_view column_family() const override { return kInvoicesColumnFamily; }
  [[nodiscard]] std::expected<void, std::string> apply(const eventstore::Envelope& envelope,
                                                       const domain::Event& event,
                                                       ReadModelBatch& batch) override;
};

}  // namespace orgd::projections
