#include "api/representations.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/serializer.hpp>
#include <boost/json/string.hpp>
#include <cassert>

#include "api/ids.hpp"

namespace orgd::api {
namespace {

// Serializer output is appended to a string this many bytes at a time; one organization fits.
constexpr std::size_t kSerializeChunk = 1024;

// The organization representation's fields, in order. Objects are copied from this and their
// values filled in place: inserting the fields one by one looked every key up first
// (Boost.JSON searches a small object's keys linearly). tests/api/representations_test.cpp
// pins each key to its value.
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

// A string field takes `text` in place: a value that already holds a string keeps its buffer,
// so refilling a warm object allocates nothing.
void fill_string(boost::json::value& field, std::string_view text) {
  if (auto* held = field.if_string()) {
    held->assign(text);
  } else {
    field = text;
  }
}

// null for an unset optional field; written in the field's own storage.
void fill_nullable(boost::json::value& field, std::string_view text) {
  if (text.empty()) {
    field = nullptr;
  } else {
    fill_string(field, text);
  }
}

// Fills the fields of `o`, a copy of organization_prototype(), whether fresh (all null) or
// filled before with another row.
void fill_organization(boost::json::object& o, const projections::OrganizationRow& row) {
  auto* field = o.begin();
  const auto next = [&field]() -> boost::json::value& { return (field++)->value(); };
  fill_string(next(), row.id);
  fill_string(next(), row.name);
  fill_string(next(), row.description);
  fill_nullable(next(), row.parent_id);
  fill_string(next(), row.status);
  fill_nullable(next(), row.locale);
  fill_nullable(next(), row.country);
  fill_nullable(next(), row.thumbnail_url);
  fill_nullable(next(), row.billing_plan);
  next() = row.member_count;
  next() = row.child_count;
  fill_string(next(), format_iso8601(row.created_ms));
  fill_string(next(), format_iso8601(row.updated_ms));
  fill_string(next(), row.created_by);
  fill_string(next(), row.updated_by);
  next() = row.version;
  assert(field == o.end() && "one value per field of the prototype");
}

}  // namespace

boost::json::object organization_json(const projections::OrganizationRow& row,
                                      boost::json::storage_ptr storage) {
  boost::json::object o(organization_prototype(), std::move(storage));
  fill_organization(o, row);
  return o;
}

void append_organization_json(std::string& out, const projections::OrganizationRow& row) {
  // One object and one serializer per thread, refilled for every row: building a fresh
  // object copied the prototype's sixteen keys and allocated every value, about half of
  // what an organization's JSON cost.
  thread_local boost::json::object reused(organization_prototype());
  thread_local boost::json::serializer serializer;
  fill_organization(reused, row);
  serializer.reset(&reused);
  while (!serializer.done()) {
    const std::size_t filled = out.size();
    out.resize(filled + kSerializeChunk);
    const auto written = serializer.read(out.data() + filled, kSerializeChunk);
    out.resize(filled + written.size());
  }
}

std::string organization_body(const projections::OrganizationRow& row) {
  std::string body;
  body.reserve(kSerializeChunk);
  append_organization_json(body, row);
  return body;
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
