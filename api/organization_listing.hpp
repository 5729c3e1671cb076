#pragma once
// GET /organizations and /organizations/{id}/children: query parameters to a read-model query,
// with the caller's reach applied.

#include <expected>
#include <optional>
#include <string>

#include "api/api_context.hpp"
#include "api/http/http_types.hpp"
#include "domain/caller.hpp"
#include "domain/organization/organization_commands.hpp"

namespace orgd::api {

// Answers a listing. `fixed_parent` is set for /children (then parentId is not a parameter).
[[nodiscard]] HttpResponse list_organizations(const ApiContext& context, const HttpRequest& request,
                                              const domain::Caller& caller,
                                              const std::optional<std::string>& fixed_parent);

// A read-model row's ancestor ids as the domain's access rules take them.
[[nodiscard]] domain::AncestorChain ancestor_chain(const std::vector<std::string>& ancestor_ids);

// True when the caller may see the organization with this read-model row id and ancestors.
[[nodiscard]] bool visible_to(const domain::Caller& caller, const std::string& id,
                              const std::vector<std::string>& ancestor_ids);

}  // namespace orgd::api
