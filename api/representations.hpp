#pragma once
// Read-model rows as the API shows them (SPEC section 4: exact field names, ISO-8601 UTC times
// with milliseconds, null for unset optional fields). Never includes secrets.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/caller.hpp"
#include "projections/customer_row.hpp"
#include "projections/directory_rows.hpp"
#include "projections/organization_row.hpp"

namespace orgd::api {

// `storage`: where the object's memory comes from (default: the heap).
[[nodiscard]] boost::json::object organization_json(const projections::OrganizationRow& row,
                                                    boost::json::storage_ptr storage = {});
// organization_json serialized: the body of a response about one organization.
[[nodiscard]] std::string organization_body(const projections::OrganizationRow& row);
// An organization's body (organization_body, or a document of a listing) as `caller` may see
// it: `memberCount` null where domain::can_count_members says no. The documents are rendered
// once for every caller; the field is patched only for an organization whose count is hidden
// (found by the id the document starts with, so other documents are passed on untouched).
[[nodiscard]] std::string organization_body_for(const domain::Caller& caller, std::string body);
[[nodiscard]] boost::json::object customer_json(const projections::CustomerRow& row);
// {id, title, text, url, version, revision, createdTime, ..., updateVersion}
[[nodiscard]] boost::json::object contract_json(const projections::ContractRow& row);
// {id, organizationId, name, kind, global, memberCount, createdTime, ..., updateVersion}
[[nodiscard]] boost::json::object group_json(const projections::GroupRow& row);
// {id, organizationId, period, amount, currency, status, createdTime, ..., updateVersion}
[[nodiscard]] boost::json::object invoice_json(const projections::InvoiceRow& row);

struct PageInfo {
  std::uint64_t page{1};
  std::uint64_t page_size{10};
  std::uint64_t total_elements{0};
  std::string next_cursor;
};
// {<plural>: items, pageInfo: {page, pageSize, totalElements, totalPages, nextCursor}}
[[nodiscard]] std::string page_body(std::string_view plural, boost::json::array items,
                                    const PageInfo& info);
// page_body around items serialized already: head, the items' JSON texts joined by commas,
// tail. Lets a listing write its items straight into the body.
struct PageBodyFrame {
  std::string head;
  std::string tail;
};
[[nodiscard]] PageBodyFrame page_body_frame(std::string_view plural, const PageInfo& info);
[[nodiscard]] std::string to_body(const boost::json::object& object);
// A strong ETag for a version: "\"3\"".
[[nodiscard]] std::string etag_of(std::uint64_t version);

}  // namespace orgd::api
