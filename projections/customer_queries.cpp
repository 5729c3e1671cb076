#include "projections/customer_queries.hpp"

#include <rocksdb/db.h>

#include "projections/customers_projection.hpp"
#include "projections/row_codec.hpp"

namespace orgd::projections {
namespace {

template <class Row>
std::expected<std::optional<Row>, std::string> read_row(const eventstore::Store& store,
                                                        std::string_view cf_name,
                                                        const std::string& key) {
  std::string bytes;
  const rocksdb::Status s =
      store.db()->Get(rocksdb::ReadOptions(), store.column_family(cf_name), key, &bytes);
  if (s.IsNotFound()) return std::optional<Row>{};
  if (!s.ok()) return std::unexpected("read model unavailable: " + s.ToString());
  auto row = decode_with_cereal<Row>(bytes);
  if (!row) return std::unexpected(row.error());
  return std::optional<Row>{std::move(*row)};
}

}  // namespace

std::expected<std::optional<CustomerRow>, std::string> CustomerQueries::get(
    std::string_view id) const {
  return read_row<CustomerRow>(store_, kCustomersColumnFamily, customer_row_key(id));
}

std::expected<std::optional<CustomerRow>, std::string> CustomerQueries::by_email(
    std::string_view email) const {
  std::string id;
  const rocksdb::Status s =
      store_.db()->Get(rocksdb::ReadOptions(), store_.column_family(kCustomersColumnFamily),
                       customer_email_key(email), &id);
  if (s.IsNotFound()) return std::optional<CustomerRow>{};
  if (!s.ok()) return std::unexpected("read model unavailable: " + s.ToString());
  return get(id);
}

std::expected<std::optional<SessionRow>, std::string> CustomerQueries::session(
    std::string_view token_hash) const {
  return read_row<SessionRow>(store_, kSessionsColumnFamily, session_key(token_hash));
}

}  // namespace orgd::projections
