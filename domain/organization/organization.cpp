#include "domain/organization/organization.hpp"

#include <type_traits>

namespace orgd::domain {

std::string organization_stream(std::string_view organization_id) {
  return "organization-" + std::string(organization_id);
}

namespace {

void apply_event(Organization& org, const OrganizationCreated& e) {
  org.id = e.id;
  org.name = e.name;
  org.description = e.description;
  org.parent_id = e.parent_id;
  org.status = e.status;
  org.locale = e.locale;
  org.country = e.country;
  org.thumbnail_url = e.thumbnail_url;
  org.billing_plan = e.billing_plan;
}

void apply_event(Organization& org, const OrganizationUpdated& e) {
  org.name = e.name;
  org.description = e.description;
  org.parent_id = e.parent_id;
  org.status = e.status;
  org.locale = e.locale;
  org.country = e.country;
  org.thumbnail_url = e.thumbnail_url;
}

void apply_event(Organization& org, const OrganizationDeleted&) { org.deleted = true; }
void apply_event(Organization& org, const ChildOrganizationAdded&) { ++org.child_count; }
void apply_event(Organization& org, const ChildOrganizationRemoved&) {
  if (org.child_count > 0) --org.child_count;
}
void apply_event(Organization& org, const BillingPlanChanged& e) { org.billing_plan = e.billing_plan; }
template <class Other>
void apply_event(Organization&, const Other&) {}

}  // namespace

Organization apply(Organization state, const Event& event, const EventMeta& meta) {
  std::visit([&](const auto& e) { apply_event(state, e); }, event);
  if (state.version == 0) {
    state.created_ms = meta.time_ms;
    state.created_by = meta.actor;
  }
  state.version = meta.version;
  state.updated_ms = meta.time_ms;
  state.updated_by = meta.actor;
  return state;
}

}  // namespace orgd::domain
