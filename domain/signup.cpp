#include "domain/signup.hpp"

#include "domain/customer/customer_decisions.hpp"
#include "domain/field_rules.hpp"
#include "domain/group/group.hpp"
#include "domain/membership/membership.hpp"

namespace orgd::domain {

void add_global_groups(Decision& decision, const std::string& organization_id,
                       const std::string& customers_group_id, const std::string& things_group_id,
                       const std::string& first_member_id) {
  if (customers_group_id.empty() || things_group_id.empty()) return;
  std::vector<Event> customers{GroupCreated{customers_group_id, organization_id, "All customers",
                                            std::string(kCustomersGroupKind), true}};
  if (!first_member_id.empty()) customers.emplace_back(GroupMemberAdded{first_member_id});
  decision.writes.push_back({group_stream(customers_group_id), 0, std::move(customers)});
  decision.writes.push_back({group_stream(things_group_id), 0,
                             {GroupCreated{things_group_id, organization_id, "All things",
                                           std::string(kThingsGroupKind), true}}});
}

FieldProblems signup_field_problems(const Signup& c) {
  FieldProblems problems;
  check_name(problems, "organizationName", c.organization_name, 100);
  check_text(problems, "organizationDescription", c.organization_description, 0, 1000);
  check_name(problems, "firstName", c.first_name, 100);
  check_name(problems, "lastName", c.last_name, 100);
  check_text(problems, "userDescription", c.user_description, 0, 1000);
  check_email(problems, "userEmailAddress", c.email);
  if (c.agree_to_terms_and_policies != 1) {
    problems.push_back({"agreeToTermsAndPolicies", "must be 1: the terms must be accepted"});
  }
  return problems;
}

std::expected<Decision, DomainError> decide(const Organization& existing_organization,
                                            const Customer& existing_customer, const Signup& c) {
  FieldProblems problems = signup_field_problems(c);
  if (c.password_hash.empty()) problems.push_back({"userPassword", "must be set"});
  if (!problems.empty()) return std::unexpected(invalid(std::move(problems)));
  if (existing_organization.version != 0 || existing_customer.version != 0) {
    return std::unexpected(refused(DomainErrorCode::already_exists, "id-taken",
                                   "generated ids collided; retry"));
  }
  const std::string org_stream = organization_stream(c.organization_id);
  const std::string person_stream = customer_stream(c.customer_id);
  Decision d;
  d.writes.push_back(
      {org_stream,
       0,
       {OrganizationCreated{c.organization_id, c.organization_name, c.organization_description, "",
                            "active", "", "", "", std::string(kDefaultBillingPlan)}}});
  add_global_groups(d, c.organization_id, c.customers_group_id, c.things_group_id, c.customer_id);
  d.writes.push_back({person_stream, 0,
                      {CustomerRegistered{c.customer_id, c.email, c.first_name, c.last_name,
                                          c.user_description, c.organization_id, "owner", "",
                                          c.password_hash, "", ""}}});
  d.writes.push_back({members_stream(c.organization_id), 0,
                      {MemberJoined{c.customer_id, "owner"}}});
  d.writes.push_back({sessions_stream(c.customer_id), 0,
                      {SessionStarted{c.session_id, c.token_hash, c.expires_at_ms}}});
  d.claims.push_back({std::string(kOrganizationNameScope), fold_case(c.organization_name),
                      org_stream});
  d.claims.push_back({std::string(kCustomerEmailScope), fold_case(c.email), person_stream});
  return d;
}

}  // namespace orgd::domain
