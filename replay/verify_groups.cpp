#include <algorithm>

#include "domain/group/group.hpp"
#include "replay/verify_checks.hpp"

namespace orgd::replay {

template <class State>
void MembershipTracker::fold(Placed& placed, const domain::Event& event,
                             const domain::EventMeta& meta) {
  State state;
  state.version = placed.version;
  state.deleted = placed.deleted;
  if constexpr (requires { state.organization_id; }) state.organization_id = placed.organization_id;
  state = domain::apply(std::move(state), event, meta);
  placed.version = state.version;
  placed.deleted = state.deleted;
  if constexpr (requires { state.organization_id; }) {
    if (state.organization_id != placed.organization_id) {
      placed.organization_id = std::move(state.organization_id);
      placed.arrived_at = meta.position;
    }
  }
}

void MembershipTracker::observe(const eventstore::Envelope& e, const domain::Event& event) {
  static const std::string kGroups = domain::group_stream("");
  static const std::string kOrganizations = domain::organization_stream("");
  static const std::string kCustomers = domain::customer_stream("");
  static const std::string kResources = domain::resource_stream("");
  const domain::EventMeta meta{e.version, e.timestamp_ms, e.actor, e.position};
  if (e.stream_id.starts_with(kGroups)) {
    auto& group = groups_[e.stream_id];
    group = domain::apply(std::move(group), event, meta);
  } else if (e.stream_id.starts_with(kOrganizations)) {
    fold<domain::Organization>(organizations_[e.stream_id], event, meta);
  } else if (e.stream_id.starts_with(kCustomers)) {
    fold<domain::Customer>(customers_[e.stream_id], event, meta);
  } else if (e.stream_id.starts_with(kResources)) {
    fold<domain::Resource>(resources_[e.stream_id], event, meta);
  }
}

// Why the member under `stream` no longer counts for a group of `group_org` it joined at
// `joined_at`; nullopt while it does.
std::optional<std::string> MembershipTracker::left(const std::map<std::string, Placed>& members,
                                                   const std::string& stream,
                                                   const std::string& group_org,
                                                   std::uint64_t joined_at) {
  const auto found = members.find(stream);
  const Placed member = found == members.end() ? Placed{} : found->second;
  const std::string since = " since position " + std::to_string(member.arrived_at);
  switch (domain::membership_lapse(group_org, joined_at, member.exists(), member.organization_id,
                                   member.arrived_at)) {
    case domain::MembershipLapse::none:
      return std::nullopt;
    case domain::MembershipLapse::member_gone:
      return "it is deleted";
    case domain::MembershipLapse::elsewhere:
      return "it is in organization " + member.organization_id + since;
    case domain::MembershipLapse::left_and_back:
      return "it left and is back" + since;
  }
  return std::nullopt;
}

std::vector<StaleMembership> MembershipTracker::stale(std::uint64_t& counted) const {
  std::vector<StaleMembership> found;
  counted = 0;
  for (const auto& [stream, group] : groups_) {
    // A deleted organization's groups are out of reach with it, its members sent to Default.
    const auto organization =
        organizations_.find(domain::organization_stream(group.organization_id));
    if (!group.exists() || group.global || organization == organizations_.end() ||
        !organization->second.exists()) {
      continue;
    }
    const bool things = group.kind == domain::kThingsGroupKind;
    for (const auto& [member_id, joined_at] : group.members) {
      ++counted;
      auto why = things ? left(resources_, domain::resource_stream(member_id),
                               group.organization_id, joined_at)
                        : left(customers_, domain::customer_stream(member_id),
                               group.organization_id, joined_at);
      if (why) found.push_back({group.id, member_id, joined_at, std::move(*why)});
    }
  }
  std::ranges::sort(found, {}, &StaleMembership::joined_at);
  return found;
}

CheckResult check_groups(const LogFacts& facts) {
  CheckResult result{"groups"};
  result.advisory = true;
  result.checked = facts.memberships;
  if (facts.stale_memberships.empty()) return result;
  const auto& first = facts.stale_memberships.front();
  std::string found = "listed still";
  if (facts.stale_memberships.size() > 1) {
    found += ", as are " + std::to_string(facts.stale_memberships.size() - 1) +
             " more members in groups they left";
  }
  result.divergence = Divergence{
      first.joined_at,
      "member " + first.member_id + " out of group " + first.group_id + " (" + first.why + ")",
      std::move(found)};
  return result;
}

}  // namespace orgd::replay
