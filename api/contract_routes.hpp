#pragma once
// /api/v1/contracts and /api/v1/organizations/{id}/contracts: publish, new versions, read,
// assign, unassign, acceptance status, accept. Reading and accepting pass the contract gate (a
// customer held up by contracts must be able to read and accept them).

#include "api/api_context.hpp"
#include "api/http/router.hpp"

namespace orgd::api {

void add_contract_routes(Router& router, ApiContext& context);

}  // namespace orgd::api
