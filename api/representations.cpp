#include "api/representations.hpp"

#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>
#include <cassert>

#include "api/ids.hpp"

namespace orgd::api {
namespace {

// null for an unset optional field; written in the field's own storage (an arena's, say).
void assign_nullable(boost::json::value& field, const std::string& text) {
  if (text.empty()) {
    field = nullptr;
  } else {
    field = text;
  }
}

// The organization representation's fields, in order. organization_json copies this and fills
// each value in place: inserting the fields one by one looked every key up first (Boost.JSON
// searches a small object's keys linearly), half the cost of building one, and a listing
// builds twenty. tests/api/representations_test.cpp pins each key to its value.
const boost::json::object& organization_prototype() {
  static const boost::json::object prototype{{"id", nullptr},
                                             {"name", nullptr},
                                             {"description", nullptr},
                                             {"parentId", nullptr},
                                             {"status", nullptr},
                                             {"locale", nullptr},
                                             {"country", nullptr},
                                             {"thumbnailUrl", nullptr},
                                             {"billingPlan", nullptr},
                                             {"memberCount", nullptr},
                                             {"childCount", nullptr},
                                             {"createdTime", nullptr},
                                             {"lastUpdatedTime", nullptr},
                                             {"createdBy", nullptr},
                                             {"lastUpdatedBy", nullptr},
                                             {"updateVersion", nullptr}};
  return prototype;
}

}  // namespace

boost::json::object organization_json(const projections::OrganizationRow& row,
                                      boost::json::storage_ptr storage) {
  boost::json::object o(organization_prototype(), std::move(storage));
  auto* field = o.begin();
  const auto next = [&field]() -> boost::json::value& { return (field++)->value(); };
  next() = row.id;
  next() = row.name;
  next() = row.description;
  assign_nullable(next(), row.parent_id);
  next() = row.status;
  assign_nullable(next(), row.locale);
  assign_nullable(next(), row.country);
  assign_nullable(next(), row.thumbnail_url);
  assign_nullable(next(), row.billing_plan);
  next() = row.member_count;
  next() = row.child_count;
  next() = format_iso8601(row.created_ms);
  next() = format_iso8601(row.updated_ms);
  next() = row.created_by;
  next() = row.updated_by;
  next() = row.version;
  assert(field == o.end() && "one value per field of the prototype");
  return o;
}

std::string organization_body(const projections::OrganizationRow& row) {
  // The JSON lives only until it is serialized, so it is built in an arena on the stack:
  // no malloc and free per field (a GET of one organization spent ~15 % of its instructions
  // in the allocator).
  std::array<unsigned char, 4096> buffer;  // NOLINT(cppcoreguidelines-pro-type-member-init)
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
  assign_nullable(o["locale"], row.locale);
  assign_nullable(o["country"], row.country);
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
  assign_nullable(o["text"], row.text);
  assign_nullable(o["url"], row.url);
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
  assign_nullable(page["nextCursor"], info.next_cursor);
  boost::json::object body(2, items.storage());
  body[plural] = std::move(items);
  body["pageInfo"] = std::move(page);
  return boost::json::serialize(body);
}

std::string to_body(const boost::json::object& object) { return boost::json::serialize(object); }

std::string etag_of(std::uint64_t version) { return "\"" + std::to_string(version) + "\""; }

}  // namespace orgd::api
