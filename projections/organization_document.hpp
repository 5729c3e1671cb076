#pragma once
// An organization as the API shows it (SPEC section 4: exact field names, ISO-8601 UTC times
// with milliseconds, null for unset optional fields), written by the organizations read model
// next to each row whenever the row changes. A listing page then joins stored documents: it
// decodes no row and writes no JSON, which were about a third of the instructions of a page of
// rows not read before (README, Architecture). Never includes secrets.
//
// Thread-safety: any thread (append_organization_document keeps one object and serializer per
// thread).

#include <boost/json/object.hpp>
#include <string>

#include "projections/organization_row.hpp"

namespace orgd::projections {

// `storage`: where the object's memory comes from (default: the heap).
[[nodiscard]] boost::json::object organization_document_object(
    const OrganizationRow& row, boost::json::storage_ptr storage = {});
// Appends organization_document(row) to `out`.
void append_organization_document(std::string& out, const OrganizationRow& row);
// organization_document_object(row), serialized.
[[nodiscard]] std::string organization_document(const OrganizationRow& row);

}  // namespace orgd::projections
