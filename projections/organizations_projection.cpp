#include "projections/organizations_projection.hpp"

#include <algorithm>
#include <deque>
#include <optional>

#include "domain/organization/organization.hpp"
#include "projections/counted_index.hpp"
#include "projections/organization_document.hpp"
#include "projections/organization_keys.hpp"

namespace orgd::projections {
namespace {

using Result = std::expected<void, std::string>;
constexpr OrganizationSort kSorts[] = {OrganizationSort::name, OrganizationSort::created};

std::expected<std::optional<OrganizationRow>, std::string> load(ReadModelBatch& batch,
                                                                std::string_view id) {
  auto bytes = batch.get(organization_row_key(id));
  if (!bytes) return std::unexpected(bytes.error());
  if (!*bytes) return std::optional<OrganizationRow>{};
  auto row = decode_organization_row(**bytes);
  if (!row) return std::unexpected(row.error());
  return std::optional<OrganizationRow>{std::move(*row)};
}

std::expected<OrganizationRow, std::string> load_existing(ReadModelBatch& batch,
                                                          std::string_view id) {
  auto row = load(batch, id);
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::unexpected("organization " + std::string(id) + " has no row");
  return std::move(**row);
}

// The row; its document follows in finish().
void put_row(ReadModelBatch& batch, const OrganizationRow& row) {
  batch.put(organization_row_key(row.id), encode_row(row));
  batch.touch(row.id);
}

// Every index entry of the row: both orders of every scope it is listed in.
std::vector<CountedKey> index_keys(const OrganizationRow& row) {
  std::vector<CountedKey> keys;
  for (const auto& scope : organization_scopes(row)) {
    for (auto sort : kSorts) {
      keys.push_back(
          {organization_index_prefix(scope, sort), organization_index_suffix(sort, row)});
    }
  }
  return keys;
}

// What every index entry of the row holds: where its document is (organization_keys.hpp). The
// documented index's own entry gets its document in finish().
std::string document_suffix(const OrganizationRow& row) {
  return organization_index_suffix(OrganizationSort::name, row);
}

Result unindex(ReadModelBatch& batch, const OrganizationRow& row) {
  return replace_counted(batch, index_keys(row), {}, document_suffix(row));
}

// A created row's keys end with its new id (or creation position): none can be in an index
// yet. The indexes of its own subtree do not exist yet at all (children come later).
Result index_new(ReadModelBatch& batch, const OrganizationRow& row) {
  const std::string own[] = {scope_subtree(row.id), scope_subtree_status(row.id, row.status)};
  const std::string where = document_suffix(row);
  std::vector<CountedKey> listed;
  for (const auto& scope : organization_scopes(row)) {
    const bool is_own = std::ranges::find(own, scope) != std::end(own);
    for (auto sort : kSorts) {
      auto prefix = organization_index_prefix(scope, sort);
      auto suffix = organization_index_suffix(sort, row);
      if (is_own) {
        start_counted(batch, prefix, suffix, where);
      } else {
        listed.push_back({std::move(prefix), std::move(suffix)});
      }
    }
  }
  return index_new_counted(batch, std::move(listed), where);
}

// Only the entries that change move: a rename leaves the creation-order entries where they
// are, and only tells them where the document went.
Result replace(ReadModelBatch& batch, const OrganizationRow& before, const OrganizationRow& after) {
  const bool reindex = before.name != after.name || before.status != after.status ||
                       before.parent_id != after.parent_id || before.ancestors != after.ancestors;
  if (reindex) {
    const std::string where = document_suffix(after);
    auto kept = index_keys(after);
    if (auto r = replace_counted(batch, index_keys(before), kept, where); !r) return r;
    // A rename moves the document: the entries that stay must say where it went.
    if (document_suffix(before) != where) {
      for (const auto& key : kept) revalue_counted(batch, key.prefix, key.suffix, where);
    }
  }
  put_row(batch, after);
  return {};
}

std::expected<std::vector<std::string>, std::string> ancestors_below(ReadModelBatch& batch,
                                                                    std::string_view parent_id) {
  if (parent_id.empty()) return std::vector<std::string>{};
  auto parent = load_existing(batch, parent_id);
  if (!parent) return std::unexpected(parent.error());
  std::vector<std::string> chain{std::string(parent_id)};
  chain.insert(chain.end(), parent->ancestors.begin(), parent->ancestors.end());
  return chain;
}

// After a move, every organization below `root` has a new ancestor list.
Result reparent_descendants(ReadModelBatch& batch, const OrganizationRow& root) {
  std::deque<OrganizationRow> pending{root};
  while (!pending.empty()) {
    const OrganizationRow parent = std::move(pending.front());
    pending.pop_front();
    std::vector<std::string> child_ids;
    const std::string prefix =
        organization_index_prefix(scope_parent(parent.id), OrganizationSort::created);
    auto scanned = batch.scan_prefix(prefix, [&](std::string_view, std::string_view where) {
      child_ids.emplace_back(id_of_document_suffix(where));
      return true;
    });
    if (!scanned) return scanned;
    for (const auto& child_id : child_ids) {
      auto child = load_existing(batch, child_id);
      if (!child) return std::unexpected(child.error());
      OrganizationRow moved = *child;
      moved.ancestors = {parent.id};
      moved.ancestors.insert(moved.ancestors.end(), parent.ancestors.begin(),
                             parent.ancestors.end());
      if (auto r = replace(batch, *child, moved); !r) return r;
      pending.push_back(std::move(moved));
    }
  }
  return {};
}

void touch(OrganizationRow& row, const eventstore::Envelope& envelope) {
  row.version = envelope.version;
  row.updated_ms = envelope.timestamp_ms;
  row.updated_by = envelope.actor;
}

Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::OrganizationCreated& e) {
  auto ancestors = ancestors_below(batch, e.parent_id);
  if (!ancestors) return std::unexpected(ancestors.error());
  OrganizationRow row{e.id, e.name, e.description, e.parent_id, e.status, e.locale, e.country,
                      e.thumbnail_url, e.billing_plan, 0, 0, envelope.timestamp_ms,
                      envelope.timestamp_ms, envelope.actor, envelope.actor, envelope.version,
                      envelope.position, std::move(*ancestors)};
  if (auto r = index_new(batch, row); !r) return r;
  put_row(batch, row);
  return {};
}

std::string id_of_stream(std::string_view stream) {
  constexpr std::string_view kPrefix = "organization-";
  return std::string(stream.substr(stream.starts_with(kPrefix) ? kPrefix.size() : 0));
}

Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::OrganizationUpdated& e) {
  auto before = load_existing(batch, id_of_stream(envelope.stream_id));
  if (!before) return std::unexpected(before.error());
  OrganizationRow after = *before;
  after.name = e.name;
  after.description = e.description;
  after.status = e.status;
  after.locale = e.locale;
  after.country = e.country;
  after.thumbnail_url = e.thumbnail_url;
  touch(after, envelope);
  const bool moved = e.parent_id != before->parent_id;
  if (moved) {
    auto ancestors = ancestors_below(batch, e.parent_id);
    if (!ancestors) return std::unexpected(ancestors.error());
    after.parent_id = e.parent_id;
    after.ancestors = std::move(*ancestors);
  }
  if (auto r = replace(batch, *before, after); !r) return r;
  return moved ? reparent_descendants(batch, after) : Result{};
}

Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::OrganizationDeleted&) {
  auto row = load_existing(batch, id_of_stream(envelope.stream_id));
  if (!row) return std::unexpected(row.error());
  if (auto r = unindex(batch, *row); !r) return r;
  batch.erase(organization_row_key(row->id));
  batch.touch(row->id);
  return {};
}

