#include "replay/event_json.hpp"

#include <string>

#include "replay/iso_time.hpp"

namespace orgd::replay {
namespace {

using boost::json::object;

// A secret is shown only as present or absent, never by value.
boost::json::value redacted(const std::string& secret) {
  if (secret.empty()) return nullptr;
  return boost::json::value(kRedacted);
}

object data(const domain::OrganizationCreated& e) {
  return {{"id", e.id},
          {"name", e.name},
          {"description", e.description},
          {"parentId", null_if_empty(e.parent_id)},
          {"status", e.status},
          {"locale", null_if_empty(e.locale)},
          {"country", null_if_empty(e.country)},
          {"thumbnailUrl", null_if_empty(e.thumbnail_url)},
          {"billingPlan", null_if_empty(e.billing_plan)}};
}

object data(const domain::OrganizationUpdated& e) {
  return {{"name", e.name},
          {"description", e.description},
          {"parentId", null_if_empty(e.parent_id)},
          {"status", e.status},
          {"locale", null_if_empty(e.locale)},
          {"country", null_if_empty(e.country)},
          {"thumbnailUrl", null_if_empty(e.thumbnail_url)}};
}

object data(const domain::OrganizationDeleted& e) { return {{"name", e.name}}; }
object data(const domain::ChildOrganizationAdded& e) { return {{"childId", e.child_id}}; }
object data(const domain::ChildOrganizationRemoved& e) { return {{"childId", e.child_id}}; }

object data(const domain::CustomerRegistered& e) {
  return {{"id", e.id},
          {"email", e.email},
          {"firstName", e.first_name},
          {"lastName", e.last_name},
          {"description", e.description},
          {"organizationId", e.organization_id},
          {"role", e.role},
          {"platformRole", null_if_empty(e.platform_role)},
          {"passwordHash", redacted(e.password_hash)},
          {"locale", null_if_empty(e.locale)},
          {"country", null_if_empty(e.country)}};
}

object data(const domain::CustomerMoved& e) {
  return {{"organizationId", e.organization_id}, {"role", e.role}};
}

object data(const domain::CustomerRoleChanged& e) { return {{"role", e.role}}; }

object data(const domain::CustomerProfileUpdated& e) {
  return {{"email", e.email},
          {"firstName", e.first_name},
          {"lastName", e.last_name},
          {"description", e.description},
          {"locale", null_if_empty(e.locale)},
          {"country", null_if_empty(e.country)}};
}

object data(const domain::CustomerPasswordChanged& e) {
  return {{"passwordHash", redacted(e.password_hash)}};
}

object data(const domain::CustomerDeleted& e) { return {{"email", e.email}}; }

object data(const domain::SessionStarted& e) {
  return {{"sessionId", e.session_id},
          {"tokenHash", redacted(e.token_hash)},
          {"expiresAt", format_iso8601(e.expires_at_ms)}};
}

object data(const domain::SessionEnded& e) {
  return {{"sessionId", e.session_id},
          {"tokenHash", redacted(e.token_hash)},
          {"reason", e.reason}};
}

object data(const domain::MemberJoined& e) {
  return {{"customerId", e.customer_id}, {"role", e.role}};
}
object data(const domain::MemberLeft& e) { return {{"customerId", e.customer_id}}; }
object data(const domain::MemberRoleChanged& e) {
  return {{"customerId", e.customer_id}, {"role", e.role}};
}

object data(const domain::GroupCreated& e) {
  return {{"id", e.id},
          {"organizationId", e.organization_id},
          {"name", e.name},
          {"kind", e.kind},
          {"global", e.global}};
}
object data(const domain::GroupMemberAdded& e) { return {{"memberId", e.member_id}}; }
object data(const domain::GroupMemberRemoved& e) { return {{"memberId", e.member_id}}; }
object data(const domain::GroupDeleted& e) { return {{"organizationId", e.organization_id}}; }

object data(const domain::ContractPublished& e) {
  return {{"id", e.id},
          {"title", e.title},
          {"text", null_if_empty(e.text)},
          {"url", null_if_empty(e.url)},
          {"version", e.version}};
}
object data(const domain::ContractRevised& e) {
  return {{"title", e.title},
          {"text", null_if_empty(e.text)},
          {"url", null_if_empty(e.url)},
          {"version", e.version}};
}
object data(const domain::ContractAssigned& e) { return {{"contractId", e.contract_id}}; }
object data(const domain::ContractUnassigned& e) { return {{"contractId", e.contract_id}}; }
object data(const domain::ContractAccepted& e) {
  return {{"contractId", e.contract_id},
          {"revision", e.revision},
          {"organizationId", null_if_empty(e.organization_id)}};
}

object data(const domain::BillingPlanChanged& e) { return {{"billingPlan", e.billing_plan}}; }
object data(const domain::InvoiceIssued& e) {
  return {{"id", e.id},
          {"organizationId", e.organization_id},
          {"period", e.period},
          {"amount", e.amount_minor},
          {"currency", e.currency}};
}
object data(const domain::InvoicePaid& e) { return {{"organizationId", e.organization_id}}; }
object data(const domain::InvoiceVoided& e) { return {{"organizationId", e.organization_id}}; }

object active_json(const domain::SystemFlags& f) {
  return {{"dev", f.dev}, {"staging", f.staging}, {"live", f.live}};
}
object data(const domain::ResourceCreated& e) {
  return {{"id", e.id},
          {"kind", e.kind},
          {"name", e.name},
          {"description", e.description},
          {"ownerId", e.owner_id},
          {"organizationId", e.organization_id},
          {"apiKeyHash", redacted(e.api_key_hash)},
          {"active", active_json(e.active)}};
}
object data(const domain::ResourceUpdated& e) {
  return {{"name", e.name}, {"description", e.description}, {"active", active_json(e.active)}};
}
object data(const domain::ResourceApiKeyRotated& e) {
  return {{"apiKeyHash", redacted(e.api_key_hash)}};
}
object data(const domain::ResourceDeleted& e) { return {{"name", e.name}}; }
object data(const domain::ResourceOwnershipTransferred& e) {
  return {{"previousOwnerId", e.previous_owner_id},
          {"ownerId", e.owner_id},
          {"organizationId", e.organization_id}};
}
object data(const domain::ResourceAccessGranted& e) {
  return {{"grantId", e.grant_id},
          {"principalType", e.principal_kind},
          {"principalId", e.principal_id},
          {"permission", e.permission}};
}
object data(const domain::ResourceAccessRevoked& e) { return {{"grantId", e.grant_id}}; }

}  // namespace

boost::json::value null_if_empty(const std::string& text) {
  if (text.empty()) return nullptr;
  return boost::json::value(text);
}

object event_data_json(const domain::Event& event) {
  return std::visit([](const auto& e) { return data(e); }, event);
}

}  // namespace orgd::replay
