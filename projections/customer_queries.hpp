#pragma once
// Reads of the customer and session read models. Thread-safety: any thread.

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eventstore/store.hpp"
#include "projections/customer_row.hpp"
#include "projections/read_model_handles.hpp"

namespace orgd::projections {

struct MemberListQuery {
  std::string organization_id;
  bool by_creation{false};  // else by last name, first name
  bool descending{false};
  std::uint64_t page{1};
  std::uint64_t page_size{10};
  std::string cursor;
};

struct CustomerPage {
  std::vector<CustomerRow> rows;
  std::uint64_t page{1};
  std::uint64_t total{0};  // from the index's count tree, never by scanning
  std::string next_cursor;
};

class CustomerQueries {
 public:
  // Reads the read models where `handles` says they live (they move when rebuilt online).
  explicit CustomerQueries(const eventstore::Store& store,
                           const ReadModelHandles* handles = nullptr)
      : store_(store), handles_(handles) {}

  [[nodiscard]] std::expected<std::optional<CustomerRow>, std::string> get(
      std::string_view id) const;
  [[nodiscard]] std::expected<std::optional<SessionRow>, std::string> session(
      std::string_view token_hash) const;
  // An organization's customers. Errors: "invalid cursor" for another listing's cursor.
  [[nodiscard]] std::expected<CustomerPage, std::string> members(const MemberListQuery& query) const;

 private:
  // Keep it for the whole query: a swap meanwhile leaves it valid.
  [[nodiscard]] ColumnFamilyRef cf(std::string_view logical) const {
    return live_column_family(store_, handles_, logical);
  }

  const eventstore::Store& store_;
  const ReadModelHandles* handles_;
};

}  // namespace orgd::projections
