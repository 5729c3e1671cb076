// The OpenAPI document against the server: the routes it registers and the operations the
// document describes are the same set; every JSON answer any end-to-end test receives (this
// file installs a process-wide check) conforms to the schema documented for its status; a
// tour calls every documented operation successfully; Redocly's recommended rules find no
// error; Swagger UI at /apidocs renders the organization operations in headless Chromium.

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <mutex>
#include <set>

#include "api/http/router.hpp"
#include "api/openapi_document.hpp"
#include "tests/e2e/openapi_validator.hpp"
#include "tests/e2e/orgd_fixture.hpp"
#include "tests/e2e/secret_scan.hpp"
#include "tests/e2e/subprocess.hpp"

namespace orgd::e2e {
namespace {

const OpenApiDocument& document() {
  static const OpenApiDocument kDocument(api::openapi_document());
  return kDocument;
}

// (METHOD, documented path, status) of every answer checked so far, for the tour.
struct Seen {
  std::mutex mutex;
  std::set<std::tuple<std::string, std::string, int>> answers;
};
Seen& seen() {
  static Seen instance;
  return instance;
}

// Checks every answer of every end-to-end test in this process against the document, and
// that none carries a secret (secret_scan.hpp).
class OpenApiConformance : public ::testing::Environment {
 public:
  void SetUp() override {
    test::set_response_observer([](std::string_view method, std::string_view target,
                                   const test::HttpResult& result) {
      const auto problems = document().check_response(method, target, result.status,
                                                      result.header("Content-Type"), result.body);
      for (const auto& problem : problems) ADD_FAILURE() << "OpenAPI: " << problem;
      SecretScan::instance().check(method, target, result);
      const std::string_view path = target.substr(0, target.find('?'));
      if (auto templ = document().match_path(path)) {
        std::lock_guard lock(seen().mutex);
        seen().answers.emplace(std::string(method), *templ, result.status);
      }
    });
  }
  void TearDown() override { test::set_response_observer({}); }
};
[[maybe_unused]] const auto* const kConformance =
    ::testing::AddGlobalTestEnvironment(new OpenApiConformance);

class OpenApi : public OrgdTest {};

TEST_F(OpenApi, TheDocumentDescribesExactlyTheRoutesTheServerRegisters) {
  std::set<std::pair<std::string, std::string>> served;
  for (const auto& [method, templ] : app_->routes())
    served.emplace(api::method_name(method), templ);
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& operation : document().operations()) documented.insert(operation);
  for (const auto& [method, templ] : served) {
    EXPECT_TRUE(documented.contains({method, templ})) << "not documented: " << method << " " << templ;
  }
  for (const auto& [method, templ] : documented) {
    EXPECT_TRUE(served.contains({method, templ})) << "not served: " << method << " " << templ;
  }
}

TEST_F(OpenApi, ServesTheDocumentItWasBuiltFrom) {
  auto r = client_->request("GET", "/openapi.json");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(r.body, read_text(std::filesystem::path(ORGD_SOURCE_DIR) / "api/openapi/openapi.json"));
  const auto parsed = json(r);
  EXPECT_EQ(parsed.at("openapi"), "3.1.0");
}

TEST_F(OpenApi, TheCheckerRejectsWhatTheDocumentDoesNotSay) {
  const auto& doc = document();
  const std::string org = R"({"id":"0190f2a4-5b6c-7d8e-9f01-23456789abcd","name":"A"})";
  EXPECT_FALSE(doc.check_response("GET", "/api/v1/organizations/x", 200, "application/json", org)
                   .empty())
      << "required fields are missing";
  EXPECT_FALSE(doc.check_response("GET", "/healthz", 200, "application/json",
                                  R"({"status":"ok","extra":1})")
                   .empty())
      << "an undocumented field";
  EXPECT_FALSE(doc.check_response("GET", "/healthz", 418, "application/problem+json", "{}").empty())
      << "an undocumented status";
  EXPECT_FALSE(doc.check_response("GET", "/readyz", 200, "application/json",
                                  R"({"status":"maybe","projections":[]})")
                   .empty())
      << "a value outside the enum";
  EXPECT_TRUE(doc.check_response("GET", "/healthz?x=1", 200, "application/json",
                                 R"({"status":"ok"})")
                  .empty());
  EXPECT_EQ(doc.match_path("/api/v1/sessions/current"), "/api/v1/sessions/current");
  EXPECT_EQ(doc.match_path("/api/v1/customers/abc/history"), "/api/v1/customers/{id}/history");
  EXPECT_EQ(doc.match_path("/api/v1/nothing"), std::nullopt);
}

// Calls every documented operation so that each answers a documented success at least once
// (the environment above validates each body on the way).
TEST_F(OpenApi, EveryDocumentedOperationAnswersAsDocumented) {
  {
    std::lock_guard lock(seen().mutex);
    seen().answers.clear();
  }
  const auto ok = [](const test::HttpResult& r, int status) {
    EXPECT_EQ(r.status, status) << r.body;
    return r;
  };
  const test::Headers json_type{{"Content-Type", "application/json"}};
  // Public operations.
  ok(client_->request("GET", "/healthz"), 200);
  ok(client_->request("GET", "/readyz"), 200);
  ok(client_->request("GET", "/metrics"), 200);
  ok(client_->request("GET", "/openapi.json"), 200);
  ok(client_->request("GET", "/apidocs"), 200);
  ok(client_->request("GET", "/apidocs/swagger-ui.css"), 200);
  const Account owner = signup("Toured", "owner@toured.test");
  auto via_customers = client_->request(
      "POST", "/api/v1/customers",
      R"({"organizationName":"Toured Too","organizationDescription":"","firstName":"A","lastName":"B","userDescription":"","userEmailAddress":"second@toured.test","userPassword":"password-second","agreeToTermsAndPolicies":1})",
      json_type);
  ok(via_customers, 201);
  token_ = login();  // POST /sessions

  // Organizations.
  ok(call("GET", "/api/v1/me"), 200);
  const auto parent = create_org("Tour Parent");
  const std::string parent_id(parent.at("id").as_string());
  const auto child = create_org("Tour Child", parent_id);
  const std::string child_id(child.at("id").as_string());
  ok(call("GET", "/api/v1/organizations?pageSize=2&sort=-name"), 200);
  ok(call("GET", "/api/v1/organizations/" + parent_id), 200);
  ok(call("GET", "/api/v1/organizations/" + parent_id + "?asOf=1"), 404);
  ok(call("GET", "/api/v1/organizations/" + parent_id + "?asOf=" + std::to_string(head())), 200);
  ok(call("PUT", "/api/v1/organizations/" + parent_id, R"({"description":"toured","updateVersion":2})"),
     200);
  ok(call("GET", "/api/v1/organizations/" + parent_id + "/children"), 200);
  ok(call("GET", "/api/v1/organizations/" + child_id + "/ancestors"), 200);

  // Customers and members.
  auto waiting = call("POST", "/api/v1/customers",
                      R"({"email":"waiting@toured.test","password":"password-waiting","firstName":"W","lastName":"T"})");
  ok(waiting, 201);
  const std::string waiting_id = str(json(waiting), "id");
  ok(call("GET", "/api/v1/customers/" + waiting_id), 200);
  ok(call("PATCH", "/api/v1/customers/" + waiting_id, R"({"lastName":"Toured","updateVersion":1})"),
     200);
  ok(call("POST", "/api/v1/organizations/" + parent_id + "/members",
          R"({"customerId":")" + waiting_id + R"("})"),
     201);
  ok(call("GET", "/api/v1/organizations/" + parent_id + "/members"), 200);
  ok(call("PUT", "/api/v1/organizations/" + parent_id + "/members/" + waiting_id + "/role",
          R"({"role":"owner"})"),
     200);
  auto second_owner = call("POST", "/api/v1/customers",
                           R"({"email":"other@toured.test","password":"password-other","firstName":"O","lastName":"T","organizationId":")" +
                               parent_id + R"(","role":"owner"})");
  ok(second_owner, 201);
  ok(call("DELETE", "/api/v1/organizations/" + parent_id + "/members/" + waiting_id), 204);

  // Resources: created by a customer (platform accounts own none), then handled by the
  // SuperAdmin (the contract gate below does not concern it).
  auto resource =
      as(owner.token, "POST", "/api/v1/resources",
         R"({"kind":"app-backend","name":"Tour backend","attributes":{"active":{"dev":true}}})");
  ok(resource, 201);
  const std::string resource_id = str(json(resource), "id");
  ok(call("GET", "/api/v1/resources?kind=app-backend"), 200);
  ok(call("GET", "/api/v1/resources/" + resource_id), 200);
  ok(call("PUT", "/api/v1/resources/" + resource_id,
          R"({"description":"toured","rotateApiKey":true,"updateVersion":1})"),
     200);
  auto grant = call("POST", "/api/v1/resources/" + resource_id + "/grants",
                    R"({"principalType":"customer","principalId":")" + waiting_id +
                        R"(","permission":"read"})");
  ok(grant, 201);
  ok(call("DELETE", "/api/v1/resources/" + resource_id + "/grants/" + str(json(grant), "id")), 204);
  ok(call("POST", "/api/v1/resources/" + resource_id + "/owner",
          R"({"customerId":")" + waiting_id + R"("})"),
     200);
  ok(call("DELETE", "/api/v1/resources/" + resource_id), 204);

  // Groups, in the parent organization, with its second owner as a member.
  const std::string other_id = str(json(second_owner), "id");
  ok(call("GET", "/api/v1/organizations/" + parent_id + "/groups"), 200);
  auto group = call("POST", "/api/v1/organizations/" + parent_id + "/groups",
                    R"({"name":"Tour group","kind":"customers"})");
  ok(group, 201);
  const std::string group_id = str(json(group), "id");
  ok(call("GET", "/api/v1/groups/" + group_id), 200);
  ok(call("POST", "/api/v1/groups/" + group_id + "/members", R"({"memberId":")" + other_id + R"("})"),
     200);
  ok(call("DELETE", "/api/v1/groups/" + group_id + "/members/" + other_id), 204);
  ok(call("DELETE", "/api/v1/groups/" + group_id), 204);

  // Billing.
  ok(call("PUT", "/api/v1/organizations/" + parent_id + "/billing-plan", R"({"billingPlan":"team"})"),
     200);
  const auto issue = [&] {
    auto invoice = call("POST", "/api/v1/organizations/" + parent_id + "/invoices",
                        R"({"period":"2024-05","amount":4900,"currency":"EUR"})");
    ok(invoice, 201);
    return str(json(invoice), "id");
  };
  const std::string paid = issue();
  const std::string voided = issue();
  ok(call("GET", "/api/v1/organizations/" + parent_id + "/invoices"), 200);
  ok(call("POST", "/api/v1/invoices/" + paid + "/pay"), 200);
  ok(call("POST", "/api/v1/invoices/" + voided + "/void"), 200);

  // Contracts: published, revised, assigned to the signed-up organization, which is then
  // gated until its owner accepts for it and for itself.
  auto contract = call("POST", "/api/v1/contracts",
                       R"({"title":"Tour terms","text":"You agree.","version":"1"})");
  ok(contract, 201);
  const std::string contract_id = str(json(contract), "id");
  ok(call("GET", "/api/v1/contracts"), 200);
  ok(call("GET", "/api/v1/contracts/" + contract_id), 200);
  ok(call("POST", "/api/v1/contracts/" + contract_id + "/versions",
          R"({"title":"Tour terms","url":"https://example.com/terms","version":"2"})"),
     200);
  ok(call("POST", "/api/v1/organizations/" + owner.organization_id + "/contracts",
          R"({"contractId":")" + contract_id + R"("})"),
     201);
  ok(as(owner.token, "GET", "/api/v1/organizations"), 403);  // contract-acceptance-required
  ok(as(owner.token, "GET", "/api/v1/organizations/" + owner.organization_id + "/contracts"), 200);
  ok(as(owner.token, "POST", "/api/v1/contracts/" + contract_id + "/accept",
        R"({"onBehalfOfOrganization":true})"),
     200);
  ok(as(owner.token, "POST", "/api/v1/contracts/" + contract_id + "/accept", "{}"), 200);
  ok(as(owner.token, "GET", "/api/v1/organizations"), 200);
  ok(call("DELETE", "/api/v1/organizations/" + owner.organization_id + "/contracts/" + contract_id),
     204);

  // History and projections.
  ok(call("GET", "/api/v1/organizations/" + parent_id + "/history?limit=5"), 200);
  ok(call("GET", "/api/v1/customers/" + waiting_id + "/history?page=1&pageSize=5"), 200);
  ok(call("GET", "/api/v1/events?from=1&limit=3"), 200);
  ok(call("GET", "/api/v1/projections"), 200);
  ok(call("GET", "/api/v1/projections/organizations"), 200);
  ok(call("POST", "/api/v1/projections/customers/rebuild"), 202);

  // Deletes, and a few documented errors.
  ok(call("DELETE", "/api/v1/customers/" + waiting_id), 204);
  ok(call("DELETE", "/api/v1/organizations/" + child_id), 204);
  ok(call("GET", "/api/v1/organizations/" + child_id), 404);
  ok(call("PUT", "/api/v1/organizations/" + parent_id, R"({"description":"x"})"), 428);
  ok(call("PUT", "/api/v1/organizations/" + parent_id, R"({"description":"x","updateVersion":1})"),
     409);
  ok(call("POST", "/api/v1/organizations", R"({"name":""})"), 400);
  ok(client_->request("GET", "/api/v1/me"), 401);
  ok(as(owner.token, "GET", "/api/v1/events"), 403);
  ok(as(owner.token, "DELETE", "/api/v1/sessions/current"), 204);

  std::set<std::pair<std::string, std::string>> succeeded;
  {
    std::lock_guard lock(seen().mutex);
    for (const auto& [method, templ, status] : seen().answers) {
      if (status >= 200 && status < 300) succeeded.emplace(method, templ);
    }
  }
  for (const auto& operation : document().operations()) {
    EXPECT_TRUE(succeeded.contains(operation))
        << "the tour never got a success from " << operation.first << " " << operation.second;
  }
}

