#pragma once
// Contracts, the organization's assignments and acceptances, and a customer's acceptances,
// rebuilt from their streams.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "domain/event.hpp"
#include "domain/event_meta.hpp"

namespace orgd::domain {

[[nodiscard]] std::string contract_stream(std::string_view contract_id);
[[nodiscard]] std::string contract_assignments_stream(std::string_view organization_id);
[[nodiscard]] std::string contract_acceptances_stream(std::string_view customer_id);

struct Contract {
  std::string id;
  std::string title;
  std::string text;
  std::string url;
  std::string version_label;
  std::uint64_t revision{0};  // 1 for the first publication, +1 per new version
  std::uint64_t version{0};   // stream version
  [[nodiscard]] bool exists() const { return revision > 0; }
};

struct ContractAssignments {
  std::map<std::string, std::uint64_t> accepted_revision;  // assigned contract -> accepted by org
  std::uint64_t version{0};
  [[nodiscard]] bool assigned(const std::string& contract_id) const {
    return accepted_revision.contains(contract_id);
  }
};

struct ContractAcceptances {
  struct Acceptance {
    std::uint64_t revision{0};
    std::string organization_id;  // empty: logged before acceptances named one (any counts)
    std::uint64_t position{0};    // in the log
  };
  std::map<std::string, Acceptance> accepted;  // contract -> the customer's latest acceptance
  std::uint64_t version{0};
  // Whether the customer accepted `revision` of the contract while in `organization_id`, in
  // its present stay there: after `joined_position` (Customer::joined_position; 0: unknown,
  // any stay counts). One who leaves and comes back accepts again, as every newcomer does.
  [[nodiscard]] bool has_accepted(const std::string& contract_id, std::uint64_t revision,
                                  std::string_view organization_id,
                                  std::uint64_t joined_position) const;
};

[[nodiscard]] Contract apply(Contract state, const Event& event, const EventMeta& meta);
[[nodiscard]] ContractAssignments apply(ContractAssignments state, const Event& event,
                                        const EventMeta& meta);
[[nodiscard]] ContractAcceptances apply(ContractAcceptances state, const Event& event,
                                        const EventMeta& meta);

}  // namespace orgd::domain
