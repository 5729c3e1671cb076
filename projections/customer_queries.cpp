#include "projections/customer_queries.hpp"

#include <rocksdb/db.h>
#include <rocksdb/snapshot.h>

#include "projections/customers_projection.hpp"
#include "projections/index_page.hpp"
#include "projections/read_model_batch.hpp"
#include "projections/row_codec.hpp"

namespace orgd::projections {
namespace {

template <class Row>
std::expected<std::optional<Row>, std::string> read_row(const eventstore::Store& store,
                                                        rocksdb::ColumnFamilyHandle* cf,
                                                        const std::string& key) {
  std::string bytes;
  const rocksdb::Status s = store.db()->Get(rocksdb::ReadOptions(), cf, key, &bytes);
  if (s.IsNotFound()) return std::optional<Row>{};
  if (!s.ok()) return std::unexpected("read model unavailable: " + s.ToString());
  auto row = decode_with_cereal<Row>(bytes);
  if (!row) return std::unexpected(row.error());
  return std::optional<Row>{std::move(*row)};
}

}  // namespace

std::expected<std::optional<CustomerRow>, std::string> CustomerQueries::get(
    std::string_view id) const {
  return read_row<CustomerRow>(store_, cf(kCustomersColumnFamily).get(), customer_row_key(id));
}

std::expected<std::optional<SessionRow>, std::string> CustomerQueries::session(
    std::string_view token_hash) const {
  return read_row<SessionRow>(store_, cf(kSessionsColumnFamily).get(), session_key(token_hash));
}

std::expected<CustomerPage, std::string> CustomerQueries::members(
    const MemberListQuery& q) const {
  rocksdb::DB* db = store_.db();
  const auto customers = cf(kCustomersColumnFamily);
  rocksdb::ManagedSnapshot snapshot(db);
  rocksdb::ReadOptions options;
  options.snapshot = snapshot.snapshot();
  const auto sort = q.by_creation ? CustomerSort::created : CustomerSort::name;
  auto ids = read_index_page(db, customers.get(), options,
                             {member_index_prefix(q.organization_id, sort),
                              {},
                              q.descending,
                              q.page,
                              q.page_size,
                              q.cursor});
  if (!ids) {
    return std::unexpected(ids.error() == IndexPageError::invalid_cursor ? "invalid cursor"
                                                                         : "index unreadable");
  }
  CustomerPage page{{}, ids->page, ids->total, ids->next_cursor};
  for (const auto& id : ids->ids) {
    std::string bytes;
    const rocksdb::Status got = db->Get(options, customers.get(), customer_row_key(id), &bytes);
    if (!got.ok()) return std::unexpected("read model unavailable: " + got.ToString());
    auto row = decode_with_cereal<CustomerRow>(bytes);
    if (!row) return std::unexpected(row.error());
    page.rows.push_back(std::move(*row));
  }
  return page;
}

}  // namespace orgd::projections
