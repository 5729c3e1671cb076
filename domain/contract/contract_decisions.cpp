#include "domain/contract/contract_decisions.hpp"

#include "domain/field_rules.hpp"
#include "domain/organization/organization_access.hpp"

namespace orgd::domain {
namespace {

constexpr std::size_t kMaxContractTextPoints = 200'000;

DomainError contract_not_found(std::string_view id) {
  return refused(DomainErrorCode::not_found, "not-found",
                 "contract " + std::string(id) + " does not exist");
}

DomainError forbidden(std::string message) {
  return refused(DomainErrorCode::forbidden, "forbidden", std::move(message));
}

void check_publication(FieldProblems& out, std::string_view title, std::string_view text,
                       std::string_view url, std::string_view version) {
  check_name(out, "title", title, 200);
  check_text(out, "text", text, 0, kMaxContractTextPoints);
  check_url(out, "url", url);
  if (text.empty() == url.empty()) out.push_back({"text", "give either text or url"});
  check_name(out, "version", version, 32);
}

}  // namespace

bool reads_every_contract(const Caller& caller) {
  return caller.platform_role != PlatformRole::none || caller.manages_own_organization();
}

std::expected<Decision, DomainError> decide(const Contract& existing, const PublishContract& c,
                                            const Caller& caller) {
  if (!caller.is_superadmin()) return std::unexpected(forbidden("only a SuperAdmin publishes contracts"));
  FieldProblems problems;
  check_publication(problems, c.title, c.text, c.url, c.version);
  if (!problems.empty()) return std::unexpected(invalid(std::move(problems)));
  if (existing.version != 0) {
    return std::unexpected(refused(DomainErrorCode::already_exists, "contract-id-taken",
                                   "contract " + c.id + " exists"));
  }
  Decision d;
  d.writes.push_back({contract_stream(c.id), 0,
                      {ContractPublished{c.id, c.title, c.text, c.url, c.version}}});
  return d;
}

std::expected<Decision, DomainError> decide(const Contract& current, const ReviseContract& c,
                                            const Caller& caller) {
  if (!caller.is_superadmin()) return std::unexpected(forbidden("only a SuperAdmin publishes contracts"));
  if (!current.exists()) return std::unexpected(contract_not_found(c.id));
  FieldProblems problems;
  check_publication(problems, c.title, c.text, c.url, c.version);
  if (c.version == current.version_label) {
    problems.push_back({"version", "must differ from the current version"});
  }
  if (!problems.empty()) return std::unexpected(invalid(std::move(problems)));
  Decision d;
  d.writes.push_back({contract_stream(c.id), current.version,
                      {ContractRevised{c.title, c.text, c.url, c.version}}});
  return d;
}

std::expected<Decision, DomainError> decide(const Contract& contract, const AssignContract& c,
                                            const Caller& caller, const Organization& organization,
                                            const AncestorChain& ancestors,
                                            const ContractAssignments& assignments) {
  if (!organization.exists() || !can_view(caller, organization.id, ancestors)) {
    return std::unexpected(refused(DomainErrorCode::not_found, "not-found",
                                   "organization " + c.organization_id + " does not exist"));
  }
  if (!can_manage(caller, organization.id, ancestors)) {
    return std::unexpected(forbidden("only a SuperAdmin or the organization's owners and admins "
                                     "assign contracts"));
  }
  if (!contract.exists()) return std::unexpected(contract_not_found(c.contract_id));
  // Customers wait for their organization's acceptance too, and Default never has an owner to
  // give it: every customer in Default would be held up for good.
  if (organization.is_default()) {
    return std::unexpected(refused(DomainErrorCode::rule_violated, "default-organization",
                                   "contracts are not assigned to Default: it has no owner to "
                                   "accept them for it"));
  }
  Decision d;
  if (assignments.assigned(c.contract_id)) return d;
  d.writes.push_back({contract_assignments_stream(organization.id), assignments.version,
                      {ContractAssigned{c.contract_id}}});
  d.writes.push_back({organization_stream(organization.id), organization.version, {}});
  return d;
}

std::expected<Decision, DomainError> decide(const UnassignContract& c, const Caller& caller,
                                            const Organization& organization,
                                            const AncestorChain& ancestors,
                                            const ContractAssignments& assignments) {
  if (!organization.exists() || !can_view(caller, organization.id, ancestors)) {
    return std::unexpected(refused(DomainErrorCode::not_found, "not-found",
                                   "organization " + c.organization_id + " does not exist"));
  }
  if (!can_manage(caller, organization.id, ancestors)) {
    return std::unexpected(forbidden("only a SuperAdmin or the organization's owners and admins "
                                     "unassign contracts"));
  }
  if (!assignments.assigned(c.contract_id)) return std::unexpected(contract_not_found(c.contract_id));
  Decision d;
  d.writes.push_back({contract_assignments_stream(organization.id), assignments.version,
                      {ContractUnassigned{c.contract_id}}});
  return d;
}

std::expected<Decision, DomainError> decide(const Contract& contract, const AcceptContract& c,
                                            const Caller& caller,
                                            const ContractAssignments& assignments,
                                            const ContractAcceptances& mine,
                                            std::uint64_t joined_position) {
  if (caller.platform_role != PlatformRole::none) {
    return std::unexpected(forbidden("platform accounts have no contracts to accept"));
  }
  if (!contract.exists() || !assignments.assigned(c.contract_id)) {
    return std::unexpected(contract_not_found(c.contract_id));
  }
  if ((c.read_revision != 0 && c.read_revision != contract.revision) ||
      (c.read_version != 0 && c.read_version != contract.version)) {
    return std::unexpected(refused(DomainErrorCode::version_conflict, "version-conflict",
                                   "the contract changed since it was read (now revision " +
                                       std::to_string(contract.revision) +
                                       "): read it again before accepting"));
  }
  Decision d;
  if (c.on_behalf_of_organization) {
    if (caller.role != OrganizationRole::owner) {
      return std::unexpected(forbidden("only an owner accepts on behalf of the organization"));
    }
    if (assignments.accepted_revision.at(c.contract_id) == contract.revision) return d;
    d.writes.push_back(
        {contract_assignments_stream(caller.organization_id),
         assignments.version,
         {ContractAccepted{c.contract_id, contract.revision, caller.organization_id}}});
  } else {
    // Accepted in another organization, or in this one before the customer left it, is not
    // accepted now (SPEC: moved customers accept their new organization's contracts).
    if (mine.has_accepted(c.contract_id, contract.revision, caller.organization_id,
                          joined_position)) {
      return d;
    }
    d.writes.push_back(
        {contract_acceptances_stream(caller.customer_id),
         mine.version,
         {ContractAccepted{c.contract_id, contract.revision, caller.organization_id}}});
  }
  // Accepting a revision that changed meanwhile would accept text the customer never saw.
  d.writes.push_back({contract_stream(contract.id), contract.version, {}});
  return d;
}

}  // namespace orgd::domain
