#pragma once
// Billing: PUT /api/v1/organizations/{id}/billing-plan, GET · POST
// /api/v1/organizations/{id}/invoices, POST /api/v1/invoices/{id}/pay and /void.

#include "api/api_context.hpp"
#include "api/http/router.hpp"

namespace orgd::api {

void add_billing_routes(Router& router, ApiContext& context);

}  // namespace orgd::api
