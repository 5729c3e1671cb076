#pragma once
// Rebuilds aggregates from their streams for command decisions (write side: never from read
// models, which may lag), folding a long stream's events once: its state is remembered at
// the version it reached (stream_states.hpp), and the next load folds only what came after.
//
// Thread-safety: any thread; reads committed data only.

#include <expected>
#include <string>
#include <string_view>

#include "api/stream_states.hpp"
#include "domain/billing/billing.hpp"
#include "domain/contract/contract.hpp"
#include "domain/customer/customer.hpp"
#include "domain/group/group_decisions.hpp"
#include "domain/membership/membership.hpp"
#include "domain/organization/organization_commands.hpp"
#include "eventstore/store.hpp"

namespace orgd::api {

class AggregateLoader {
 public:
  explicit AggregateLoader(const eventstore::Store& store) : store_(store) {}

  // A never-created organization comes back with version 0 (and its id filled in).
  [[nodiscard]] std::expected<domain::Organization, std::string> organization(
      std::string_view id) const;
  [[nodiscard]] std::expected<domain::Customer, std::string> customer(std::string_view id) const;
  // The membership of an organization, from "members-<id>".
  [[nodiscard]] std::expected<domain::Membership, std::string> membership(
      std::string_view organization_id) const;
  [[nodiscard]] std::expected<domain::Contract, std::string> contract(std::string_view id) const;
  [[nodiscard]] std::expected<domain::ContractAssignments, std::string> contract_assignments(
      std::string_view organization_id) const;
  [[nodiscard]] std::expected<domain::ContractAcceptances, std::string> contract_acceptances(
      std::string_view customer_id) const;
  [[nodiscard]] std::expected<domain::Group, std::string> group(std::string_view id) const;
  [[nodiscard]] std::expected<domain::Invoice, std::string> invoice(std::string_view id) const;
  [[nodiscard]] std::expected<domain::Resource, std::string> resource(std::string_view id) const;
  // `id` first, then its parent, and so on up to the top (at most the depth limit + 1 entries).
  // For an unknown id the chain is just that one unknown organization.
  [[nodiscard]] std::expected<domain::AncestorChain, std::string> chain_from(
      std::string_view id) const;

 private:
  struct States {
    StreamStates<domain::Organization> organizations;
    StreamStates<domain::Customer> customers;
    StreamStates<domain::Membership> memberships;
    StreamStates<domain::Contract> contracts;
    StreamStates<domain::ContractAssignments> assignments;
    StreamStates<domain::ContractAcceptances> acceptances;
    StreamStates<domain::Group> groups;
    StreamStates<domain::Invoice> invoices;
    StreamStates<domain::Resource> resources;
  };

  const eventstore::Store& store_;
  mutable States states_;
};

}  // namespace orgd::api