Result adjust_children(ReadModelBatch& batch, const eventstore::Envelope& envelope, int delta) {
  auto row = load_existing(batch, id_of_stream(envelope.stream_id));
  if (!row) return std::unexpected(row.error());
  row->child_count = static_cast<std::uint64_t>(static_cast<std::int64_t>(row->child_count) + delta);
  touch(*row, envelope);
  put_row(batch, *row);
  return {};
}

Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::ChildOrganizationAdded&) {
  return adjust_children(batch, envelope, 1);
}

Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::ChildOrganizationRemoved&) {
  return adjust_children(batch, envelope, -1);
}

// Platform accounts register with their role, and never change it nor leave Default.
Result on(ReadModelBatch& batch, const eventstore::Envelope&, const domain::CustomerRegistered& e) {
  if (!e.platform_role.empty()) batch.put(platform_account_key(e.id), "");
  return {};
}

// Membership lives on "members-<id>", not the organization's own stream: no version bump.
// A platform account's membership of Default is not counted: no listing shows it as a member.
Result adjust_members(ReadModelBatch& batch, const eventstore::Envelope& envelope,
                      std::string_view customer_id, int delta) {
  constexpr std::string_view kPrefix = "members-";
  auto platform_account = batch.get(platform_account_key(customer_id));
  if (!platform_account) return std::unexpected(platform_account.error());
  if (*platform_account) return {};
  auto row = load(batch, std::string_view(envelope.stream_id).substr(kPrefix.size()));
  if (!row) return std::unexpected(row.error());
  // Members leaving a deleted organization (moved to Default in the same append) have no row
  // to count against.
  if (!*row) return {};
  (*row)->member_count =
      static_cast<std::uint64_t>(static_cast<std::int64_t>((*row)->member_count) + delta);
  put_row(batch, **row);
  return {};
}

Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::MemberJoined& e) {
  return adjust_members(batch, envelope, e.customer_id, 1);
}

Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::MemberLeft& e) {
  return adjust_members(batch, envelope, e.customer_id, -1);
}

Result on(ReadModelBatch& batch, const eventstore::Envelope& envelope,
          const domain::BillingPlanChanged& e) {
  auto row = load_existing(batch, id_of_stream(envelope.stream_id));
  if (!row) return std::unexpected(row.error());
  row->billing_plan = e.billing_plan;
  touch(*row, envelope);
  put_row(batch, *row);
  return {};
}

template <class Other>
Result on(ReadModelBatch&, const eventstore::Envelope&, const Other&) {
  return {};
}

}  // namespace

std::expected<void, std::string> OrganizationsProjection::apply(
    const eventstore::Envelope& envelope, const domain::Event& event, ReadModelBatch& batch) {
  return std::visit([&](const auto& e) { return on(batch, envelope, e); }, event);
}

// Each changed row's document, rendered once from the row as the run leaves it, into its entry
// of the documented index (organization_keys.hpp). Every row is listed there (its scope holds
// every organization), so apply() put or kept the entry; a deleted row's went with it.
std::expected<void, std::string> OrganizationsProjection::finish(ReadModelBatch& batch) {
  const std::string documented = documented_index_prefix();
  for (const auto& id : batch.take_touched()) {
    auto row = load(batch, id);
    if (!row) return std::unexpected(row.error());
    if (!*row) continue;
    revalue_counted(batch, documented, document_suffix(**row),
                    documented_entry(id, organization_document(**row)));
  }
  return {};
}

}  // namespace orgd::projections
