#include "domain/contract/contract.hpp"

namespace orgd::domain {

std::string contract_stream(std::string_view contract_id) {
  return "contract-" + std::string(contract_id);
}
std::string contract_assignments_stream(std::string_view organization_id) {
  return "contract-assignments-" + std::string(organization_id);
}
std::string contract_acceptances_stream(std::string_view customer_id) {
  return "contract-acceptances-" + std::string(customer_id);
}

Contract apply(Contract state, const Event& event, const EventMeta& meta) {
  if (const auto* p = std::get_if<ContractPublished>(&event)) {
    state = {p->id, p->title, p->text, p->url, p->version, 1, 0};
  } else if (const auto* r = std::get_if<ContractRevised>(&event)) {
    state.title = r->title;
    state.text = r->text;
    state.url = r->url;
    state.version_label = r->version;
    ++state.revision;
  }
  state.version = meta.version;
  return state;
}

ContractAssignments apply(ContractAssignments state, const Event& event, const EventMeta& meta) {
  if (const auto* a = std::get_if<ContractAssigned>(&event)) {
    state.accepted_revision.emplace(a->contract_id, 0);
  } else if (const auto* u = std::get_if<ContractUnassigned>(&event)) {
    state.accepted_revision.erase(u->contract_id);
  } else if (const auto* accepted = std::get_if<ContractAccepted>(&event)) {
    state.accepted_revision[accepted->contract_id] = accepted->revision;
  }
  state.version = meta.version;
  return state;
}

bool ContractAcceptances::has_accepted(const std::string& contract_id, std::uint64_t revision,
                                       std::string_view organization_id,
                                       std::uint64_t joined_position) const {
  const auto it = accepted.find(contract_id);
  return it != accepted.end() && it->second.revision == revision &&
         (joined_position == 0 || it->second.position > joined_position) &&
         (it->second.organization_id.empty() || it->second.organization_id == organization_id);
}

ContractAcceptances apply(ContractAcceptances state, const Event& event, const EventMeta& meta) {
  if (const auto* a = std::get_if<ContractAccepted>(&event)) {
    state.accepted[a->contract_id] = {a->revision, a->organization_id, meta.position};
  }
  state.version = meta.version;
  return state;
}

}  // namespace orgd::domain
