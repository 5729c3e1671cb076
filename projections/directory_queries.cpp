#include "projections/directory_queries.hpp"

#include <rocksdb/db.h>
#include <rocksdb/snapshot.h>

#include <memory>

#include "projections/directory_projections.hpp"
#include "projections/index_page.hpp"
#include "projections/read_model_batch.hpp"
#include "projections/row_codec.hpp"

namespace orgd::projections {
namespace {

std::string unavailable(const rocksdb::Status& s) { return "read model unavailable: " + s.ToString(); }

template <class Row>
std::expected<std::optional<Row>, std::string> read_row(rocksdb::DB* db,
                                                        rocksdb::ColumnFamilyHandle* cf,
                                                        const rocksdb::ReadOptions& options,
                                                        const std::string& key) {
  std::string bytes;
  const rocksdb::Status s = db->Get(options, cf, key, &bytes);
  if (s.IsNotFound()) return std::optional<Row>{};
  if (!s.ok()) return std::unexpected(unavailable(s));
  auto row = decode_with_cereal<Row>(bytes);
  if (!row) return std::unexpected(row.error());
  return std::optional<Row>{std::move(*row)};
}

std::expected<std::uint64_t, std::string> read_u64(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                                                   const rocksdb::ReadOptions& options,
                                                   const std::string& key) {
  std::string bytes;
  const rocksdb::Status s = db->Get(options, cf, key, &bytes);
  if (s.IsNotFound()) return 0;
  if (!s.ok()) return std::unexpected(unavailable(s));
  return decode_u64(bytes);
}

// The keys under `prefix`, with the prefix cut off.
std::vector<std::string> suffixes(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                                  const rocksdb::ReadOptions& options, const std::string& prefix) {
  std::vector<std::string> out;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(options, cf));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    out.push_back(it->key().ToString().substr(prefix.size()));
  }
  return out;
}

}  // namespace

template <class Row>
std::expected<RowPage<Row>, std::string> DirectoryQueries::page_of(
    std::string_view cf_name, const std::string& prefix, const PageRequest& request,
    std::string (*row_key)(std::string_view)) const {
  rocksdb::DB* db = store_.db();
  const auto family = cf(cf_name);
  rocksdb::ManagedSnapshot snapshot(db);
  rocksdb::ReadOptions options;
  options.snapshot = snapshot.snapshot();
  auto ids = read_index_page(db, family.get(), options,
                             {prefix, {}, false, request.page, request.page_size, request.cursor});
  if (!ids) {
    return std::unexpected(ids.error() == IndexPageError::invalid_cursor ? "invalid cursor"
                                                                         : "index unreadable");
  }
  RowPage<Row> page{{}, ids->page, ids->total, ids->next_cursor};
  for (const auto& id : ids->ids) {
    auto row = read_row<Row>(db, family.get(), options, row_key(id));
    if (!row) return std::unexpected(row.error());
    if (*row) page.rows.push_back(std::move(**row));
  }
  return page;
}

std::expected<std::optional<ContractRow>, std::string> DirectoryQueries::contract(
    std::string_view id) const {
  return read_row<ContractRow>(store_.db(), cf(kContractsColumnFamily).get(),
                               rocksdb::ReadOptions(), contract_row_key(id));
}

std::expected<RowPage<ContractRow>, std::string> DirectoryQueries::contracts(
    const PageRequest& page) const {
  return page_of<ContractRow>(kContractsColumnFamily, contract_list_prefix(), page,
                              contract_row_key);
}

std::expected<std::vector<ContractStatus>, std::string> DirectoryQueries::assigned(
    std::string_view organization_id) const {
  rocksdb::DB* db = store_.db();
  const auto family = cf(kContractsColumnFamily);
  rocksdb::ManagedSnapshot snapshot(db);
  rocksdb::ReadOptions options;
  options.snapshot = snapshot.snapshot();
  std::vector<ContractStatus> out;
  for (const auto& id : suffixes(db, family.get(), options, assigned_prefix(organization_id))) {
    auto row = read_row<ContractRow>(db, family.get(), options, contract_row_key(id));
    if (!row) return std::unexpected(row.error());
    if (!*row) continue;
    auto accepted =
        read_u64(db, family.get(), options, organization_acceptance_key(organization_id, id));
    if (!accepted) return std::unexpected(accepted.error());
    out.push_back({std::move(**row), *accepted == (*row)->revision});
  }
  return out;
}

std::expected<std::uint64_t, std::string> DirectoryQueries::accepted_by_customer(
    std::string_view customer_id, std::string_view contract_id,
    std::string_view organization_id) const {
  std::string bytes;
  const rocksdb::Status s =
      store_.db()->Get(rocksdb::ReadOptions(), cf(kContractsColumnFamily).get(),
                       customer_acceptance_key(customer_id, contract_id), &bytes);
  if (s.IsNotFound()) return 0;
  if (!s.ok()) return std::unexpected(unavailable(s));
  // be64(revision), then the organization it was accepted in (none when logged before
  // acceptances named one: it counts in any).
  const std::string_view accepted_in =
      std::string_view(bytes).substr(std::min<std::size_t>(8, bytes.size()));
  if (!accepted_in.empty() && accepted_in != organization_id) return 0;
  return decode_u64(bytes);
}

std::expected<std::vector<ContractRow>, std::string> DirectoryQueries::pending_for(
    std::string_view customer_id, std::string_view organization_id) const {
  auto statuses = assigned(organization_id);
  if (!statuses) return std::unexpected(statuses.error());
  std::vector<ContractRow> pending;
  for (auto& status : *statuses) {
    auto mine = accepted_by_customer(customer_id, status.contract.id, organization_id);
    if (!mine) return std::unexpected(mine.error());
    if (!status.accepted_by_organization || *mine != status.contract.revision) {
      pending.push_back(std::move(status.contract));
    }
  }
  return pending;
}

std::expected<std::optional<GroupRow>, std::string> DirectoryQueries::group(
    std::string_view id) const {
  return read_row<GroupRow>(store_.db(), cf(kGroupsColumnFamily).get(), rocksdb::ReadOptions(),
                            group_row_key(id));
}

std::expected<RowPage<GroupRow>, std::string> DirectoryQueries::groups(
    std::string_view organization_id, const PageRequest& page) const {
  return page_of<GroupRow>(kGroupsColumnFamily, organization_groups_prefix(organization_id), page,
                           group_row_key);
}

std::expected<std::vector<std::string>, std::string> DirectoryQueries::group_members(
    std::string_view group_id) const {
  return suffixes(store_.db(), cf(kGroupsColumnFamily).get(), rocksdb::ReadOptions(),
                  group_member_prefix(group_id));
}

std::expected<std::optional<InvoiceRow>, std::string> DirectoryQueries::invoice(
    std::string_view id) const {
  return read_row<InvoiceRow>(store_.db(), cf(kInvoicesColumnFamily).get(), rocksdb::ReadOptions(),
                              invoice_row_key(id));
}

std::expected<RowPage<InvoiceRow>, std::string> DirectoryQueries::invoices(
    std::string_view organization_id, const PageRequest& page) const {
  return page_of<InvoiceRow>(kInvoicesColumnFamily, organization_invoices_prefix(organization_id),
                             page, invoice_row_key);
}

}  // namespace orgd::projections
