#pragma once
// Reads of the customer and session read models. Thread-safety: any thread.

#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "eventstore/store.hpp"
#include "projections/customer_row.hpp"

namespace orgd::projections {

class CustomerQueries {
 public:
  explicit CustomerQueries(const eventstore::Store& store) : store_(store) {}

  [[nodiscard]] std::expected<std::optional<CustomerRow>, std::string> get(
      std::string_view id) const;
  // Case-insensitive.
  [[nodiscard]] std::expected<std::optional<CustomerRow>, std::string> by_email(
      std::string_view email) const;
  [[nodiscard]] std::expected<std::optional<SessionRow>, std::string> session(
      std::string_view token_hash) const;

 private:
  const eventstore::Store& store_;
};

}  // namespace orgd::projections
