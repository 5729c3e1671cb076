#include "api/representations.hpp"

#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>

#include "api/ids.hpp"

namespace orgd::api {
namespace {

boost::json::value nullable(const std::string& text) {
  if (text.empty()) return nullptr;
  return boost::json::value(text);
}

}  // namespace

boost::json::object organization_json(const projections::OrganizationRow& row,
                                      boost::json::storage_ptr storage) {
  boost::json::object o(16, std::move(storage));  // every field: no rehash while filling
  o["id"] = row.id;
  o["name"] = row.name;
  o["description"] = row.description;
  o["parentId"] = nullable(row.parent_id);
  o["status"] = row.status;
  o["locale"] = nullable(row.locale);
  o["country"] = nullable(row.country);
  o["thumbnailUrl"] = nullable(row.thumbnail_url);
  o["billingPlan"] = nullable(row.billing_plan);
  o["memberCount"] = row.member_count;
  o["childCount"] = row.child_count;
  o["createdTime"] = format_iso8601(row.created_ms);
  o["lastUpdatedTime"] = format_iso8601(row.updated_ms);
  o["createdBy"] = row.created_by;
  o["lastUpdatedBy"] = row.updated_by;
  o["updateVersion"] = row.version;
  return o;
}

std::string organization_body(const projections::OrganizationRow& row) {
  // The JSON lives only until it is serialized, so it is built in an arena on the stack:
  // no malloc and free per field (a GET of one organization spent ~15 % of its instructions
  // in the allocator).
  std::array<unsigned char, 4096> buffer{};
  boost::json::monotonic_resource arena(buffer.data(), buffer.size());
  return to_body(organization_json(row, boost::json::storage_ptr(&arena)));
}

boost::json::object customer_json(const projections::CustomerRow& row) {
  boost::json::object o(15);  // every field: no rehash while filling
  o["id"] = row.id;
  o["email"] = row.email;
  o["firstName"] = row.first_name;
  o["lastName"] = row.last_name;
  o["description"] = row.description;
  o["organizationId"] = row.organization_id;
  o["role"] = row.role;
  o["locale"] = nullable(row.locale);
  o["country"] = nullable(row.country);
  o["status"] = row.status;
  o["createdTime"] = format_iso8601(row.created_ms);
  o["lastUpdatedTime"] = format_iso8601(row.updated_ms);
  o["createdBy"] = row.created_by;
  o["lastUpdatedBy"] = row.updated_by;
  o["updateVersion"] = row.version;
  return o;
}

namespace {

template <class Row>
void audit_fields(boost::json::object& o, const Row& row) {
  o["createdTime"] = format_iso8601(row.created_ms);
  o["lastUpdatedTime"] = format_iso8601(row.updated_ms);
  o["createdBy"] = row.created_by;
  o["lastUpdatedBy"] = row.updated_by;
  o["updateVersion"] = row.version;
}

}  // namespace

boost::json::object contract_json(const projections::ContractRow& row) {
  boost::json::object o(11);  // every field: no rehash while filling
  o["id"] = row.id;
  o["title"] = row.title;
  o["text"] = nullable(row.text);
  o["url"] = nullable(row.url);
  o["version"] = row.version_label;
  o["revision"] = row.revision;
  audit_fields(o, row);
  return o;
}

boost::json::object group_json(const projections::GroupRow& row) {
  boost::json::object o(11);  // every field: no rehash while filling
  o["id"] = row.id;
  o["organizationId"] = row.organization_id;
  o["name"] = row.name;
  o["kind"] = row.kind;
  o["global"] = row.global;
  o["memberCount"] = row.member_count;
  audit_fields(o, row);
  return o;
}

boost::json::object invoice_json(const projections::InvoiceRow& row) {
  boost::json::object o(11);  // every field: no rehash while filling
  o["id"] = row.id;
  o["organizationId"] = row.organization_id;
  o["period"] = row.period;
  o["amount"] = row.amount_minor;
  o["currency"] = row.currency;
  o["status"] = row.status;
  audit_fields(o, row);
  return o;
}

std::string page_body(std::string_view plural, boost::json::array items, const PageInfo& info) {
  // The items' storage for the envelope too, so they move into it instead of being copied.
  boost::json::object page(5, items.storage());
  page["page"] = info.page;
  page["pageSize"] = info.page_size;
  page["totalElements"] = info.total_elements;
  page["totalPages"] = (info.total_elements + info.page_size - 1) / info.page_size;
  page["nextCursor"] = nullable(info.next_cursor);
  boost::json::object body(2, items.storage());
  body[plural] = std::move(items);
  body["pageInfo"] = std::move(page);
  return boost::json::serialize(body);
}

std::string to_body(const boost::json::object& object) { return boost::json::serialize(object); }

std::string etag_of(std::uint64_t version) { return "\"" + std::to_string(version) + "\""; }

}  // namespace orgd::api
