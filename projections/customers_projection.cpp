#include "projections/customers_projection.hpp"

#include "domain/field_rules.hpp"
#include "projections/customer_row.hpp"
#include "projections/row_codec.hpp"

namespace orgd::projections {
namespace {

using Result = std::expected<void, std::string>;

Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::CustomerRegistered& e) {
  const CustomerRow row{e.id, e.email, e.first_name, e.last_name, e.description,
                        e.organization_id, e.role, e.platform_role, e.password_hash, e.locale,
                        e.country, "active", envelope.timestamp_ms, envelope.timestamp_ms,
                        envelope.actor, envelope.actor, envelope.version};
  batch.put(customer_row_key(row.id), encode_with_cereal(row));
  batch.put(customer_email_key(row.email), row.id);
  return {};
}

template <class Other>
Result on(ReadModelBatch&, const eventstore::Envelope&, const Other&) {
  return {};
}

std::string customer_of_sessions_stream(std::string_view stream) {
  constexpr std::string_view kPrefix = "sessions-";
  return std::string(stream.substr(stream.starts_with(kPrefix) ? kPrefix.size() : 0));
}

Result on_session(ReadModelBatch& batch, const eventstore::Envelope& envelope,
                  const domain::SessionStarted& e) {
  const SessionRow row{customer_of_sessions_stream(envelope.stream_id), e.session_id,
                       e.expires_at_ms};
  batch.put(session_key(e.token_hash), encode_with_cereal(row));
  return {};
}

Result on_session(ReadModelBatch& batch, const eventstore::Envelope&,
                  const domain::SessionEnded& e) {
  batch.erase(session_key(e.token_hash));
  return {};
}

template <class Other>
Result on_session(ReadModelBatch&, const eventstore::Envelope&, const Other&) {
  return {};
}

}  // namespace

std::string customer_row_key(std::string_view id) { return "r" + std::string(id); }
std::string customer_email_key(std::string_view email) { return "e" + domain::fold_case(email); }
std::string session_key(std::string_view token_hash) { return "t" + std::string(token_hash); }

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
