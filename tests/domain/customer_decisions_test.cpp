#include "domain/customer/customer_decisions.hpp"

#include <gtest/gtest.h>

#include "tests/domain/organization_fixture.hpp"

namespace orgd::domain {
namespace {

RegisterCustomer admin_command() {
  return {"c1", "Root@Example.org", "Super", "Admin", "", std::string(kDefaultOrganizationId),
          "member", "superadmin", "$argon2id$...", "", ""};
}

TEST(RegisterCustomer, SystemBootstrapsASuperAdminInDefault) {
  auto def = testing::org(std::string(kDefaultOrganizationId), "Default");
  auto d = decide(Customer{}, admin_command(), system_caller(), def);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->writes.at(0).stream_id, "customer-c1");
  EXPECT_EQ(d->claims,
            (std::vector<UniqueValue>{{"customer-email", "root@example.org", "customer-c1"}}));
  ASSERT_EQ(d->writes.size(), 3u);
  EXPECT_EQ(std::get<MemberJoined>(d->writes[1].events.at(0)).role, "member")
      << "Default has no roles";
  EXPECT_TRUE(d->writes[2].events.empty()) << "the organization is guarded";
  Customer c = apply(Customer{}, d->writes[0].events.at(0), {1, 5, "system"});
  EXPECT_EQ(c.platform_role, PlatformRole::superadmin);
  EXPECT_EQ(c.email, "Root@Example.org");
}

TEST(RegisterCustomer, DefaultGivesNoRoleAndSaysSo) {
  auto def = testing::org(std::string(kDefaultOrganizationId), "Default");
  auto owner = admin_command();
  owner.platform_role.clear();
  owner.role = "owner";
  auto d = decide(Customer{}, owner, system_caller(), def);
  ASSERT_FALSE(d.has_value()) << "an owner of Default was made a plain member, unsaid";
  EXPECT_EQ(d.error().fields.at(0).field, "role");
}

TEST(RegisterCustomer, OnlySuperAdminsGrantPlatformRoles) {
  auto def = testing::org(std::string(kDefaultOrganizationId), "Default");
  auto d = decide(Customer{}, admin_command(),
                  testing::member_of(std::string(kDefaultOrganizationId), OrganizationRole::owner),
                  def);
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, DomainErrorCode::forbidden);
}

TEST(RegisterCustomer, ValidatesEmailAndOrganization) {
  auto cmd = admin_command();
  cmd.email = "not-an-email";
  auto def = testing::org(std::string(kDefaultOrganizationId), "Default");
  EXPECT_EQ(decide(Customer{}, cmd, system_caller(), def).error().fields.at(0).field, "email");
  EXPECT_EQ(decide(Customer{}, admin_command(), system_caller(), Organization{})
                .error()
                .fields.at(0)
                .field,
            "organizationId");
}

RegisterCustomer member_command(std::string organization) {
  return {"c2", "new@example.org", "New", "Member", "", std::move(organization), "member",
          "",   "$argon2id$...",   "",    ""};
}

TEST(RegisterCustomer, OwnersRegisterIntoTheirOwnOrganizationOnly) {
  const auto owner = testing::member_of("acme", OrganizationRole::owner);
  EXPECT_TRUE(decide(Customer{}, member_command("acme"), owner, testing::org("acme", "Acme")));
  auto foreign =
      decide(Customer{}, member_command("globex"), owner, testing::org("globex", "Globex"));
  auto unknown = decide(Customer{}, member_command("nowhere"), owner, Organization{});
  ASSERT_FALSE(foreign.has_value());
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(foreign.error().code, DomainErrorCode::invalid);
  EXPECT_EQ(foreign.error().fields.at(0).message, unknown.error().fields.at(0).message)
      << "whether another tenant's organization exists does not show";
  EXPECT_TRUE(decide(Customer{}, member_command("globex"), testing::superadmin(),
                     testing::org("globex", "Globex")))
      << "a SuperAdmin names any organization";
}

