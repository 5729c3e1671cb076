#include "api/aggregate_loader.hpp"

#include "domain/event_codec.hpp"

namespace orgd::api {
namespace {

// The stream's state: from where it was remembered, folding only the events after it.
template <class State>
std::expected<State, std::string> fold_stream(const eventstore::Store& store,
                                              StreamStates<State>& remembered,
                                              const std::string& stream, State state) {
  std::uint64_t version = 0;
  if (auto known = remembered.find(stream)) {
    state = *known->state;
    version = known->version;
  }
  auto envelopes = store.read_stream(stream, version + 1);
  if (!envelopes) return std::unexpected(envelopes.error().message);
  for (const auto& e : *envelopes) {
    auto event = domain::decode_event(e.type, e.schema_version, e.payload);
    if (!event) return std::unexpected(event.error());
    state = domain::apply(std::move(state), *event,
                          domain::EventMeta{e.version, e.timestamp_ms, e.actor, e.position});
    version = e.version;
  }
  if (!envelopes->empty()) remembered.remember(stream, state, version);
  return state;
}

}  // namespace

std::expected<domain::Organization, std::string> AggregateLoader::organization(
    std::string_view id) const {
  domain::Organization initial;
  initial.id = std::string(id);
  return fold_stream(store_, states_.organizations, domain::organization_stream(id),
                     std::move(initial));
}

std::expected<domain::Customer, std::string> AggregateLoader::customer(std::string_view id) const {
  domain::Customer initial;
  initial.id = std::string(id);
  return fold_stream(store_, states_.customers, domain::customer_stream(id), std::move(initial));
}

std::expected<domain::Membership, std::string> AggregateLoader::membership(
    std::string_view organization_id) const {
  return fold_stream(store_, states_.memberships, domain::members_stream(organization_id),
                     domain::Membership{});
}

std::expected<domain::Contract, std::string> AggregateLoader::contract(std::string_view id) const {
  domain::Contract initial;
  initial.id = std::string(id);
  return fold_stream(store_, states_.contracts, domain::contract_stream(id), std::move(initial));
}

std::expected<domain::ContractAssignments, std::string> AggregateLoader::contract_assignments(
    std::string_view organization_id) const {
  return fold_stream(store_, states_.assignments,
                     domain::contract_assignments_stream(organization_id),
                     domain::ContractAssignments{});
}

std::expected<domain::ContractAcceptances, std::string> AggregateLoader::contract_acceptances(
    std::string_view customer_id) const {
  return fold_stream(store_, states_.acceptances, domain::contract_acceptances_stream(customer_id),
                     domain::ContractAcceptances{});
}

std::expected<domain::Group, std::string> AggregateLoader::group(std::string_view id) const {
  domain::Group initial;
  initial.id = std::string(id);
  return fold_stream(store_, states_.groups, domain::group_stream(id), std::move(initial));
}

std::expected<domain::Resource, std::string> AggregateLoader::resource(std::string_view id) const {
  domain::Resource initial;
  initial.id = std::string(id);
  return fold_stream(store_, states_.resources, domain::resource_stream(id), std::move(initial));
}

std::expected<domain::Invoice, std::string> AggregateLoader::invoice(std::string_view id) const {
  domain::Invoice initial;
  initial.id = std::string(id);
  return fold_stream(store_, states_.invoices, domain::invoice_stream(id), std::move(initial));
}

std::expected<domain::AncestorChain, std::string> AggregateLoader::chain_from(
    std::string_view id) const {
  domain::AncestorChain chain;
  std::string next(id);
  // One more than the depth limit: enough to notice a chain that is already too deep.
  while (!next.empty() && chain.size() <= domain::kMaxHierarchyDepth) {
    auto org = organization(next);
    if (!org) return std::unexpected(org.error());
    next = org->exists() ? org->parent_id : std::string();
    chain.push_back(std::move(*org));
  }
  return chain;
}

}  // namespace orgd::api
