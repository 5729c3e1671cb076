#include "domain/organization/organization_decisions.hpp"

#include <algorithm>

#include "domain/field_rules.hpp"
#include "domain/customer/customer.hpp"
#include "domain/organization/organization_access.hpp"
#include "domain/signup.hpp"

namespace orgd::domain {
namespace {

constexpr std::size_t kMaxNamePoints = 100;
constexpr std::size_t kMaxDescriptionPoints = 1000;

struct Fields {
  std::string_view name, description, status, locale, country, thumbnail_url;
};

void check_fields(FieldProblems& out, const Fields& f) {
  check_name(out, "name", f.name, kMaxNamePoints);
  check_text(out, "description", f.description, 0, kMaxDescriptionPoints);
  if (f.status != "active" && f.status != "inactive") {
    out.push_back({"status", "must be \"active\" or \"inactive\""});
  }
  check_locale(out, "locale", f.locale);
  check_country(out, "country", f.country);
  check_url(out, "thumbnailUrl", f.thumbnail_url);
}

// Adds events to `stream`, merging with an earlier write (or guard) on the same stream: the
// event store takes each stream once per append.
void write_to(Decision& decision, const std::string& stream, std::uint64_t version,
              std::vector<Event> events) {
  auto it = std::find_if(decision.writes.begin(), decision.writes.end(),
                         [&](const StreamWrite& w) { return w.stream_id == stream; });
  if (it == decision.writes.end()) {
    decision.writes.push_back({stream, version, std::move(events)});
    return;
  }
  for (auto& e : events) it->events.push_back(std::move(e));
}

void guard(Decision& decision, const std::string& stream, std::uint64_t version) {
  write_to(decision, stream, version, {});
}

// Checks that `chain` (a parent and its ancestors) can take a subtree of `height` levels
// without cycles, and reports problems on the parentId field.
std::optional<DomainError> check_parent(const AncestorChain& chain, std::string_view self_id,
                                        std::size_t height) {
  if (chain.empty() || !chain.front().exists()) {
    return invalid({{"parentId", "no such organization"}});
  }
  const bool cycle = std::any_of(chain.begin(), chain.end(),
                                 [&](const Organization& o) { return o.id == self_id; });
  if (cycle) {
    return invalid({{"parentId", "would make the organization its own ancestor"}});
  }
  // Default holds customers waiting for an organization, who see Default's subtree: a
  // tenant's organization placed there would be shown to all of them.
  if (std::ranges::any_of(chain, [](const Organization& o) { return o.is_default(); })) {
    return refused(DomainErrorCode::rule_violated, "default-organization",
                   "no organization is placed under the Default organization: the customers "
                   "waiting there would see it");
  }
  if (chain.size() + height > kMaxHierarchyDepth) {
    return invalid({{"parentId", "the hierarchy would be deeper than " +
                                     std::to_string(kMaxHierarchyDepth) + " levels"}});
  }
  return std::nullopt;
}

void attach_to_parent(Decision& d, const AncestorChain& chain, const std::string& child_id) {
  if (chain.empty()) return;
  write_to(d, organization_stream(chain.front().id), chain.front().version,
           {ChildOrganizationAdded{child_id}});
  for (std::size_t i = 1; i < chain.size(); ++i) {
    guard(d, organization_stream(chain[i].id), chain[i].version);
  }
}

void detach_from_parent(Decision& d, const AncestorChain& ancestors, const std::string& child_id) {
  if (ancestors.empty()) return;
  write_to(d, organization_stream(ancestors.front().id), ancestors.front().version,
           {ChildOrganizationRemoved{child_id}});
}

// The membership stream is written (or guarded) at the version read, so a customer joining
// meanwhile fails the delete instead of being left in a deleted organization.
void move_members_to_default(Decision& d, const std::string& organization_id,
                             const Membership& members) {
  std::vector<Event> left;
  std::vector<Event> joined;
  for (const auto& [customer_id, role] : members.members) {
    write_to(d, customer_stream(customer_id), kAnyVersion,
             {CustomerMoved{std::string(kDefaultOrganizationId), "member"}});
    left.emplace_back(MemberLeft{customer_id});
    joined.emplace_back(MemberJoined{customer_id, "member"});
  }
  write_to(d, members_stream(organization_id), members.version, std::move(left));
  if (!joined.empty()) {
    write_to(d, members_stream(kDefaultOrganizationId), kAnyVersion, std::move(joined));
  }
}

void rename_claims(Decision& d, std::string_view old_name, std::string_view new_name) {
  const std::string old_key = fold_case(old_name);
  const std::string new_key = fold_case(new_name);
  if (old_key == new_key) return;
  d.claims.push_back({std::string(kOrganizationNameScope), new_key, {}});
  d.releases.push_back({std::string(kOrganizationNameScope), old_key});
}

OrganizationUpdated patched(const Organization& current, const OrganizationPatch& p) {
  return {p.name.value_or(current.name),       p.description.value_or(current.description),
          p.parent_id.value_or(current.parent_id), p.status.value_or(current.status),
          p.locale.value_or(current.locale),   p.country.value_or(current.country),
          p.thumbnail_url.value_or(current.thumbnail_url)};
}

bool same_as(const Organization& c, const OrganizationUpdated& u) {
  return u == OrganizationUpdated{c.name,   c.description, c.parent_id,    c.status,
                                  c.locale, c.country,     c.thumbnail_url};
}

std::size_t subtree_height(const std::vector<Descendant>& descendants) {
  std::size_t below = 0;
  for (const auto& d : descendants) below = std::max(below, d.depth_below);
  return below + 1;
}

DomainError not_found(std::string_view id) {
  return refused(DomainErrorCode::not_found, "not-found",
                 "organization " + std::string(id) + " does not exist");
}

}  // namespace

bool moves_parent(const Organization& current, const OrganizationPatch& patch) {
  return patch.parent_id.has_value() && *patch.parent_id != current.parent_id;
}

std::expected<Decision, DomainError> decide(const Organization& existing,
                                            const CreateOrganization& c, const Caller& caller,
                                            const AncestorChain& parent_chain) {
  FieldProblems problems;
  check_fields(problems, {c.name, c.description, c.status, c.locale, c.country, c.thumbnail_url});
  check_slug(problems, "billingPlan", c.billing_plan, 64);
  // As ChangeBillingPlan: an empty plan was recorded, and shown as null.
  if (c.billing_plan.empty()) problems.push_back({"billingPlan", "must not be empty"});
  if (!problems.empty()) return std::unexpected(invalid(std::move(problems)));
  if (existing.version != 0) {
    return std::unexpected(refused(DomainErrorCode::already_exists, "organization-id-taken",
                                   "an organization with id " + c.id + " already exists"));
  }
  const bool visible_parent =
      c.parent_id.empty() || can_view(caller, c.parent_id, parent_chain);
  if (!c.parent_id.empty()) {
    // A parent outside the caller's reach is reported exactly like an unknown one.
    if (!visible_parent) return std::unexpected(invalid({{"parentId", "no such organization"}}));
    if (auto problem = check_parent(parent_chain, c.id, 1)) return std::unexpected(*problem);
  }
  if (!can_create_under(caller, c.parent_id, parent_chain)) {
    return std::unexpected(refused(DomainErrorCode::forbidden, "forbidden",
                                   "only a SuperAdmin, or an owner for a child organization "
                                   "within its own subtree, may create organizations"));
  }
  // As ChangeBillingPlan: a SuperAdmin or the organization's owners, and a new one has none
  // yet (a parent's owner set it here and could never change it after).
  if (c.billing_plan != kDefaultBillingPlan && !caller.is_superadmin()) {
    return std::unexpected(refused(DomainErrorCode::forbidden, "forbidden",
                                   "only a SuperAdmin sets the billing plan of a new "
                                   "organization; its owners choose it afterwards"));
  }
  Decision d;
  write_to(d, organization_stream(c.id), 0,
           {OrganizationCreated{c.id, c.name, c.description, c.parent_id, c.status, c.locale,
                                c.country, c.thumbnail_url, c.billing_plan}});
  attach_to_parent(d, parent_chain, c.id);
  d.claims.push_back({std::string(kOrganizationNameScope), fold_case(c.name),
                      organization_stream(c.id)});
  add_global_groups(d, c.id, c.customers_group_id, c.things_group_id, "");
  return d;
}

std::expected<Decision, DomainError> decide(const Organization& current,
                                            const UpdateOrganization& c, const Caller& caller,
                                            const AncestorChain& ancestors,
                                            const MoveContext* move) {
  if (!current.exists() || !can_view(caller, current.id, ancestors)) {
    return std::unexpected(not_found(c.id));
  }
  if (!can_manage(caller, current.id, ancestors)) {
    return std::unexpected(refused(DomainErrorCode::forbidden, "forbidden",
                                   "only a SuperAdmin or the organization's owners and admins "
                                   "may change it"));
  }
  if (c.expected_version != current.version) {
    return std::unexpected(
        refused(DomainErrorCode::version_conflict, "version-conflict",
                "updateVersion " + std::to_string(c.expected_version) +
                    " is not the current version; the organization is at version " +
                    std::to_string(current.version)));
  }
  const OrganizationUpdated next = patched(current, c.patch);
  FieldProblems problems;
  check_fields(problems, {next.name, next.description, next.status, next.locale, next.country,
                          next.thumbnail_url});
  if (!problems.empty()) return std::unexpected(invalid(std::move(problems)));
  const bool moving = next.parent_id != current.parent_id;
  const bool renaming = next.name != current.name;
  if (current.is_default() && (moving || renaming)) {
    return std::unexpected(refused(DomainErrorCode::rule_violated, "default-organization",
                                   "the Default organization cannot be renamed or moved"));
  }
  Decision d;
  if (same_as(current, next)) return d;  // nothing changes: no event, version stays
  if (moving && move == nullptr) {
    return std::unexpected(invalid({{"parentId", "move context missing"}}));
  }
  const std::uint64_t written_at =
      moving ? std::min(current.version, move->listed_at) : current.version;
  write_to(d, organization_stream(current.id), written_at, {next});
  if (moving) {
    if (!next.parent_id.empty()) {
      if (!can_view(caller, next.parent_id, move->new_ancestors) ||
          !can_manage(caller, next.parent_id, move->new_ancestors)) {
        return std::unexpected(invalid({{"parentId", "no such organization"}}));
      }
      const std::size_t height = subtree_height(move->descendants);
      if (auto problem = check_parent(move->new_ancestors, current.id, height)) {
        return std::unexpected(*problem);
      }
    } else if (!caller.is_superadmin()) {
      return std::unexpected(refused(DomainErrorCode::forbidden, "forbidden",
                                     "only a SuperAdmin may make an organization top-level"));
    }
    detach_from_parent(d, ancestors, current.id);
    attach_to_parent(d, move->new_ancestors, current.id);
    for (const auto& below : move->descendants) {
      guard(d, organization_stream(below.id), below.version);
    }
  }
  if (renaming) rename_claims(d, current.name, next.name);
  return d;
}

std::expected<Decision, DomainError> decide(const Organization& current,
                                            const DeleteOrganization& c, const Caller& caller,
                                            const AncestorChain& ancestors,
                                            const Membership& members) {
  if (!current.exists() || !can_view(caller, current.id, ancestors)) {
    return std::unexpected(not_found(c.id));
  }
  if (!can_delete(caller, current.id)) {
    return std::unexpected(refused(DomainErrorCode::forbidden, "forbidden",
                                   "only a SuperAdmin or an owner of the organization may "
                                   "delete it"));
  }
  if (c.expected_version != 0 && c.expected_version != current.version) {
    return std::unexpected(refused(DomainErrorCode::version_conflict, "version-conflict",
                                   "the organization is at version " +
                                       std::to_string(current.version)));
  }
  if (current.is_default()) {
    return std::unexpected(refused(DomainErrorCode::rule_violated, "default-organization",
                                   "the Default organization cannot be deleted"));
  }
  if (current.child_count > 0) {
    return std::unexpected(refused(DomainErrorCode::rule_violated, "has-children",
                                   "the organization still has " +
                                       std::to_string(current.child_count) +
                                       " child organization(s)"));
  }
  if (members.members.size() > kMaxMembersMovedOnDelete) {
    return std::unexpected(refused(DomainErrorCode::rule_violated, "too-many-members",
                                   "remove members until at most " +
                                       std::to_string(kMaxMembersMovedOnDelete) +
                                       " are left, then delete"));
  }
  Decision d;
  write_to(d, organization_stream(current.id), current.version,
           {OrganizationDeleted{current.name}});
  detach_from_parent(d, ancestors, current.id);
  move_members_to_default(d, current.id, members);
  d.releases.push_back({std::string(kOrganizationNameScope), fold_case(current.name)});
  return d;
}

}  // namespace orgd::domain
