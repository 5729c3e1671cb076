#include "projections/directory_projections.hpp"

#include "domain/field_rules.hpp"
#include "projections/counted_index.hpp"
#include "projections/directory_rows.hpp"
#include "projections/read_model_batch.hpp"
#include "projections/row_codec.hpp"

namespace orgd::projections {
namespace {

using Result = std::expected<void, std::string>;

std::string after_prefix(std::string_view stream, std::string_view prefix) {
  return std::string(stream.substr(stream.starts_with(prefix) ? prefix.size() : 0));
}

std::string pair_key(char tag, std::string_view a, std::string_view b) {
  std::string key(1, tag);
  key += a;
  key += '\0';
  key += b;
  return key;
}

template <class Row>
std::expected<Row, std::string> load(ReadModelBatch& batch, const std::string& key) {
  auto bytes = batch.get(key);
  if (!bytes) return std::unexpected(bytes.error());
  if (!*bytes) return std::unexpected("no row under the key of " + key.substr(1));
  return decode_with_cereal<Row>(**bytes);
}

template <class Row>
void touch(Row& row, const eventstore::Envelope& e) {
  row.updated_ms = e.timestamp_ms;
  row.updated_by = e.actor;
  row.version = e.version;
}

// --- contracts ---------------------------------------------------------------------------

Result on_contract(ReadModelBatch& batch, const eventstore::Envelope& e,
                   const domain::ContractPublished& p) {
  const ContractRow row{p.id, p.title, p.text, p.url, p.version, 1, e.timestamp_ms,
                        e.timestamp_ms, e.actor, e.actor, e.version};
  batch.put(contract_row_key(p.id), encode_with_cereal(row));
  return put_counted(batch, contract_list_prefix(), encode_u64(e.position), p.id);
}

Result on_contract(ReadModelBatch& batch, const eventstore::Envelope& e,
                   const domain::ContractRevised& r) {
  const std::string id = after_prefix(e.stream_id, "contract-");
  auto row = load<ContractRow>(batch, contract_row_key(id));
  if (!row) return std::unexpected(row.error());
  row->title = r.title;
  row->text = r.text;
  row->url = r.url;
  row->version_label = r.version;
  ++row->revision;
  touch(*row, e);
  batch.put(contract_row_key(id), encode_with_cereal(*row));
  return {};
}

Result on_contract(ReadModelBatch& batch, const eventstore::Envelope& e,
                   const domain::ContractAssigned& a) {
  batch.put(pair_key('a', after_prefix(e.stream_id, "contract-assignments-"), a.contract_id), "");
  return {};
}

Result on_contract(ReadModelBatch& batch, const eventstore::Envelope& e,
                   const domain::ContractUnassigned& u) {
  const std::string org = after_prefix(e.stream_id, "contract-assignments-");
  batch.erase(pair_key('a', org, u.contract_id));
  batch.erase(organization_acceptance_key(org, u.contract_id));
  return {};
}

Result on_contract(ReadModelBatch& batch, const eventstore::Envelope& e,
                   const domain::ContractAccepted& a) {
  if (e.stream_id.starts_with("contract-assignments-")) {
    batch.put(organization_acceptance_key(after_prefix(e.stream_id, "contract-assignments-"),
                                          a.contract_id),
              encode_u64(a.revision));
  } else {
    batch.put(
        customer_acceptance_key(after_prefix(e.stream_id, "contract-acceptances-"), a.contract_id),
        encode_u64(a.revision) + a.organization_id);
  }
  return {};
}

// A customer who changes organization starts its stay there with no acceptance: those it
// made before were for its earlier stays (ContractAcceptances::has_accepted), also when it
// comes back to an organization it accepted a contract in.
Result on_contract(ReadModelBatch& batch, const eventstore::Envelope& e,
                   const domain::CustomerMoved&) {
  return batch.erase_prefix(pair_key('u', after_prefix(e.stream_id, "customer-"), ""));
}

template <class Other>
Result on_contract(ReadModelBatch&, const eventstore::Envelope&, const Other&) {
  return {};
}

// --- groups ------------------------------------------------------------------------------

std::string group_index_suffix(const GroupRow& row) {
  return domain::fold_case(row.name) + '\0' + row.id;
}

Result on_group(ReadModelBatch& batch, const eventstore::Envelope& e, const domain::GroupCreated& c) {
  const GroupRow row{c.id, c.organization_id, c.name, c.kind, c.global, 0, e.timestamp_ms,
                     e.timestamp_ms, e.actor, e.actor, e.version};
  batch.put(group_row_key(c.id), encode_with_cereal(row));
  // The suffix ends with the new group's id: it cannot be listed yet.
  return put_new_counted(batch, organization_groups_prefix(c.organization_id),
                         group_index_suffix(row), c.id);
}

Result change_members(ReadModelBatch& batch, const eventstore::Envelope& e,
                      const std::string& member, bool add) {
  const std::string id = after_prefix(e.stream_id, "group-");
  auto row = load<GroupRow>(batch, group_row_key(id));
  if (!row) return std::unexpected(row.error());
  row->member_count = add ? row->member_count + 1 : row->member_count - 1;
  touch(*row, e);
  batch.put(group_row_key(id), encode_with_cereal(*row));
  const std::string key = group_member_prefix(id) + member;
  add ? batch.put(key, "") : batch.erase(key);
  return {};
}

Result on_group(ReadModelBatch& batch, const eventstore::Envelope& e,
                const domain::GroupMemberAdded& a) {
  return change_members(batch, e, a.member_id, true);
}

Result on_group(ReadModelBatch& batch, const eventstore::Envelope& e,
                const domain::GroupMemberRemoved& r) {
  return change_members(batch, e, r.member_id, false);
}

Result on_group(ReadModelBatch& batch, const eventstore::Envelope& e, const domain::GroupDeleted&) {
  const std::string id = after_prefix(e.stream_id, "group-");
  auto row = load<GroupRow>(batch, group_row_key(id));
  if (!row) return std::unexpected(row.error());
  if (auto erased = batch.erase_prefix(group_member_prefix(id)); !erased) return erased;
  batch.erase(group_row_key(id));
  return erase_counted(batch, organization_groups_prefix(row->organization_id),
                       group_index_suffix(*row));
}

template <class Other>
Result on_group(ReadModelBatch&, const eventstore::Envelope&, const Other&) {
  return {};
}

// --- invoices ----------------------------------------------------------------------------

Result on_invoice(ReadModelBatch& batch, const eventstore::Envelope& e,
                  const domain::InvoiceIssued& i) {
  const InvoiceRow row{i.id, i.organization_id, i.period, i.amount_minor, i.currency, "open",
                       e.timestamp_ms, e.timestamp_ms, e.actor, e.actor, e.version};
  batch.put(invoice_row_key(i.id), encode_with_cereal(row));
  return put_counted(batch, organization_invoices_prefix(i.organization_id), encode_u64(e.position),
                     i.id);
}

Result settle(ReadModelBatch& batch, const eventstore::Envelope& e, const char* status) {
  const std::string id = after_prefix(e.stream_id, "invoice-");
  auto row = load<InvoiceRow>(batch, invoice_row_key(id));
  if (!row) return std::unexpected(row.error());
  row->status = status;
  touch(*row, e);
  batch.put(invoice_row_key(id), encode_with_cereal(*row));
  return {};
}

Result on_invoice(ReadModelBatch& batch, const eventstore::Envelope& e, const domain::InvoicePaid&) {
  return settle(batch, e, "paid");
}

Result on_invoice(ReadModelBatch& batch, const eventstore::Envelope& e,
                  const domain::InvoiceVoided&) {
  return settle(batch, e, "void");
}

template <class Other>
Result on_invoice(ReadModelBatch&, const eventstore::Envelope&, const Other&) {
  return {};
}

}  // namespace

std::string contract_row_key(std::string_view contract_id) { return "c" + std::string(contract_id); }
std::string contract_list_prefix() { return "l"; }
std::string assigned_prefix(std::string_view organization_id) {
  return pair_key('a', organization_id, "");
}
std::string organization_acceptance_key(std::string_view organization_id,
                                        std::string_view contract_id) {
  return pair_key('o', organization_id, contract_id);
}
std::string customer_acceptance_key(std::string_view customer_id, std::string_view contract_id) {
  return pair_key('u', customer_id, contract_id);
}
std::string group_row_key(std::string_view group_id) { return "g" + std::string(group_id); }
std::string organization_groups_prefix(std::string_view organization_id) {
  return pair_key('o', organization_id, "");
}
std::string group_member_prefix(std::string_view group_id) { return pair_key('m', group_id, ""); }
std::string invoice_row_key(std::string_view invoice_id) { return "i" + std::string(invoice_id); }
std::string organization_invoices_prefix(std::string_view organization_id) {
  return pair_key('o', organization_id, "");
}

std::expected<void, std::string> ContractsProjection::apply(const eventstore::Envelope& envelope,
                                                            const domain::Event& event,
                                                            ReadModelBatch& batch) {
  return std::visit([&](const auto& e) { return on_contract(batch, envelope, e); }, event);
}

std::expected<void, std::string> GroupsProjection::apply(const eventstore::Envelope& envelope,
                                                         const domain::Event& event,
                                                         ReadModelBatch& batch) {
  return std::visit([&](const auto& e) { return on_group(batch, envelope, e); }, event);
}

std::expected<void, std::string> InvoicesProjection::apply(const eventstore::Envelope& envelope,
                                                           const domain::Event& event,
                                                           ReadModelBatch& batch) {
  return std::visit([&](const auto& e) { return on_invoice(batch, envelope, e); }, event);
}

}  // namespace orgd::projections
