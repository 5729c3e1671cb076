#include "projections/organization_keys.hpp"

#include "domain/field_rules.hpp"
#include "projections/read_model_batch.hpp"
#include "projections/row_codec.hpp"

namespace orgd::projections {

std::string encode_row(const OrganizationRow& row) { return encode_with_cereal(row); }

std::expected<OrganizationRow, std::string> decode_organization_row(std::string_view bytes) {
  return decode_with_cereal<OrganizationRow>(bytes);
}

namespace {

std::string tagged(char tag, std::string_view id) {
  std::string key;
  key.reserve(1 + id.size());
  key += tag;
  key += id;
  return key;
}

}  // namespace

std::string organization_row_key(std::string_view id) { return tagged('r', id); }
std::string platform_account_key(std::string_view customer_id) { return tagged('a', customer_id); }

std::string documented_index_prefix() {
  return organization_index_prefix(scope_all(), OrganizationSort::name);
}

bool index_carries_documents(std::string_view index_prefix) {
  return index_prefix == documented_index_prefix();
}

std::string organization_document_key(const OrganizationRow& row) {
  return organization_document_key(organization_index_suffix(OrganizationSort::name, row));
}

std::string organization_document_key(std::string_view document_suffix) {
  return documented_index_prefix() + std::string(document_suffix);
}

std::string_view id_of_document_suffix(std::string_view document_suffix) {
  // Folded names hold no '\0' (no control characters): the last one ends the name.
  const auto separator = document_suffix.rfind('\0');
  return separator == std::string_view::npos ? document_suffix
                                             : document_suffix.substr(separator + 1);
}

std::string documented_entry(std::string_view id, std::string_view document) {
  std::string value;
  value.reserve(8 + id.size() + document.size());
  append_length_prefixed(value, id);
  value += document;
  return value;
}

std::optional<DocumentedEntry> read_documented_entry(std::string_view value) {
  auto id = take_length_prefixed(value);
  if (!id) return std::nullopt;
  return DocumentedEntry{*id, value};
}

std::string scope_all() { return "all"; }
std::string scope_status(std::string_view status) { return "s=" + std::string(status); }
std::string scope_parent(std::string_view parent_id) { return "p=" + std::string(parent_id); }
std::string scope_parent_status(std::string_view parent_id, std::string_view status) {
  return "ps=" + std::string(parent_id) + "|" + std::string(status);
}
std::string scope_subtree(std::string_view root_id) { return "u=" + std::string(root_id); }
std::string scope_subtree_status(std::string_view root_id, std::string_view status) {
  return "us=" + std::string(root_id) + "|" + std::string(status);
}

std::vector<std::string> organization_scopes(const OrganizationRow& row) {
  std::vector<std::string> scopes{scope_all(), scope_status(row.status), scope_parent(row.parent_id),
                                  scope_parent_status(row.parent_id, row.status),
                                  scope_subtree(row.id), scope_subtree_status(row.id, row.status)};
  for (const auto& ancestor : row.ancestors) {
    scopes.push_back(scope_subtree(ancestor));
    scopes.push_back(scope_subtree_status(ancestor, row.status));
  }
  return scopes;
}

std::string organization_index_prefix(std::string_view scope, OrganizationSort sort) {
  std::string key = "x";
  key += scope;
  key += '\0';
  key += static_cast<char>(sort);
  return key;
}

std::string organization_index_suffix(OrganizationSort sort, const OrganizationRow& row) {
  std::string key;
  if (sort == OrganizationSort::name) {
    key += domain::fold_case(row.name);
    key += '\0';
    key += row.id;
  } else {
    key += encode_u64(row.created_position);
  }
  return key;
}

}  // namespace orgd::projections
