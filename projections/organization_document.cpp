#include "projections/organization_document.hpp"

#include <boost/json/serializer.hpp>
#include <boost/json/string.hpp>
#include <cassert>

#include "domain/iso8601.hpp"

namespace orgd::projections {
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
void fill_organization(boost::json::object& o, const OrganizationRow& row) {
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
  fill_string(next(), domain::format_iso8601(row.created_ms));
  fill_string(next(), domain::format_iso8601(row.updated_ms));
  fill_string(next(), row.created_by);
  fill_string(next(), row.updated_by);
  next() = row.version;
  assert(field == o.end() && "one value per field of the prototype");
}

}  // namespace

boost::json::object organization_document_object(const OrganizationRow& row,
                                                 boost::json::storage_ptr storage) {
  boost::json::object o(organization_prototype(), std::move(storage));
  fill_organization(o, row);
  return o;
}

void append_organization_document(std::string& out, const OrganizationRow& row) {
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

std::string organization_document(const OrganizationRow& row) {
  std::string body;
  body.reserve(kSerializeChunk);
  append_organization_document(body, row);
  return body;
}

}  // namespace orgd::projections
