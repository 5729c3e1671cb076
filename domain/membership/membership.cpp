#include "domain/membership/membership.hpp"

#include <algorithm>

#include "domain/customer/customer.hpp"

namespace orgd::domain {

std::string members_stream(std::string_view organization_id) {
  return "members-" + std::string(organization_id);
}

std::size_t Membership::owner_count() const {
  return static_cast<std::size_t>(std::count_if(members.begin(), members.end(), [](const auto& m) {
    return m.second == OrganizationRole::owner;
  }));
}

bool Membership::is_last_owner(std::string_view customer_id) const {
  auto it = members.find(std::string(customer_id));
  return it != members.end() && it->second == OrganizationRole::owner && owner_count() == 1;
}

namespace {

OrganizationRole role_of(const std::string& text) {
  return organization_role_from(text).value_or(OrganizationRole::member);
}

void apply_event(Membership& m, const MemberJoined& e) { m.members[e.customer_id] = role_of(e.role); }
void apply_event(Membership& m, const MemberLeft& e) { m.members.erase(e.customer_id); }
void apply_event(Membership& m, const MemberRoleChanged& e) {
  m.members[e.customer_id] = role_of(e.role);
}
template <class Other>
void apply_event(Membership&, const Other&) {}

}  // namespace

Membership apply(Membership state, const Event& event, const EventMeta& meta) {
  std::visit([&](const auto& e) { apply_event(state, e); }, event);
  state.version = meta.version;
  return state;
}

}  // namespace orgd::domain
