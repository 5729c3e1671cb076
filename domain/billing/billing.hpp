#pragma once
// Billing plans and invoices. A SuperAdmin issues invoices to an organization (period, amount in
// minor units, ISO 4217 currency); they are open, then paid or void. The organization's owners
// read them and may record a payment.

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "domain/caller.hpp"
#include "domain/decision.hpp"
#include "domain/domain_error.hpp"
#include "domain/event.hpp"
#include "domain/event_meta.hpp"
#include "domain/organization/organization.hpp"
#include "domain/organization/organization_commands.hpp"

namespace orgd::domain {

[[nodiscard]] std::string invoice_stream(std::string_view invoice_id);

struct Invoice {
  std::string id;
  std::string organization_id;
  std::string period;
  std::int64_t amount_minor{0};
  std::string currency;
  std::string status;  // "open" | "paid" | "void"
  std::uint64_t version{0};
  [[nodiscard]] bool exists() const { return version > 0; }
};

[[nodiscard]] Invoice apply(Invoice state, const Event& event, const EventMeta& meta);

struct ChangeBillingPlan {
  std::string organization_id;
  std::string billing_plan;
  std::uint64_t expected_version{0};  // If-Match on the organization; 0 = the caller sent none
};
struct IssueInvoice {
  std::string id;
  std::string organization_id;
  std::string period;
  std::int64_t amount_minor{0};
  std::string currency;
};
struct PayInvoice {
  std::string id;
};
struct VoidInvoice {
  std::string id;
};

// SuperAdmin, or an owner of that very organization. An organization out of the caller's reach
// (`ancestors`: its parent first) is unknown to it (404); one in reach but not its own is 403.
[[nodiscard]] std::expected<Decision, DomainError> decide(const Organization& organization,
                                                          const ChangeBillingPlan& command,
                                                          const Caller& caller,
                                                          const AncestorChain& ancestors);
[[nodiscard]] std::expected<Decision, DomainError> decide(const Invoice& existing,
                                                          const IssueInvoice& command,
                                                          const Caller& caller,
                                                          const Organization& organization);
[[nodiscard]] std::expected<Decision, DomainError> decide(const Invoice& invoice,
                                                          const PayInvoice& command,
                                                          const Caller& caller);
[[nodiscard]] std::expected<Decision, DomainError> decide(const Invoice& invoice,
                                                          const VoidInvoice& command,
                                                          const Caller& caller);

// Who may read an organization's invoices: the platform roles and its owners.
[[nodiscard]] bool can_read_invoices(const Caller& caller, std::string_view organization_id);
// Listing an existing organization's invoices: not-found when it is out of the caller's reach,
// forbidden when it is in reach but the caller may not read them; nullopt when it may.
[[nodiscard]] std::optional<DomainError> check_invoice_listing(const Caller& caller,
                                                               std::string_view organization_id,
                                                               const AncestorChain& ancestors);

}  // namespace orgd::domain
