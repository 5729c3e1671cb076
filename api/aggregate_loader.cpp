#include "api/aggregate_loader.hpp"

#include "domain/event_codec.hpp"

namespace orgd::api {
namespace {

template <class State>
std::expected<State, std::string> fold_stream(const eventstore::Store& store,
                                              const std::string& stream, State state) {
  auto envelopes = store.read_stream(stream);
  if (!envelopes) return std::unexpected(envelopes.error().message);
  for (const auto& e : *envelopes) {
    auto event = domain::decode_event(e.type, e.schema_version, e.payload);
    if (!event) return std::unexpected(event.error());
    state = domain::apply(std::move(state), *event,
                          domain::EventMeta{e.version, e.timestamp_ms, e.actor, e.position});
  }
  return state;
}

}  // namespace

std::expected<domain::Organization, std::string> AggregateLoader::organization(
    std::string_view id) const {
  domain::Organization initial;
  initial.id = std::string(id);
  return fold_stream(store_, domain::organization_stream(id), std::move(initial));
}

std::expected<domain::Customer, std::string> AggregateLoader::customer(std::string_view id) const {
  domain::Customer initial;
  initial.id = std::string(id);
  return fold_stream(store_, domain::customer_stream(id), std::move(initial));
}

std::expected<domain::Membership, std::string> AggregateLoader::membership(
    std::string_view organization_id) const {
  return fold_stream(store_, domain::members_stream(organization_id), domain::Membership{});
}

std::expected<domain::Contract, std::string> AggregateLoader::contract(std::string_view id) const {
  domain::Contract initial;
  initial.id = std::string(id);
  return fold_stream(store_, domain::contract_stream(id), std::move(initial));
}

std::expected<domain::ContractAssignments, std::string> AggregateLoader::contract_assignments(
    std::string_view organization_id) const {
  return fold_stream(store_, domain::contract_assignments_stream(organization_id),
                     domain::ContractAssignments{});
}

std::expected<domain::ContractAcceptances, std::string> AggregateLoader::contract_acceptances(
    std::string_view customer_id) const {
  return fold_stream(store_, domain::contract_acceptances_stream(customer_id),
                     domain::ContractAcceptances{});
}

std::expected<domain::Group, std::string> AggregateLoader::group(std::string_view id) const {
  domain::Group initial;
  initial.id = std::string(id);
  return fold_stream(store_, domain::group_stream(id), std::move(initial));
}

std::expected<domain::Resource, std::string> AggregateLoader::resource(std::string_view id) const {
  domain::Resource initial;
  initial.id = std::string(id);
  return fold_stream(store_, domain::resource_stream(id), std::move(initial));
}

std::expected<domain::Invoice, std::string> AggregateLoader::invoice(std::string_view id) const {
  domain::Invoice initial;
  initial.id = std::string(id);
  return fold_stream(store_, domain::invoice_stream(id), std::move(initial));
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
