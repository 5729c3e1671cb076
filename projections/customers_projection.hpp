#pragma once
// Customer read model ("customers" column family):
//   'r' id                                           -> CustomerRow
//   'e' folded email                                 -> id   (login by email)
//   'm' org '\0' 'n' folded last '\0' first '\0' id   -> id   (members by name)
//   'm' org '\0' 't' be64(created position)          -> id   (members by creation)
//   '~' ...                                          count trees of the member indexes
//                                                    (counted_index.hpp)
// Session read model ("sessions" column family):
//   't' token hash               -> SessionRow  (bearer token check; removed at logout)
//   'c' customer '\0' token hash -> ""          (revoke all on password change or delete)
//   'x' be64(expiry) token hash  -> ""          (each login drops a few sessions expired by
//                                                its event's time, the oldest first)
//   'w'                          -> an 'x' key  (where the next sweep starts)

#include "projections/projection.hpp"

namespace orgd::projections {

inline constexpr std::string_view kCustomersColumnFamily = "customers";
inline constexpr std::string_view kSessionsColumnFamily = "sessions";

[[nodiscard]] std::string customer_row_key(std::string_view id);
// Email -> id. Logins find the customer by the email's claim in the event store since
// 2026-12-04 (a read model may trail a password change), so nothing reads these keys; they stay
// because dropping them changes the read model's layout, which means a rebuild on upgrade.
[[nodiscard]] std::string customer_email_key(std::string_view email);
[[nodiscard]] std::string session_key(std::string_view token_hash);

struct CustomerRow;
enum class CustomerSort : char { name = 'n', created = 't' };
// A counted index: an organization's members in `sort` order...
[[nodiscard]] std::string member_index_prefix(std::string_view organization_id, CustomerSort sort);
// ... one entry per member, under this suffix.
[[nodiscard]] std::string member_index_suffix(const CustomerRow& row, CustomerSort sort);

class CustomersProjection final : public Projection {
 public:
  [[nodiscard]] std::string_view name() const override { return "customers"; }
  [[nodiscard]] std::string_view column_family() const override { return kCustomersColumnFamily; }
  [[nodiscard]] bool holds_secrets() const override { return true; }
  [[nodiscard]] std::expected<void, std::string> apply(const eventstore::Envelope& envelope,
                                                       const domain::Event& event,
                                                       ReadModelBatch& batch) override;
};

class SessionsProjection final : public Projection {
 public:
  [[nodiscard]] std::string_view name() const override { return "sessions"; }
  [[nodiscard]] std::string_view column_family() const override { return kSessionsColumnFamily; }
  [[nodiscard]] bool holds_secrets() const override { return true; }
  [[nodiscard]] std::expected<void, std::string> apply(const eventstore::Envelope& envelope,
                                                       const domain::Event& event,
                                                       ReadModelBatch& batch) override;
};

}  // namespace orgd::projections
