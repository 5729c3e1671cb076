#pragma once
// Billing: the plan is a field of the organization (recorded on its stream); invoices live on
// "invoice-<id>".

#include <cereal/cereal.hpp>
#include <cereal/types/string.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace orgd::domain {

struct BillingPlanChanged {
  static constexpr std::string_view kType = "BillingPlanChanged";
  std::string billing_plan;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(billing_plan);
  }
  bool operator==(const BillingPlanChanged&) const = default;
};

struct InvoiceIssued {
  static constexpr std::string_view kType = "InvoiceIssued";
  std::string id;
  std::string organization_id;
  std::string period;  // "YYYY-MM"
  std::int64_t amount_minor{0};  // in the currency's minor unit (cents)
  std::string currency;          // ISO 4217

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(id, organization_id, period, amount_minor, currency);
  }
  bool operator==(const InvoiceIssued&) const = default;
};

struct InvoicePaid {
  static constexpr std::string_view kType = "InvoicePaid";
  std::string organization_id;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(organization_id);
  }
  bool operator==(const InvoicePaid&) const = default;
};

struct InvoiceVoided {
  static constexpr std::string_view kType = "InvoiceVoided";
  std::string organization_id;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t /*version*/) {
    ar(organization_id);
  }
  bool operator==(const InvoiceVoided&) const = default;
};

}  // namespace orgd::domain

CEREAL_CLASS_VERSION(orgd::domain::BillingPlanChanged, 1);
CEREAL_CLASS_VERSION(orgd::domain::InvoiceIssued, 1);
CEREAL_CLASS_VERSION(orgd::domain::InvoicePaid, 1);
CEREAL_CLASS_VERSION(orgd::domain::InvoiceVoided, 1);
