#include "replay/state_json.hpp"

#include "replay/event_json.hpp"
#include "replay/iso_time.hpp"

namespace orgd::replay {
namespace {

boost::json::object as_of_json(std::uint64_t position, std::int64_t time_ms) {
  return {{"position", position},
          {"time", position == 0 ? boost::json::value(nullptr)
                                 : boost::json::value(format_iso8601(time_ms))}};
}

}  // namespace

boost::json::object organization_state_json(const OrganizationAsOf& as_of) {
  const auto& o = as_of.state;
  return {{"id", o.id},
          {"name", o.name},
          {"description", o.description},
          {"parentId", null_if_empty(o.parent_id)},
          {"status", o.status},
          {"locale", null_if_empty(o.locale)},
          {"country", null_if_empty(o.country)},
          {"thumbnailUrl", null_if_empty(o.thumbnail_url)},
          {"billingPlan", null_if_empty(o.billing_plan)},
          {"memberCount", as_of.member_count},
          {"childCount", o.child_count},
          {"createdTime", format_iso8601(o.created_ms)},
          {"lastUpdatedTime", format_iso8601(o.updated_ms)},
          {"createdBy", o.created_by},
          {"lastUpdatedBy", o.updated_by},
          {"updateVersion", o.version},
          {"deleted", o.deleted},
          {"asOf", as_of_json(as_of.position, as_of.time_ms)}};
}

boost::json::object customer_state_json(const CustomerAsOf& as_of) {
  const auto& c = as_of.state;
  return {{"id", c.id},
          {"email", c.email},
          {"firstName", c.first_name},
          {"lastName", c.last_name},
          {"description", c.description},
          {"organizationId", c.organization_id},
          {"role", domain::to_string(c.role)},
          {"platformRole", null_if_empty(std::string(domain::to_string(c.platform_role)))},
          {"locale", null_if_empty(c.locale)},
          {"country", null_if_empty(c.country)},
          {"status", c.status},
          {"createdTime", format_iso8601(c.created_ms)},
          {"lastUpdatedTime", format_iso8601(c.updated_ms)},
          {"createdBy", c.created_by},
          {"lastUpdatedBy", c.updated_by},
          {"updateVersion", c.version},
          {"deleted", c.deleted},
          {"asOf", as_of_json(as_of.position, as_of.time_ms)}};
}

}  // namespace orgd::replay
