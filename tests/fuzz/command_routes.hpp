#pragma once
// Every command route that reads a JSON body, for the command_bodies fuzz target and for the
// seed-corpus generator (an input's first byte is an index into kCommandRoutes, so the two
// must agree). command_bodies_fuzz.cpp refuses to run when the server has a POST/PUT/PATCH
// route that is in neither list below: a new command gets fuzzed, or is listed as bodiless.
//
// Path parameters are filled with ids of entities the target creates at start-up: {id} with
// the one of the collection named by the segment before it ("organizations/{id}" an
// organization), {customerId} with the customer. Seed bodies use the same entities through
// placeholders, which the target replaces in every body: $ORG, $CUSTOMER, $GROUP, $CONTRACT.

#include <array>
#include <string_view>

namespace orgd::fuzz {

struct CommandRoute {
  std::string_view method;
  std::string_view path_template;  // as registered with the Router
  bool anonymous;                  // sent without the caller's token
  std::string_view seed_body;      // a body the route accepts
};

// Append only: reordering would point the committed seeds at other routes.
inline constexpr std::array kCommandRoutes = {
    CommandRoute{"POST", "/api/v1/sessions", true,
                 R"({"email":"root@fuzz.test","password":"fuzz admin password"})"},
    CommandRoute{"POST", "/api/v1/signup", true,
                 R"({"organizationName":"Signed Up","organizationDescription":"d",)"
                 R"("firstName":"S","lastName":"U","userDescription":"",)"
                 R"("userEmailAddress":"new@fuzz.test","userPassword":"password-1",)"
                 R"("agreeToTermsAndPolicies":1})"},
    CommandRoute{"POST", "/api/v1/customers", false,
                 R"({"email":"c@fuzz.test","password":"password-2","firstName":"C",)"
                 R"("lastName":"D","organizationId":"$ORG","role":"admin","locale":"de-DE",)"
                 R"("country":null,"description":"x"})"},
    CommandRoute{"PATCH", "/api/v1/customers/{id}", false,
                 R"({"firstName":"New","description":null,"updateVersion":1,"id":"$CUSTOMER"})"},
    CommandRoute{"POST", "/api/v1/organizations", false,
                 R"({"name":"Child","description":"d","parentId":"$ORG","status":"active",)"
                 R"("locale":"en","country":"DE","thumbnailUrl":null,"billingPlan":"free"})"},
    CommandRoute{"PUT", "/api/v1/organizations/{id}", false,
                 R"({"name":"Renamed","parentId":null,"status":"inactive","memberCount":3,)"
                 R"("updateVersion":1})"},
    CommandRoute{"POST", "/api/v1/organizations/{id}/members", false,
                 R"({"customerId":"$CUSTOMER"})"},
    CommandRoute{"PUT", "/api/v1/organizations/{id}/members/{customerId}/role", false,
                 R"({"role":"admin"})"},
    CommandRoute{"POST", "/api/v1/organizations/{id}/groups", false,
                 R"({"name":"Testers","kind":"things"})"},
    CommandRoute{"POST", "/api/v1/groups/{id}/members", false, R"({"memberId":"$CUSTOMER"})"},
    CommandRoute{"POST", "/api/v1/contracts", false,
                 R"({"title":"Terms","text":"All of it.","url":null,"version":"2026-01"})"},
    CommandRoute{"POST", "/api/v1/contracts/{id}/versions", false,
                 R"({"title":"Terms","url":"https://example.org/t","version":"2026-02"})"},
    CommandRoute{"POST", "/api/v1/contracts/{id}/accept", false,
                 R"({"onBehalfOfOrganization":false})"},
    CommandRoute{"POST", "/api/v1/organizations/{id}/contracts", false,
                 R"({"contractId":"$CONTRACT"})"},
    CommandRoute{"PUT", "/api/v1/organizations/{id}/billing-plan", false,
                 R"({"billingPlan":"pro"})"},
    CommandRoute{"POST", "/api/v1/organizations/{id}/invoices", false,
                 R"({"period":"2026-11","amount":4999,"currency":"EUR"})"},
    CommandRoute{"POST", "/api/v1/resources", false,
                 R"({"kind":"app-backend","name":"Backend","description":"b",)"
                 R"("attributes":{"active":{"dev":true,"staging":false,"live":true}}})"},
    CommandRoute{"PUT", "/api/v1/resources/{id}", false,
                 R"({"name":"Data 2","rotateApiKey":true,"updateVersion":1,)"
                 R"("attributes":{"active":{"dev":false}}})"},
    CommandRoute{"POST", "/api/v1/resources/{id}/grants", false,
                 R"({"principalType":"group","principalId":"$GROUP","permission":"write"})"},
    CommandRoute{"POST", "/api/v1/resources/{id}/owner", false, R"({"customerId":"$CUSTOMER"})"},
    // Without a token, creating a customer is signing up, with the signup body.
    CommandRoute{"POST", "/api/v1/customers", true,
                 R"({"organizationName":"Anonymous","firstName":"A","lastName":"N",)"
                 R"("userEmailAddress":"anon@fuzz.test","userPassword":"password-3",)"
                 R"("agreeToTermsAndPolicies":1})"},
};

// POST/PUT/PATCH routes that read no body (their input is the path alone).
inline constexpr std::array<std::string_view, 3> kBodilessCommands = {
    "/api/v1/invoices/{id}/pay", "/api/v1/invoices/{id}/void",
    "/api/v1/projections/{name}/rebuild"};

}  // namespace orgd::fuzz
