#include "api/organization_listing.hpp"

#include "api/error_responses.hpp"
#include "api/http/problem.hpp"
#include "api/ids.hpp"
#include "api/representations.hpp"
#include "api/route_support.hpp"
#include "domain/customer/customer_access.hpp"
#include "domain/field_rules.hpp"
#include "domain/organization/organization_access.hpp"

namespace orgd::api {
namespace {

using projections::OrganizationListQuery;
using projections::OrganizationSort;

constexpr std::size_t kMaxQueryPoints = 100;

std::expected<void, HttpResponse> read_filters(const HttpRequest& request, const QueryParams& query,
                                               OrganizationListQuery& q) {
  if (auto status = query.get("status")) {
    if (*status != "active" && *status != "inactive") {
      return std::unexpected(
          bad_request_response(request, "status", "must be \"active\" or \"inactive\""));
    }
    q.status = std::string(*status);
  }
  if (auto prefix = query.get("q")) {
    if (domain::code_points(*prefix) > kMaxQueryPoints) {
      return std::unexpected(bad_request_response(request, "q", "must have at most 100 characters"));
    }
    q.name_prefix = std::string(*prefix);
  }
  if (auto sort = query.get("sort")) {
    std::string_view s = *sort;
    q.descending = s.starts_with('-');
    if (q.descending) s.remove_prefix(1);
    if (s == "name") {
      q.sort = OrganizationSort::name;
    } else if (s == "createdTime") {
      q.sort = OrganizationSort::created;
    } else {
      return std::unexpected(bad_request_response(
          request, "sort", "must be name, -name, createdTime or -createdTime"));
    }
  }
  return {};
}

std::expected<std::optional<std::string>, HttpResponse> read_parent(const HttpRequest& request,
                                                                    const QueryParams& query) {
  auto parent = query.get("parentId");
  if (!parent) return std::optional<std::string>{};
  if (*parent == "null") return std::optional<std::string>{std::string()};
  if (!is_uuid(*parent)) {
    return std::unexpected(
        bad_request_response(request, "parentId", "must be an organization id or null"));
  }
  std::string id(*parent);
  canonicalize_id(id);
  return std::optional<std::string>{std::move(id)};
}

// The stored documents joined into the page's body: nothing is decoded or rendered but a
// document whose memberCount the caller may not see (organization_body_for).
HttpResponse page_response(const domain::Caller& caller, projections::OrganizationDocumentPage page,
                           std::uint64_t page_size) {
  if (!domain::can_count_all_it_sees(caller)) {
    for (auto& document : page.rows) document = organization_body_for(caller, std::move(document));
  }
  auto frame =
      page_body_frame("organizations", {page.page, page_size, page.total, page.next_cursor});
  std::size_t size = frame.head.size() + page.rows.size() + frame.tail.size();
  for (const auto& document : page.rows) size += document.size();
  std::string body = std::move(frame.head);
  body.reserve(size);
  for (std::size_t i = 0; i < page.rows.size(); ++i) {
    if (i > 0) body += ',';
    body += page.rows[i];
  }
  body += frame.tail;
  return json_response(200, std::move(body));
}

// The caller's own organization as the whole listing, when it is the one organization within
// reach under `q.parent_id` ("" = top level) and matches the filters; else an empty page.
HttpResponse own_organization_page(const ApiContext& context, const HttpRequest& request,
                                   const domain::Caller& caller, const OrganizationListQuery& q) {
  auto own = context.organizations.get(caller.organization_id);
  if (!own) return unavailable_response(request, own.error().message);
  projections::OrganizationDocumentPage page{{}, q.page, 0, {}};
  const bool matches =
      *own && (*own)->parent_id == *q.parent_id && (!q.status || (*own)->status == *q.status) &&
      domain::fold_case((*own)->name).starts_with(domain::fold_case(q.name_prefix));
  if (matches) {
    page.total = 1;
    if (q.page == 1 && q.cursor.empty()) page.rows.push_back(organization_body(**own));
  }
  return page_response(caller, std::move(page), q.page_size);
}

}  // namespace

domain::AncestorChain ancestor_chain(const std::vector<std::string>& ancestor_ids) {
  domain::AncestorChain chain;
  for (const auto& a : ancestor_ids) chain.push_back(domain::Organization{.id = a});
  return chain;
}

bool visible_to(const domain::Caller& caller, const std::string& id,
                const std::vector<std::string>& ancestor_ids) {
  return domain::can_view(caller, id, ancestor_chain(ancestor_ids));
}

HttpResponse list_organizations(const ApiContext& context, const HttpRequest& request,
                                const domain::Caller& caller,
                                const std::optional<std::string>& fixed_parent) {
  auto query = query_of(request);
  if (!query) return query.error();
  auto paging = page_params(request, *query);
  if (!paging) return paging.error();
  OrganizationListQuery q;
  q.page = paging->page;
  q.page_size = paging->page_size;
  q.cursor = paging->cursor;
  q.most_matches_by_creation = context.options.most_matches_by_creation;
  if (auto filters = read_filters(request, *query, q); !filters) return filters.error();
  if (fixed_parent) {
    q.parent_id = fixed_parent;
  } else {
    auto parent = read_parent(request, *query);
    if (!parent) return parent.error();
    q.parent_id = *parent;
  }
  const bool platform = caller.platform_role != domain::PlatformRole::none;
  if (!platform) {
    if (q.parent_id && !q.parent_id->empty()) {
      // Children of a visible parent are all within reach; of an invisible one, only the
      // caller's own organization can be (its siblings are out of reach).
      auto parent = context.organizations.get(*q.parent_id);
      if (!parent) return unavailable_response(request, parent.error().message);
      if (!*parent || !visible_to(caller, (*parent)->id, (*parent)->ancestors)) {
        return own_organization_page(context, request, caller, q);
      }
    } else if (q.parent_id) {
      // "Top-level within my reach" is my own organization if it is top-level; the subtree
      // scope plus parent "" cannot be expressed as one index, so it is answered directly.
      return own_organization_page(context, request, caller, q);
    } else {
      q.subtree_root = caller.organization_id;
    }
  }
  auto page = context.organizations.list_documents(q);
  if (!page) {
    if (page.error().code == projections::QueryErrorCode::invalid_cursor) {
      return foreign_cursor_response(request);
    }
    if (page.error().code == projections::QueryErrorCode::too_many_matches) {
      return bad_request_response(request, "q", page.error().message);
    }
    return unavailable_response(request, page.error().message);
  }
  return page_response(caller, std::move(*page), q.page_size);
}

}  // namespace orgd::api
