// Every malformed request gets its documented status and a problem body, and changes nothing.

#include <array>
#include <cctype>
#include <string>
#include <vector>

#include "tests/e2e/orgd_fixture.hpp"

namespace orgd::e2e {
namespace {

class BadInput : public OrgdTest {
 protected:
  void SetUp() override {
    OrgdTest::SetUp();
    token_ = login();
    id_ = str(create_org("Target"), "id");
    head_before_ = head();
  }
  void TearDown() override {
    EXPECT_EQ(head(), head_before_) << "a refused request must not append anything";
    OrgdTest::TearDown();
  }

  void expect_problem(const test::HttpResult& r, int status, const std::string& type_suffix = {}) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.header("Content-Type"), "application/problem+json");
    auto body = json(r);
    ASSERT_TRUE(body.is_object()) << r.body;
    EXPECT_EQ(body.at("status").as_int64(), status);
    EXPECT_FALSE(str(body, "traceId").empty());
    EXPECT_EQ(str(body, "traceId"), r.header("X-Trace-Id"));
    // Titles in lower case, as SPEC's "organization already exists" (acronyms stay: JSON).
    const std::string title = str(body, "title");
    EXPECT_FALSE(title.empty()) << r.body;
    for (std::size_t i = 0; i + 1 < title.size(); ++i) {
      EXPECT_FALSE(std::isupper(static_cast<unsigned char>(title[i])) &&
                   std::islower(static_cast<unsigned char>(title[i + 1])))
          << "a capitalized word in the title: " << title;
    }
    if (!type_suffix.empty()) {
      EXPECT_TRUE(str(body, "type").ends_with(type_suffix)) << r.body;
    }
  }

  std::string id_;
  std::uint64_t head_before_{0};
};

TEST_F(BadInput, MalformedJson) {
  for (const char* body : {"{", "{\"name\":}", "[]", "\"name\"", "{\"name\":\"a\"} trailing", ""}) {
    expect_problem(call("POST", "/api/v1/organizations", body), 400);
  }
}

TEST_F(BadInput, WrongTypesMissingAndUnknownFields) {
  expect_problem(call("POST", "/api/v1/organizations", R"({"name":42})"), 400);
  expect_problem(call("POST", "/api/v1/organizations", R"({"description":"no name"})"), 400);
  auto unknown = call("POST", "/api/v1/organizations", R"({"name":"X","colour":"red"})");
  expect_problem(unknown, 400);
  EXPECT_EQ(str(json(unknown).at("errors").at(0), "field"), "colour");
  auto invalid = call("POST", "/api/v1/organizations",
                      R"({"name":"X","status":"archived","country":"Germany"})");
  expect_problem(invalid, 400, "validation-failed");
  EXPECT_EQ(json(invalid).at("errors").as_array().size(), 2u);
  expect_problem(call("PUT", "/api/v1/organizations/" + id_, R"({"updateVersion":"1"})"), 400);
  expect_problem(call("POST", "/api/v1/organizations", R"({"name":"X","parentId":"../../etc"})"),
                 400);
}

TEST_F(BadInput, UnknownIdsAnswer404) {
  expect_problem(call("GET", "/api/v1/organizations/01890000-0000-7000-8000-000000000000"), 404,
                 "not-found");
  expect_problem(call("GET", "/api/v1/organizations/not-a-uuid"), 404);
  expect_problem(call("PUT", "/api/v1/organizations/01890000-0000-7000-8000-000000000000",
                      R"({"description":"x","updateVersion":1})"),
                 404);
  expect_problem(call("DELETE", "/api/v1/organizations/01890000-0000-7000-8000-000000000000"), 404);
  expect_problem(call("GET", "/api/v1/nothing-here"), 404);
}

TEST_F(BadInput, OversizeBody) {
  const std::string huge = R"({"name":")" + std::string(2u << 20, 'a') + "\"}";
  expect_problem(call("POST", "/api/v1/organizations", huge), 413);
}

