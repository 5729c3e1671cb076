#pragma once
// Contract rules. A SuperAdmin publishes contracts and their new versions; a SuperAdmin or an
// organization's owners/admins assign them to the organization; an organization must accept an
// assigned contract (an owner on its behalf) and so must each of its customers, each version
// anew. The gate itself (403 until both accepted) is a read-side check in the api layer.

#include <cstdint>
#include <expected>
#include <string>

#include "domain/caller.hpp"
#include "domain/contract/contract.hpp"
#include "domain/decision.hpp"
#include "domain/domain_error.hpp"
#include "domain/organization/organization_commands.hpp"

namespace orgd::domain {

struct PublishContract {
  std::string id;
  std::string title;
  std::string text;
  std::string url;
  std::string version;
};

struct ReviseContract {
  std::string id;
  std::string title;
  std::string text;
  std::string url;
  std::string version;
};

struct AssignContract {
  std::string organization_id;
  std::string contract_id;
};

struct UnassignContract {
  std::string organization_id;
  std::string contract_id;
};

struct AcceptContract {
  std::string contract_id;
  bool on_behalf_of_organization{false};
  // What the caller read, so that it accepts that text and no later one: the contract's
  // `revision` and its stream version (the ETag). 0: not given.
  std::uint64_t read_revision{0};
  std::uint64_t read_version{0};
};

// Who reads every published contract: platform accounts, and an organization's owners and
// admins, who choose from them what to assign (SPEC: they assign contracts to an organization).
// Other customers read only the contracts assigned to their organization.
[[nodiscard]] bool reads_every_contract(const Caller& caller);

[[nodiscard]] std::expected<Decision, DomainError> decide(const Contract& existing,
                                                          const PublishContract& command,
                                                          const Caller& caller);
[[nodiscard]] std::expected<Decision, DomainError> decide(const Contract& current,
                                                          const ReviseContract& command,
                                                          const Caller& caller);
// `organization` with `ancestors`; `assignments` are the organization's.
[[nodiscard]] std::expected<Decision, DomainError> decide(const Contract& contract,
                                                          const AssignContract& command,
                                                          const Caller& caller,
                                                          const Organization& organization,
                                                          const AncestorChain& ancestors,
                                                          const ContractAssignments& assignments);
[[nodiscard]] std::expected<Decision, DomainError> decide(const UnassignContract& command,
                                                          const Caller& caller,
                                                          const Organization& organization,
                                                          const AncestorChain& ancestors,
                                                          const ContractAssignments& assignments);
// `assignments` are the caller's organization's; `mine` the caller's own acceptances, and
// `joined_position` where the caller came to its organization (Customer::joined_position).
[[nodiscard]] std::expected<Decision, DomainError> decide(const Contract& contract,
                                                          const AcceptContract& command,
                                                          const Caller& caller,
                                                          const ContractAssignments& assignments,
                                                          const ContractAcceptances& mine,
                                                          std::uint64_t joined_position);

}  // namespace orgd::domain
