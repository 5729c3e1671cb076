#include "projections/customers_projection.hpp"

#include <algorithm>

#include "domain/field_rules.hpp"
#include "projections/counted_index.hpp"
#include "projections/customer_row.hpp"
#include "projections/read_model_batch.hpp"
#include "projections/row_codec.hpp"

namespace orgd::projections {
namespace {

using Result = std::expected<void, std::string>;
constexpr CustomerSort kSorts[] = {CustomerSort::name, CustomerSort::created};

std::string id_after(std::string_view stream, std::string_view prefix) {
  return std::string(stream.substr(stream.starts_with(prefix) ? prefix.size() : 0));
}

std::expected<CustomerRow, std::string> load(ReadModelBatch& batch, std::string_view id) {
  auto bytes = batch.get(customer_row_key(id));
  if (!bytes) return std::unexpected(bytes.error());
  if (!*bytes) return std::unexpected("customer " + std::string(id) + " has no row");
  return decode_with_cereal<CustomerRow>(**bytes);
}

// Platform accounts answer to the platform alone (domain/customer/customer_access.hpp): no
// organization lists them among its members, Default included.
std::vector<CountedKey> member_keys(const CustomerRow& row) {
  std::vector<CountedKey> keys;
  if (!row.platform_role.empty()) return keys;
  for (auto sort : kSorts) {
    keys.push_back(
        {member_index_prefix(row.organization_id, sort), member_index_suffix(row, sort)});
  }
  return keys;
}

Result unindex(ReadModelBatch& batch, const CustomerRow& row) {
  batch.erase(customer_email_key(row.email));
  return replace_counted(batch, member_keys(row), {}, row.id);
}

// A registered customer's index keys end with its new id or position: none exists yet.
Result index_new(ReadModelBatch& batch, const CustomerRow& row) {
  batch.put(customer_email_key(row.email), row.id);
  return index_new_counted(batch, member_keys(row), row.id);
}

// Only the index entries that change move (most updates change none).
Result store(ReadModelBatch& batch, const CustomerRow& before, CustomerRow after,
             const eventstore::Envelope& envelope) {
  after.version = envelope.version;
  after.updated_ms = envelope.timestamp_ms;
  after.updated_by = envelope.actor;
  if (customer_email_key(before.email) != customer_email_key(after.email)) {
    batch.erase(customer_email_key(before.email));
  }
  batch.put(customer_email_key(after.email), after.id);
  if (auto r = replace_counted(batch, member_keys(before), member_keys(after), after.id); !r) {
    return r;
  }
  batch.put(customer_row_key(after.id), encode_with_cereal(after));
  return {};
}

// Loads the stream's customer, lets `change` edit a copy, and stores it re-indexed.
template <class Change>
Result update(ReadModelBatch& batch, const eventstore::Envelope& envelope, Change change) {
  auto row = load(batch, id_after(envelope.stream_id, "customer-"));
  if (!row) return std::unexpected(row.error());
  CustomerRow after = *row;
  change(after);
  return store(batch, *row, std::move(after), envelope);
}

Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::CustomerRegistered& e) {
  const CustomerRow row{e.id, e.email, e.first_name, e.last_name, e.description,
                        e.organization_id, e.role, e.platform_role, e.password_hash, e.locale,
                        e.country, "active", envelope.timestamp_ms, envelope.timestamp_ms,
                        envelope.actor, envelope.actor, envelope.version, envelope.position};
  batch.put(customer_row_key(row.id), encode_with_cereal(row));
  return index_new(batch, row);
}

Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::CustomerMoved& e) {
  return update(batch, envelope, [&](CustomerRow& r) {
    r.organization_id = e.organization_id;
    r.role = e.role;
  });
}

Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::CustomerRoleChanged& e) {
  return update(batch, envelope, [&](CustomerRow& r) { r.role = e.role; });
}

Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::CustomerProfileUpdated& e) {
  return update(batch, envelope, [&](CustomerRow& r) {
    r.email = e.email;
    r.first_name = e.first_name;
    r.last_name = e.last_name;
    r.description = e.description;
    r.locale = e.locale;
    r.country = e.country;
  });
}

Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::CustomerPasswordChanged& e) {
  return update(batch, envelope, [&](CustomerRow& r) { r.password_hash = e.password_hash; });
}

Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::CustomerDeleted&) {
  auto row = load(batch, id_after(envelope.stream_id, "customer-"));
  if (!row) return std::unexpected(row.error());
  if (auto r = unindex(batch, *row); !r) return r;
  batch.erase(customer_row_key(row->id));
  return {};
}