TEST_F(BadInput, WrongContentType) {
  auto r = client_->request("POST", "/api/v1/organizations", R"({"name":"X"})",
                            {{"Authorization", "Bearer " + token_},
                             {"Content-Type", "text/plain"}});
  expect_problem(r, 415);
}

TEST_F(BadInput, MissingAndInvalidTokens) {
  auto none = client_->request("GET", "/api/v1/organizations");
  expect_problem(none, 401);
  EXPECT_EQ(none.header("WWW-Authenticate"), "Bearer");
  const std::string customer = token_.substr(0, token_.find('.'));
  for (const std::string& bad : {std::string("Bearer nonsense"), std::string("Basic abc"),
                                 "Bearer " + customer + ".wrongsecret",
                                 "Bearer 01890000-0000-7000-8000-000000000000" +
                                     token_.substr(token_.find('.'))}) {
    auto r = client_->request("POST", "/api/v1/organizations", R"({"name":"X"})",
                              {{"Authorization", bad}, {"Content-Type", "application/json"}});
    expect_problem(r, 401);
  }
}

TEST_F(BadInput, WrongMethodAndBadQueries) {
  auto r = call("PATCH", "/api/v1/organizations/" + id_, "{}");
  expect_problem(r, 405);
  EXPECT_FALSE(r.header("Allow").empty());
  expect_problem(call("GET", "/api/v1/organizations?pageSize=101"), 400);
  expect_problem(call("GET", "/api/v1/organizations?page=0"), 400);
  expect_problem(call("GET", "/api/v1/organizations?sort=colour"), 400);
  expect_problem(call("GET", "/api/v1/organizations?colour=red"), 400);
  expect_problem(call("GET", "/api/v1/organizations?cursor=zz"), 400);
  expect_problem(call("GET", "/api/v1/organizations?q=%ZZ"), 400);
  expect_problem(call("GET", "/api/v1/organizations?parentId=x"), 400);
}

// Every endpoint refuses a query parameter it does not take, naming it: none answers as if it
// were not there (an auditor's asOf on a customer would read the present).
TEST_F(BadInput, EveryEndpointRefusesQueryParametersItDoesNotTake) {
  const std::string me = token_.substr(0, token_.find('.'));
  for (const auto& [method, target, body] : std::vector<std::array<std::string, 3>>{
           {"GET", "/api/v1/customers/" + me + "?asOf=1", ""},
           {"GET", "/api/v1/me?foo=1", ""},
           {"GET", "/api/v1/projections?foo=1", ""},
           {"GET", "/api/v1/organizations/" + id_ + "/ancestors?page=1", ""},
           {"POST", "/api/v1/organizations?dryRun=1", R"({"name":"Never"})"},
           {"PUT", "/api/v1/organizations/" + id_ + "?force=1",
            R"({"description":"never","updateVersion":1})"},
           {"POST", "/api/v1/projections/organizations/rebuild?x=1", ""}}) {
    const auto r = call(method, target, body);
    expect_problem(r, 400, "validation-failed");
    const std::string name =
        target.substr(target.find('?') + 1, target.find('=') - target.find('?') - 1);
    EXPECT_EQ(str(json(r).at("errors").at(0), "field"), name) << target;
  }
  EXPECT_EQ(call("GET", "/api/v1/organizations/" + id_ + "?asOf=1").status, 404)
      << "asOf is taken where it is documented (404: before the organization existed)";
}

TEST_F(BadInput, StaleAndMissingVersions) {
  expect_problem(call("PUT", "/api/v1/organizations/" + id_, R"({"description":"x"})"), 428);
  expect_problem(
      call("PUT", "/api/v1/organizations/" + id_, R"({"description":"x","updateVersion":7})"),
      409, "version-conflict");
}

}  // namespace
}  // namespace orgd::e2e