// The route runs check_registration before hashing the password: whatever it refuses costs
// no worker time, and decide refuses the same.
TEST(RegisterCustomer, WhatNeedsNoOrganizationIsCheckedBeforeTheHash) {
  auto cmd = member_command("acme");
  cmd.password_hash.clear();
  EXPECT_FALSE(check_registration(cmd, testing::member_of("acme", OrganizationRole::owner)));
  const auto by_member =
      check_registration(cmd, testing::member_of("acme", OrganizationRole::member));
  ASSERT_TRUE(by_member.has_value());
  EXPECT_EQ(by_member->code, DomainErrorCode::forbidden);
  cmd.email = "nope";
  const auto bad_email = check_registration(cmd, testing::superadmin());
  ASSERT_TRUE(bad_email.has_value());
  EXPECT_EQ(bad_email->fields.at(0).field, "email");
  const auto auditor = Caller{"aud", PlatformRole::auditor, "", OrganizationRole::member};
  EXPECT_EQ(check_registration(member_command("acme"), auditor)->code, DomainErrorCode::forbidden);
  EXPECT_EQ(decide(Customer{}, member_command("acme"), auditor, testing::org("acme", "Acme"))
                .error()
                .code,
            DomainErrorCode::forbidden);
}

TEST(RegisterCustomer, PlatformAccountsBelongToDefault) {
  auto cmd = admin_command();
  cmd.organization_id = "acme";
  auto d = decide(Customer{}, cmd, testing::superadmin(), testing::org("acme", "Acme"));
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().fields.at(0).field, "platformRole");
}

TEST(StartSession, WrongPasswordAndUnknownCustomerAreTheSameError) {
  auto def = testing::org(std::string(kDefaultOrganizationId), "Default");
  auto reg = decide(Customer{}, admin_command(), system_caller(), def);
  Customer c = apply(Customer{}, reg->writes[0].events.at(0), {1, 5, "system"});
  StartSession login{"c1", "s1", "hash", 99, false, "$argon2id$..."};
  auto wrong = decide(c, login);
  auto unknown = decide(Customer{}, StartSession{"zz", "s1", "hash", 99, true, ""});
  ASSERT_FALSE(wrong.has_value());
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(wrong.error(), unknown.error());
  login.password_verified = true;
  auto ok = decide(c, login);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->writes.at(0).stream_id, "sessions-c1");
  EXPECT_EQ(ok->writes[0].expected_version, kAnyVersion);
}

// A login checks the password (argon2: slow) before it is decided. A password change that
// commits in between must refuse it, however the check came out, and one that commits after
// the decision but before the login's append must make that append conflict.
TEST(StartSession, APasswordChangedSinceTheCheckRefusesTheLogin) {
  auto def = testing::org(std::string(kDefaultOrganizationId), "Default");
  auto reg = decide(Customer{}, admin_command(), system_caller(), def);
  const Customer before = apply(Customer{}, reg->writes[0].events.at(0), {1, 5, "system"});
  const StartSession login{"c1", "s1", "hash", 99, true, before.password_hash};

  auto ok = decide(before, login);
  ASSERT_TRUE(ok.has_value());
  ASSERT_EQ(ok->writes.size(), 2U);
  EXPECT_EQ(ok->writes[1].stream_id, "customer-c1");
  EXPECT_EQ(ok->writes[1].expected_version, before.version) << "the password it was checked with";
  EXPECT_TRUE(ok->writes[1].events.empty());

  const Customer after = apply(before, CustomerPasswordChanged{"$argon2id$new"}, {2, 6, "c1"});
  auto stale = decide(after, login);
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error().code, DomainErrorCode::unauthenticated);
}

// The domain after the '@' is dot-separated hostname labels (or UTF-8 beyond ASCII), two at
// least; the local part is taken as written but for spaces and control characters.
TEST(CustomerFields, AnEmailHasADottedDomainOfHostnameLabels) {
  const auto problems_of = [](std::string_view email) {
    std::vector<FieldProblem> out;
    check_email(out, "email", email);
    return out.size();
  };
  for (auto good : {"a@example.com", "first.last+tag@mail.example.co.uk", "x@a-b.example",
                    "x@b\xC3\xBC"
                    "cher.example",
                    "o'brien@example.ie"}) {
    EXPECT_EQ(problems_of(good), 0U) << good;
  }
  for (auto bad : {"x@example..com", "x@.example.com", "x@exa_mple.com", "x@example.com.",
                   "x@-example.com", "x@example-.com", "x@localhost", "@example.com",
                   "a@b@example.com", "a b@example.com", "x@"}) {
    EXPECT_EQ(problems_of(bad), 1U) << bad;
  }
}

}  // namespace
}  // namespace orgd::domain