template <class Other>
Result on(ReadModelBatch&, const eventstore::Envelope&, const Other&) {
  return {};
}

// Sessions (customers_projection.hpp): 't' token-hash -> SessionRow, 'c' customer '\0'
// token-hash so every session of a customer can be found and revoked, 'x' expiry token-hash
// so expired ones can be dropped, and 'w' where the next sweep of them starts.
std::string customer_session_prefix(std::string_view customer_id) {
  return "c" + std::string(customer_id) + '\0';
}

constexpr std::string_view kExpiryPrefix = "x";

// The expiry keys of sessions that expire before `ms` sort before this.
std::string expiring_at(std::int64_t ms) {
  return std::string(kExpiryPrefix) +
         encode_u64(static_cast<std::uint64_t>(std::max<std::int64_t>(ms, 0)));
}

std::string expiry_key(std::int64_t expires_at_ms, std::string_view token_hash) {
  return expiring_at(expires_at_ms) + std::string(token_hash);
}

// Every key of one session; the row is read for its customer and expiry.
Result forget_session(ReadModelBatch& batch, std::string_view token_hash) {
  auto bytes = batch.get(session_key(token_hash));
  if (!bytes) return std::unexpected(bytes.error());
  if (!*bytes) return {};  // ended already: a logout decided before an expiry swept it
  const auto row = decode_with_cereal<SessionRow>(**bytes);
  if (!row) return std::unexpected(row.error());
  batch.erase(session_key(token_hash));
  batch.erase(customer_session_prefix(row->customer_id) + std::string(token_hash));
  batch.erase(expiry_key(row->expires_at_ms, token_hash));
  return {};
}

// Each login drops up to this many sessions that had expired by its time, oldest first: more
// than one, so they go faster than they come. Judged by the event's time, not the clock, so a
// replay drops the same ones (orgctl verify compares read models with a replay's).
constexpr int kExpiredDroppedPerLogin = 4;

// Where the next sweep starts: the last expiry key a sweep dropped, or a session's added below
// it since. Every key before it is gone, and scanning from the front would step over their
// deletions one by one until RocksDB compacts them away (a rebuild's chunks pile up thousands).
// In the read model, so a replay sweeps from the same place.
constexpr std::string_view kSweepCursorKey = "w";

std::expected<std::string, std::string> sweep_cursor(ReadModelBatch& batch) {
  auto cursor = batch.get(kSweepCursorKey);
  if (!cursor) return std::unexpected(cursor.error());
  return *cursor ? std::move(**cursor) : std::string(kExpiryPrefix);
}

// Drops the sessions expired before `now_ms` from `cursor` on; returns where the next sweep
// starts.
std::expected<std::string, std::string> drop_expired(ReadModelBatch& batch, std::int64_t now_ms,
                                                     std::string cursor) {
  std::vector<std::string> expired;  // their expiry keys
  const std::string before = expiring_at(now_ms);
  auto scanned =
      batch.scan_from(kExpiryPrefix, cursor, [&](std::string_view key, std::string_view) {
        if (key >= before) return false;
        expired.emplace_back(key);
        return expired.size() < kExpiredDroppedPerLogin;
      });
  if (!scanned) return std::unexpected(scanned.error());
  for (const auto& key : expired) {
    // The expiry key goes even without its session's row, which would otherwise hold the
    // sweep at it for ever.
    batch.erase(key);
    if (auto r = forget_session(batch, std::string_view(key).substr(kExpiryPrefix.size() + 8));
        !r) {
      return std::unexpected(r.error());
    }
  }
  return expired.empty() ? std::move(cursor) : std::move(expired.back());
}

