#include "api/representations.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "api/ids.hpp"
#include "domain/customer/customer_access.hpp"
#include "projections/organization_document.hpp"

namespace orgd::api {
namespace {

// null for an unset optional field.
void fill_nullable(boost::json::value& field, std::string_view text) {
  if (text.empty()) {
    field = nullptr;
  } else {
    field = text;
  }
}

// The id a document of organization_prototype's field order starts with, or "" for another
// text.
std::string_view leading_id(std::string_view body) {
  constexpr std::string_view kHead = R"({"id":")";
  if (!body.starts_with(kHead)) return {};
  body.remove_prefix(kHead.size());
  return body.substr(0, body.find('"'));
}

}  // namespace

std::string organization_body_for(const domain::Caller& caller, std::string body) {
  if (domain::can_count_members(caller, leading_id(body))) return body;
  auto document = boost::json::parse(body).as_object();
  document["memberCount"] = nullptr;
  return boost::json::serialize(document);
}

boost::json::object organization_json(const projections::OrganizationRow& row,
                                      boost::json::storage_ptr storage) {
  return projections::organization_document_object(row, std::move(storage));
}

std::string organization_body(const projections::OrganizationRow& row) {
  return projections::organization_document(row);
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
  fill_nullable(o["locale"], row.locale);
  fill_nullable(o["country"], row.country);
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
  fill_nullable(o["text"], row.text);
  fill_nullable(o["url"], row.url);
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

namespace {

boost::json::object page_info_json(const PageInfo& info, boost::json::storage_ptr storage) {
  boost::json::object page(5, std::move(storage));
  page["page"] = info.page;
  page["pageSize"] = info.page_size;
  page["totalElements"] = info.total_elements;
  page["totalPages"] = (info.total_elements + info.page_size - 1) / info.page_size;
  fill_nullable(page["nextCursor"], info.next_cursor);
  return page;
}

}  // namespace

std::string page_body(std::string_view plural, boost::json::array items, const PageInfo& info) {
  // The items' storage for the envelope too, so they move into it instead of being copied.
  boost::json::object page = page_info_json(info, items.storage());
  boost::json::object body(2, items.storage());
  body[plural] = std::move(items);
  body["pageInfo"] = std::move(page);
  return boost::json::serialize(body);
}

PageBodyFrame page_body_frame(std::string_view plural, const PageInfo& info) {
  PageBodyFrame frame;
  frame.head = "{" + boost::json::serialize(boost::json::string(plural)) + ":[";
  frame.tail = "],\"pageInfo\":" + boost::json::serialize(page_info_json(info, {})) + "}";
  return frame;
}

std::string to_body(const boost::json::object& object) { return boost::json::serialize(object); }

std::string etag_of(std::uint64_t version) { return "\"" + std::to_string(version) + "\""; }

}  // namespace orgd::api
