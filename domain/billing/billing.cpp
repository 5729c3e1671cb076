#include "domain/billing/billing.hpp"

#include <algorithm>

#include "domain/field_rules.hpp"
#include "domain/organization/organization_access.hpp"

namespace orgd::domain {
namespace {

// ISO 4217 active currency codes.
constexpr std::string_view kCurrencies =
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP "
    "BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP "
    "GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR "
    "KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK "
    "MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR "
    "SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS "
    "UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL";

constexpr std::int64_t kMaxAmountMinor = 1'000'000'000'000'000;  // 10^15 minor units

bool valid_period(std::string_view p) {
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (p.size() != 7 || p[4] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u}) {
    if (!digit(p[i])) return false;
  }
  const int month = (p[5] - '0') * 10 + (p[6] - '0');
  return month >= 1 && month <= 12;
}

bool valid_currency(std::string_view c) {
  const bool shaped = c.size() == 3 && std::all_of(c.begin(), c.end(), [](char ch) {
                        return ch >= 'A' && ch <= 'Z';
                      });
  return shaped && kCurrencies.find(c) != std::string_view::npos;
}

DomainError forbidden(std::string message) {
  return refused(DomainErrorCode::forbidden, "forbidden", std::move(message));
}

// Default is no tenant but where customers wait for one, with no owner to pay or choose.
DomainError default_is_not_billed() {
  return refused(DomainErrorCode::rule_violated, "default-organization",
                 "Default is not billed: its billing plan stays and it gets no invoices");
}

DomainError invoice_not_found(std::string_view id) {
  return refused(DomainErrorCode::not_found, "not-found",
                 "invoice " + std::string(id) + " does not exist");
}

bool owner_of(const Caller& caller, std::string_view organization_id) {
  return caller.platform_role == PlatformRole::none && caller.role == OrganizationRole::owner &&
         caller.organization_id == organization_id;
}

std::expected<Decision, DomainError> settle(const Invoice& invoice, const Caller& caller,
                                            Event event) {
  if (!invoice.exists() || !can_read_invoices(caller, invoice.organization_id)) {
    return std::unexpected(invoice_not_found(invoice.id));
  }
  if (invoice.status != "open") {
    return std::unexpected(refused(DomainErrorCode::rule_violated, "invoice-not-open",
                                   "the invoice is " + invoice.status));
  }
  Decision d;
  d.writes.push_back({invoice_stream(invoice.id), invoice.version, {std::move(event)}});
  return d;
}

}  // namespace

std::string invoice_stream(std::string_view invoice_id) {
  return "invoice-" + std::string(invoice_id);
}

Invoice apply(Invoice state, const Event& event, const EventMeta& meta) {
  if (const auto* i = std::get_if<InvoiceIssued>(&event)) {
    state = {i->id, i->organization_id, i->period, i->amount_minor, i->currency, "open", 0};
  } else if (std::holds_alternative<InvoicePaid>(event)) {
    state.status = "paid";
  } else if (std::holds_alternative<InvoiceVoided>(event)) {
    state.status = "void";
  }
  state.version = meta.version;
  return state;
}

bool can_read_invoices(const Caller& caller, std::string_view organization_id) {
  return caller.platform_role != PlatformRole::none || owner_of(caller, organization_id);
}

std::optional<DomainError> check_invoice_listing(const Caller& caller,
                                                 std::string_view organization_id,
                                                 const AncestorChain& ancestors) {
  return check_reach(caller, organization_id, ancestors, can_read_invoices(caller, organization_id),
                     "only the platform roles and the organization's owners read its invoices");
}

std::expected<Decision, DomainError> decide(const Organization& organization,
                                            const ChangeBillingPlan& c, const Caller& caller,
                                            const AncestorChain& ancestors) {
  if (!organization.exists()) {
    return std::unexpected(refused(DomainErrorCode::not_found, "not-found",
                                   "organization " + c.organization_id + " does not exist"));
  }
  if (auto refusal = check_reach(caller, organization.id, ancestors,
                                 caller.is_superadmin() || owner_of(caller, organization.id),
                                 "only a SuperAdmin or the organization's owners choose its "
                                 "billing plan")) {
    return std::unexpected(*refusal);
  }
  if (organization.is_default()) return std::unexpected(default_is_not_billed());
  if (auto stale = stale_if_match(c.expected_version, organization.version, "organization")) {
    return std::unexpected(*stale);
  }
  FieldProblems problems;
  check_slug(problems, "billingPlan", c.billing_plan, 64);
  if (c.billing_plan.empty()) problems.push_back({"billingPlan", "must not be empty"});
  if (!problems.empty()) return std::unexpected(invalid(std::move(problems)));
  Decision d;
  if (organization.billing_plan == c.billing_plan) return d;
  d.writes.push_back({organization_stream(organization.id), organization.version,
                      {BillingPlanChanged{c.billing_plan}}});
  return d;
}

std::expected<Decision, DomainError> decide(const Invoice& existing, const IssueInvoice& c,
                                            const Caller& caller, const Organization& organization) {
  if (!caller.is_superadmin()) return std::unexpected(forbidden("only a SuperAdmin issues invoices"));
  FieldProblems problems;
  if (!valid_period(c.period)) problems.push_back({"period", "must be a month, YYYY-MM"});
  if (c.amount_minor < 0 || c.amount_minor > kMaxAmountMinor) {
    problems.push_back({"amount", "must be 0 to 10^15 minor units"});
  }
  if (!valid_currency(c.currency)) {
    problems.push_back({"currency", "must be an ISO 4217 code such as EUR"});
  }
  if (!problems.empty()) return std::unexpected(invalid(std::move(problems)));
  if (!organization.exists()) {
    return std::unexpected(refused(DomainErrorCode::not_found, "not-found",
                                   "organization " + c.organization_id + " does not exist"));
  }
  if (organization.is_default()) return std::unexpected(default_is_not_billed());
  if (existing.exists()) {
    return std::unexpected(refused(DomainErrorCode::already_exists, "invoice-id-taken",
                                   "invoice " + c.id + " exists"));
  }
  Decision d;
  d.writes.push_back({invoice_stream(c.id), 0,
                      {InvoiceIssued{c.id, c.organization_id, c.period, c.amount_minor,
                                     c.currency}}});
  d.writes.push_back({organization_stream(organization.id), organization.version, {}});
  return d;
}

std::expected<Decision, DomainError> decide(const Invoice& invoice, const PayInvoice&,
                                            const Caller& caller) {
  if (!caller.is_superadmin() && !owner_of(caller, invoice.organization_id)) {
    if (invoice.exists() && can_read_invoices(caller, invoice.organization_id)) {
      return std::unexpected(forbidden("only a SuperAdmin or an owner records a payment"));
    }
  }
  return settle(invoice, caller, InvoicePaid{invoice.organization_id});
}

std::expected<Decision, DomainError> decide(const Invoice& invoice, const VoidInvoice&,
                                            const Caller& caller) {
  if (!caller.is_superadmin()) {
    if (invoice.exists() && can_read_invoices(caller, invoice.organization_id)) {
      return std::unexpected(forbidden("only a SuperAdmin voids invoices"));
    }
  }
  return settle(invoice, caller, InvoiceVoided{invoice.organization_id});
}

}  // namespace orgd::domain