Result revoke_all(ReadModelBatch& batch, std::string_view customer_id) {
  std::vector<std::string> token_hashes;
  const std::string prefix = customer_session_prefix(customer_id);
  auto scanned = batch.scan_prefix(prefix, [&](std::string_view key, std::string_view) {
    token_hashes.emplace_back(key.substr(prefix.size()));
    return true;
  });
  if (!scanned) return scanned;
  for (const auto& token_hash : token_hashes) {
    if (auto r = forget_session(batch, token_hash); !r) return r;
  }
  return {};
}

Result on_session(ReadModelBatch& batch, const eventstore::Envelope& envelope,
                  const domain::SessionStarted& e) {
  auto cursor = sweep_cursor(batch);
  if (!cursor) return std::unexpected(cursor.error());
  auto next = drop_expired(batch, envelope.timestamp_ms, *cursor);
  if (!next) return std::unexpected(next.error());
  const std::string customer = id_after(envelope.stream_id, "sessions-");
  batch.put(session_key(e.token_hash),
            encode_with_cereal(SessionRow{customer, e.session_id, e.expires_at_ms}));
  batch.put(customer_session_prefix(customer) + e.token_hash, "");
  const std::string expiry = expiry_key(e.expires_at_ms, e.token_hash);
  batch.put(expiry, "");
  // A session that expires before where the next sweep starts must still be swept: the
  // cursor moves back to it.
  const std::string& start = std::min(*next, expiry);
  if (start != *cursor) batch.put(kSweepCursorKey, start);
  return {};
}

Result on_session(ReadModelBatch& batch, const eventstore::Envelope&,
                  const domain::SessionEnded& e) {
  return forget_session(batch, e.token_hash);
}

Result on_session(ReadModelBatch& batch, const eventstore::Envelope& envelope,
                  const domain::CustomerPasswordChanged&) {
  return revoke_all(batch, id_after(envelope.stream_id, "customer-"));
}

Result on_session(ReadModelBatch& batch, const eventstore::Envelope& envelope,
                  const domain::CustomerDeleted&) {
  return revoke_all(batch, id_after(envelope.stream_id, "customer-"));
}

template <class Other>
Result on_session(ReadModelBatch&, const eventstore::Envelope&, const Other&) {
  return {};
}

}  // namespace

std::string customer_row_key(std::string_view id) { return "r" + std::string(id); }
std::string customer_email_key(std::string_view email) { return "e" + domain::fold_case(email); }
std::string session_key(std::string_view token_hash) { return "t" + std::string(token_hash); }

std::string member_index_prefix(std::string_view organization_id, CustomerSort sort) {
  std::string key = "m";
  key += organization_id;
  key += '\0';
  key += static_cast<char>(sort);
  return key;
}

std::string member_index_suffix(const CustomerRow& row, CustomerSort sort) {
  std::string key;
  if (sort == CustomerSort::name) {
    key += domain::fold_case(row.last_name);
    key += '\0';
    key += domain::fold_case(row.first_name);
    key += '\0';
    key += row.id;
  } else {
    key += encode_u64(row.created_position);
  }
  return key;
}

std::expected<void, std::string> CustomersProjection::apply(const eventstore::Envelope& envelope,
                                                            const domain::Event& event,
                                                            ReadModelBatch& batch) {
  return std::visit([&](const auto& e) { return on(batch, envelope, e); }, event);
}

std::expected<void, std::string> SessionsProjection::apply(const eventstore::Envelope& envelope,
                                                           const domain::Event& event,
                                                           ReadModelBatch& batch) {
  return std::visit([&](const auto& e) { return on_session(batch, envelope, e); }, event);
}

}  // namespace orgd::projections