TEST_F(OpenApi, RedoclyRecommendedRulesFindNoError) {
  // tools/setup installs @redocly/cli under .cache/npm; without it this fails, by design.
  const std::string prefix = std::string(ORGD_SOURCE_DIR) + "/.cache/npm";
  ASSERT_TRUE(on_path("npx")) << "node/npx is missing: run tools/setup";
  ASSERT_TRUE(std::filesystem::exists(prefix + "/node_modules/.bin/redocly"))
      << "@redocly/cli is missing under " << prefix << ": run tools/setup";
  const auto document_file = dir_.path() / "openapi.json";
  std::ofstream(document_file) << client_->request("GET", "/openapi.json").body;
  const auto result = run_shell(
      "cd " + dir_.path().string() +
          " && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_COLOR=1 "
          "npx --no-install --prefix " + prefix +
          " redocly lint --extends=recommended --format=stylish " + document_file.string(),
      180);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("Your API description is valid"), std::string::npos)
      << result.output;
}

TEST_F(OpenApi, SwaggerUiRendersTheOrganizationOperations) {
  ASSERT_TRUE(on_path("chromium")) << "chromium is missing: run tools/setup";
  auto page = client_->request("GET", "/apidocs");
  ASSERT_EQ(page.status, 200) << page.body << " (tools/setup installs swagger-ui-dist)";
  EXPECT_EQ(client_->request("GET", "/apidocs/").status, 308);
  EXPECT_EQ(client_->request("GET", "/apidocs/swagger-initializer.js").status, 200);
  EXPECT_EQ(client_->request("GET", "/apidocs/package.json").status, 404);

  const auto profile = dir_.path() / "chromium-profile";
  const std::string url = "http://127.0.0.1:" + std::to_string(app_->port()) + "/apidocs/";
  const auto result = run_shell(
      "chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
      "--disable-background-networking --disable-component-update --disable-sync "
      "--disable-dev-shm-usage --user-data-dir=" + profile.string() +
          " --virtual-time-budget=15000 --dump-dom " + url + " 2>/dev/null",
      120);
  ASSERT_EQ(result.exit_code, 0) << result.output.substr(0, 2000);
  const std::string& dom = result.output;
  // Swagger UI renders each operation as a block with its operationId in the element id.
  for (const auto* operation : {"operations-organizations-createOrganization",
                                "operations-organizations-listOrganizations",
                                "operations-organizations-getOrganization",
                                "operations-organizations-updateOrganization",
                                "operations-organizations-deleteOrganization"}) {
    EXPECT_NE(dom.find(operation), std::string::npos) << operation << " not rendered:\n"
                                                      << dom.substr(0, 3000);
  }
  EXPECT_NE(dom.find("/api/v1/organizations/{id}"), std::string::npos);
  EXPECT_EQ(dom.find("Failed to load API definition"), std::string::npos);
}

}  // namespace
}  // namespace orgd::e2e
