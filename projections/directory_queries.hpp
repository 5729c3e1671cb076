#pragma once
// Reads of the contracts, groups and invoices read models. A listing page costs a seek (or,
// by page number, a walk down the index's count tree) plus the page; its total is the tree's
// root. Thread-safety: any thread.

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "eventstore/store.hpp"
#include "projections/directory_rows.hpp"
#include "projections/read_model_handles.hpp"

namespace orgd::projections {

template <class Row>
struct RowPage {
  std::vector<Row> rows;
  std::uint64_t page{1};
  std::uint64_t total{0};
  std::string next_cursor;
};

struct PageRequest {
  std::uint64_t page{1};
  std::uint64_t page_size{10};
  std::string cursor;
};

// A contract assigned to an organization, with where its acceptance stands.
struct ContractStatus {
  ContractRow contract;
  bool accepted_by_organization{false};
};

class DirectoryQueries {
 public:
  explicit DirectoryQueries(const eventstore::Store& store,
                            const ReadModelHandles* handles = nullptr)
      : store_(store), handles_(handles) {}

  [[nodiscard]] std::expected<std::optional<ContractRow>, std::string> contract(
      std::string_view id) const;
  // Every contract, oldest first (errors: "invalid cursor").
  [[nodiscard]] std::expected<RowPage<ContractRow>, std::string> contracts(
      const PageRequest& page) const;
  // The contracts assigned to an organization (a handful: not paginated).
  [[nodiscard]] std::expected<std::vector<ContractStatus>, std::string> assigned(
      std::string_view organization_id) const;
  // The revision of `contract_id` the customer accepted while in `organization_id`; 0 when
  // none (also when its latest acceptance was in another organization).
  [[nodiscard]] std::expected<std::uint64_t, std::string> accepted_by_customer(
      std::string_view customer_id, std::string_view contract_id,
      std::string_view organization_id) const;
  // The assigned contracts whose current revision the organization or the customer has not
  // accepted: what blocks the customer.
  [[nodiscard]] std::expected<std::vector<ContractRow>, std::string> pending_for(
      std::string_view customer_id, std::string_view organization_id) const;

  [[nodiscard]] std::expected<std::optional<GroupRow>, std::string> group(std::string_view id) const;
  [[nodiscard]] std::expected<RowPage<GroupRow>, std::string> groups(
      std::string_view organization_id, const PageRequest& page) const;
  [[nodiscard]] std::expected<std::vector<std::string>, std::string> group_members(
      std::string_view group_id) const;

  [[nodiscard]] std::expected<std::optional<InvoiceRow>, std::string> invoice(
      std::string_view id) const;
  [[nodiscard]] std::expected<RowPage<InvoiceRow>, std::string> invoices(
      std::string_view organization_id, const PageRequest& page) const;

 private:
  // Keep it for the whole query: a swap meanwhile leaves it valid.
  [[nodiscard]] ColumnFamilyRef cf(std::string_view logical) const {
    return live_column_family(store_, handles_, logical);
  }
  template <class Row>
  [[nodiscard]] std::expected<RowPage<Row>, std::string> page_of(
      std::string_view cf_name, const std::string& prefix, const PageRequest& page,
      std::string (*row_key)(std::string_view)) const;

  const eventstore::Store& store_;
  const ReadModelHandles* handles_;
};

}  // namespace orgd::projections
