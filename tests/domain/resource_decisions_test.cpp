// given(events) / when(command) / then(events or error) for the resource rules.

#include "domain/resource/resource_decisions.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "domain/organization/organization.hpp"
#include "domain/resource/resource_access.hpp"
#include "tests/domain/groups_left.hpp"

namespace orgd::domain {
namespace {

const std::string kDefault{kDefaultOrganizationId};

// The resource after `events`, each at the next version of its stream.
Resource given(std::vector<Event> events) {
  Resource state;
  std::uint64_t version = 0;
  for (const auto& e : events) {
    ++version;
    state = apply(std::move(state), e, {version, 1'000 * static_cast<std::int64_t>(version), "t"});
  }
  return state;
}

ResourceCreated created(std::string kind = "plugin", std::string owner = "alice",
                        std::string organization = "acme") {
  return {"r", std::move(kind), "Plugin", "", std::move(owner), std::move(organization), "", {}};
}

// A plugin owned by alice of acme.
Resource plugin(std::vector<Event> more = {}) {
  std::vector<Event> events{created()};
  for (auto& e : more) events.push_back(std::move(e));
  return given(std::move(events));
}

Accessor customer(std::string id, std::string organization,
                  OrganizationRole role = OrganizationRole::member,
                  std::vector<std::string> groups = {}) {
  return {{std::move(id), PlatformRole::none, std::move(organization), role}, std::move(groups)};
}
Accessor alice() { return customer("alice", "acme"); }
Accessor superadmin() { return {{"sa", PlatformRole::superadmin, kDefault, {}}, {}}; }
Accessor auditor() { return {{"au", PlatformRole::auditor, kDefault, {}}, {}}; }

PrincipalFacts existing_customer(std::string organization, std::uint64_t version = 4) {
  return {true, std::move(organization), "", "customer-x", version};
}
PrincipalFacts existing_group(std::string organization, std::string kind = "customers") {
  return {true, std::move(organization), std::move(kind), "group-g", 2};
}
PrincipalFacts existing_organization(std::string id) {
  return {true, id, "", "organization-" + id, 7};
}

GrantAccess grant(std::string kind, std::string principal, std::string permission,
                  std::string grant_id = "g1") {
  return {"r", std::move(grant_id), std::move(kind), std::move(principal), std::move(permission)};
}

// The events a decision writes to the resource's own stream.
std::vector<Event> resource_events(const Decision& d) {
  for (const auto& w : d.writes) {
    if (w.stream_id == "resource-r") return w.events;
  }
  return {};
}

// --- create -------------------------------------------------------------------------------

TEST(CreateResource, BelongsToItsCreatorAndTheCreatorsOrganization) {
  auto d = decide(Resource{}, CreateResource{"r", "dataset", "Sales", "Q3", "", std::nullopt},
                  customer("bob", "acme").caller);
  ASSERT_TRUE(d.has_value()) << d.error().message;
  ASSERT_EQ(d->writes.size(), 1u);
  EXPECT_EQ(d->writes[0].stream_id, "resource-r");
  EXPECT_EQ(d->writes[0].expected_version, 0u) << "the id must be new";
  const auto& e = std::get<ResourceCreated>(d->writes[0].events.at(0));
  EXPECT_EQ(e.owner_id, "bob");
  EXPECT_EQ(e.organization_id, "acme");
  EXPECT_EQ(e.kind, "dataset");
}

// A SuperAdmin owns no resource (README, Roles): it would sit in Default with an owner that
// every other request answers 404 for.
TEST(CreateResource, APlatformAccountCreatesNone) {
  Caller superadmin;
  superadmin.customer_id = "sa";
  superadmin.organization_id = "default";
  superadmin.platform_role = PlatformRole::superadmin;
  auto d =
      decide(Resource{}, CreateResource{"r", "dataset", "Sales", "", "", std::nullopt}, superadmin);
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().rule, "platform-account");
}

TEST(CreateResource, AnAppBackendCarriesItsKeyHashAndActiveFlags) {
  auto d =
      decide(Resource{},
             CreateResource{"r", "app-backend", "API", "", "hash", SystemFlags{true, false, true}},
             alice().caller);
  ASSERT_TRUE(d.has_value()) << d.error().message;
  const auto& e = std::get<ResourceCreated>(d->writes[0].events.at(0));
  EXPECT_EQ(e.api_key_hash, "hash");
  EXPECT_EQ(e.active, (SystemFlags{true, false, true}));
  auto no_key =
      decide(Resource{}, CreateResource{"r", "app-backend", "API", "", "", {}}, alice().caller);
  ASSERT_FALSE(no_key.has_value());
  EXPECT_EQ(no_key.error().fields.at(0).field, "apiKey");
}

TEST(CreateResource, KindsNamesAndKindSpecificAttributesAreChecked) {
  auto d = decide(Resource{},
                  CreateResource{"r", "robot", "", std::string(1001, 'x'), "", SystemFlags{}},
                  alice().caller);
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, DomainErrorCode::invalid);
  std::vector<std::string> fields;
  for (const auto& f : d.error().fields) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"kind", "name", "description", "attributes.active"}));
  auto flags_on_module =
      decide(Resource{}, CreateResource{"r", "module", "M", "", "", SystemFlags{}}, alice().caller);
  EXPECT_EQ(flags_on_module.error().fields.at(0).field, "attributes.active");
  EXPECT_TRUE(decide(Resource{}, CreateResource{"r", "thing", std::string(100, 'n'), "", "", {}},
                     alice().caller));
}

TEST(CreateResource, AuditorsCreateNothingAndIdsAreNotReused) {
  EXPECT_EQ(decide(Resource{}, CreateResource{"r", "plugin", "P", "", "", {}}, auditor().caller)
                .error()
                .code,
            DomainErrorCode::forbidden);
  EXPECT_EQ(
      decide(plugin(), CreateResource{"r", "plugin", "P", "", "", {}}, alice().caller).error().rule,
      "resource-id-taken");
}

// --- effective access ---------------------------------------------------------------------

TEST(ResourceAccess, PrivateByDefault) {
  const Resource r = plugin();
  EXPECT_EQ(effective_permission(r, alice()), Permission::admin) << "the owner";
  EXPECT_FALSE(effective_permission(r, customer("bob", "acme")).has_value())
      << "a plain member of the same organization sees nothing without a grant";
  EXPECT_FALSE(effective_permission(r, customer("eve", "evil", OrganizationRole::owner)));
}

TEST(ResourceAccess, OwnersAndAdminsOfTheResourcesOrganizationControlIt) {
  const Resource r = plugin();
  for (auto role : {OrganizationRole::owner, OrganizationRole::admin}) {
    const Accessor manager = customer("boss", "acme", role);
    EXPECT_EQ(effective_permission(r, manager), Permission::admin);
    EXPECT_TRUE(can_control(manager.caller, r));
  }
  EXPECT_FALSE(can_control(customer("boss", "other", OrganizationRole::owner).caller, r));
}

// A resource is its organization's: an owner removed from it (now waiting in Default, or moved
// on) keeps only what it was granted, and gets its rights back if it returns. What it made
// while waiting in Default stays its own wherever it goes.
TEST(ResourceAccess, AnOwnersRightsCountInsideTheResourcesOrganization) {
  const Accessor removed = customer("alice", kDefault);
  EXPECT_FALSE(effective_permission(plugin(), removed).has_value());
  EXPECT_FALSE(can_control(removed.caller, plugin()));
  EXPECT_EQ(effective_permission(plugin(), alice()), Permission::admin) << "back in acme";
  EXPECT_EQ(effective_permission(plugin({ResourceAccessGranted{"g1", "customer", "alice", "read"}}),
                                 removed),
            Permission::read)
      << "a grant to it still counts";
  const Resource made_while_waiting = given({created("plugin", "alice", kDefault)});
  EXPECT_EQ(effective_permission(made_while_waiting, alice()), Permission::admin);
  EXPECT_EQ(effective_permission(plugin(), customer("boss", "acme", OrganizationRole::owner)),
            Permission::admin)
      << "its organization keeps it";
  // So it may be granted access like anyone else...
  const auto boss = customer("boss", "acme", OrganizationRole::owner);
  EXPECT_TRUE(
      decide(plugin(), grant("customer", "alice", "read"), boss, existing_customer(kDefault)));
  EXPECT_FALSE(
      decide(plugin(), grant("customer", "alice", "read"), boss, existing_customer("acme")))
      << "not while its rights count";
  // ... and a SuperAdmin handing it back moves it to where the owner is now.
  auto back = decide(plugin(), TransferOwnership{"r", "alice"}, superadmin(),
                     NewOwnerFacts{true, kDefault, 3}, {});
  ASSERT_TRUE(back.has_value());
  ASSERT_FALSE(back->writes.empty()) << "not a silent no-op";
  const auto& moved = back->writes.at(0).events;
  EXPECT_EQ(std::get<ResourceOwnershipTransferred>(moved.back()).organization_id, kDefault);
  EXPECT_TRUE(
      decide(plugin(), TransferOwnership{"r", "alice"}, alice(), NewOwnerFacts{true, "acme", 3}, {})
          ->writes.empty())
      << "already the owner, where its rights count";
}

TEST(ResourceAccess, GrantsToTheCustomerItsGroupsAndItsOrganizationAddUp) {
  const Resource r = plugin({ResourceAccessGranted{"g1", "customer", "bob", "read"},
                             ResourceAccessGranted{"g2", "group", "devs", "write"},
                             ResourceAccessGranted{"g3", "organization", "acme", "read"}});
  EXPECT_EQ(effective_permission(r, customer("bob", "elsewhere")), Permission::read)
      << "a customer grant crosses organizations";
  EXPECT_EQ(effective_permission(r, customer("bob", "elsewhere", {}, {"devs"})), Permission::write)
      << "the strongest grant wins";
  EXPECT_EQ(effective_permission(r, customer("carol", "acme")), Permission::read)
      << "every customer of the organization";
  EXPECT_EQ(effective_permission(r, customer("dave", "globex", {}, {"devs"})), Permission::write);
  EXPECT_FALSE(effective_permission(r, customer("eve", "globex", {}, {"ops"})).has_value());
  EXPECT_TRUE(can_write(customer("dave", "globex", {}, {"devs"}), r));
  EXPECT_FALSE(can_write(customer("carol", "acme"), r));
  EXPECT_FALSE(can_administer(customer("dave", "globex", {}, {"devs"}), r));
  EXPECT_FALSE(can_control(customer("dave", "globex", {}, {"devs"}).caller, r))
      << "grantees never delete or transfer";
}

TEST(ResourceAccess, SuperAdminDoesAllAndTheAuditorOnlyReads) {
  const Resource r = plugin();
  EXPECT_EQ(effective_permission(r, superadmin()), Permission::admin);
  EXPECT_TRUE(can_control(superadmin().caller, r));
  EXPECT_EQ(effective_permission(r, auditor()), Permission::read);
  const Resource granted = plugin({ResourceAccessGranted{"g1", "customer", "au", "admin"}});
  EXPECT_FALSE(can_write(auditor(), granted)) << "an auditor writes nothing, even when granted";
  EXPECT_FALSE(can_administer(auditor(), granted));
}

TEST(ResourceAccess, RevokeAndDeleteTakeAccessAway) {
  const Resource r = plugin(
      {ResourceAccessGranted{"g1", "customer", "bob", "write"}, ResourceAccessRevoked{"g1"}});
  EXPECT_TRUE(r.grants.empty());
  EXPECT_FALSE(effective_permission(r, customer("bob", "acme")).has_value());
  EXPECT_FALSE(plugin({ResourceDeleted{"Plugin"}}).exists());
}

// --- update -------------------------------------------------------------------------------

TEST(UpdateResource, NeedsWritePermissionAndTheCurrentVersion) {
  const Resource r = plugin({ResourceAccessGranted{"g1", "customer", "bob", "write"},
                             ResourceAccessGranted{"g2", "customer", "carol", "read"}});
  UpdateResource u{"r", 3, {.name = "Renamed"}, ""};
  auto d = decide(r, u, customer("bob", "acme"));
  ASSERT_TRUE(d.has_value()) << d.error().message;
  EXPECT_EQ(d->writes.at(0).expected_version, 3u);
  EXPECT_EQ(std::get<ResourceUpdated>(d->writes[0].events.at(0)).name, "Renamed");
  EXPECT_EQ(decide(r, u, customer("carol", "acme")).error().code, DomainErrorCode::forbidden)
      << "read is not write";
  EXPECT_EQ(decide(r, u, customer("eve", "acme")).error().code, DomainErrorCode::not_found)
      << "who cannot see it gets not found";
  EXPECT_EQ(decide(r, u, auditor()).error().code, DomainErrorCode::forbidden);
  u.expected_version = 2;
  EXPECT_EQ(decide(r, u, alice()).error().code, DomainErrorCode::version_conflict);
}

TEST(UpdateResource, PartialAndANoOpAppendsNothing) {
  const Resource r = given({created("app-backend"), ResourceUpdated{"Plugin", "d", {}}});
  auto same =
      decide(r, UpdateResource{"r", 2, {.description = "d", .active_dev = false}, ""}, alice());
  ASSERT_TRUE(same.has_value());
  EXPECT_TRUE(same->writes.empty());
  auto flags = decide(r, UpdateResource{"r", 2, {.active_live = true}, ""}, alice());
  ASSERT_TRUE(flags.has_value());
  const auto& e = std::get<ResourceUpdated>(flags->writes.at(0).events.at(0));
  EXPECT_EQ(e.description, "d") << "fields left out keep their values";
  EXPECT_EQ(e.active, (SystemFlags{false, false, true}));
}

TEST(UpdateResource, OnlyAppBackendsHaveFlagsAndKeys) {
  auto flags = decide(plugin(), UpdateResource{"r", 1, {.active_dev = true}, ""}, alice());
  EXPECT_EQ(flags.error().fields.at(0).field, "attributes.active");
  auto rotate = decide(plugin(), UpdateResource{"r", 1, {}, "new-hash"}, alice());
  EXPECT_EQ(rotate.error().fields.at(0).field, "rotateApiKey");
  auto name = decide(plugin(), UpdateResource{"r", 1, {.name = " padded"}, ""}, alice());
  EXPECT_EQ(name.error().fields.at(0).field, "name");
}

TEST(UpdateResource, RotatingTheApiKeyNeedsAdmin) {
  const Resource r =
      given({created("app-backend"), ResourceAccessGranted{"g1", "customer", "bob", "write"}});
  EXPECT_EQ(decide(r, UpdateResource{"r", 2, {}, "h2"}, customer("bob", "acme")).error().code,
            DomainErrorCode::forbidden);
  auto d = decide(r, UpdateResource{"r", 2, {}, "h2"}, alice());
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->writes.at(0).events, (std::vector<Event>{ResourceApiKeyRotated{"h2"}}));
  EXPECT_EQ(given({created("app-backend"), ResourceApiKeyRotated{"h2"}}).api_key_hash, "h2");
}

// --- delete -------------------------------------------------------------------------------

TEST(DeleteResource, ControllersOnly) {
  const Resource r = plugin({ResourceAccessGranted{"g1", "customer", "bob", "admin"}});
  EXPECT_EQ(decide(r, DeleteResource{"r", 0}, customer("bob", "acme"), {}).error().code,
            DomainErrorCode::forbidden)
      << "an admin grant manages grants, it does not delete";
  EXPECT_EQ(decide(r, DeleteResource{"r", 0}, customer("eve", "acme"), {}).error().code,
            DomainErrorCode::not_found);
  EXPECT_EQ(decide(r, DeleteResource{"r", 1}, alice(), {}).error().code,
            DomainErrorCode::version_conflict);
  auto d =
      decide(r, DeleteResource{"r", 2}, customer("admin", "acme", OrganizationRole::admin), {});
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->writes.at(0).events, (std::vector<Event>{ResourceDeleted{"Plugin"}}));
  EXPECT_EQ(decide(plugin({ResourceDeleted{"Plugin"}}), DeleteResource{"r", 0}, superadmin(), {})
                .error()
                .code,
            DomainErrorCode::not_found);
}

// --- grants -------------------------------------------------------------------------------

TEST(GrantAccess, ToACustomerOfAnotherOrganizationGuardsThatCustomer) {
  auto d =
      decide(plugin(), grant("customer", "bob", "read"), alice(), existing_customer("globex", 4));
  ASSERT_TRUE(d.has_value()) << d.error().message;
  EXPECT_EQ(resource_events(*d),
            (std::vector<Event>{ResourceAccessGranted{"g1", "customer", "bob", "read"}}));
  ASSERT_EQ(d->writes.size(), 2u);
  EXPECT_EQ(d->writes[1].stream_id, "customer-x");
  EXPECT_EQ(d->writes[1].expected_version, 4u);
  EXPECT_TRUE(d->writes[1].events.empty()) << "a guard only";
}

TEST(GrantAccess, ToAGroupOfAnyOrganizationButOnlyCustomersGroups) {
  EXPECT_TRUE(decide(plugin(), grant("group", "devs", "write"), alice(), existing_group("globex")));
  auto things =
      decide(plugin(), grant("group", "bots", "read"), alice(), existing_group("acme", "things"));
  ASSERT_FALSE(things.has_value());
  EXPECT_EQ(things.error().fields.at(0).field, "principalId");
}

// A deleted organization's groups stand for nobody: no group, as a deleted customer is no
// customer (it was granted, for nobody).
TEST(GrantAccess, NotToAGroupOfADeletedOrganization) {
  auto facts = existing_group("globex");
  facts.organization_exists = false;
  auto d = decide(plugin(), grant("group", "devs", "read"), alice(), facts);
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().fields.at(0).field, "principalId");
  EXPECT_EQ(d.error().fields.at(0).message, "no such group");
}

TEST(GrantAccess, ToTheOrganizationOnlyTheResourcesOwn) {
  EXPECT_TRUE(decide(plugin(), grant("organization", "acme", "read"), alice(),
                     existing_organization("acme")));
  auto other = decide(plugin(), grant("organization", "globex", "read"), alice(),
                      existing_organization("globex"));
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().rule, "cross-organization-grant");
  auto unknown =
      decide(plugin(), grant("organization", "nowhere", "read"), alice(), PrincipalFacts{});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().rule, "cross-organization-grant")
      << "another tenant's organization answers as a missing one does";
  const Resource in_default = given({created("plugin", "alice", kDefault)});
  EXPECT_EQ(decide(in_default, grant("organization", kDefault, "read"), alice(),
                   existing_organization(kDefault))
                .error()
                .rule,
            "default-organization");
}

// Default's global customers group is all of Default: what an organization grant to Default
// would be, and the same refusal; an ordinary group of Default, or another tenant's global
// group, names whom it names.
TEST(GrantAccess, NotToAllOfDefaultThroughItsGlobalGroup) {
  PrincipalFacts everyone_in_default = existing_group(kDefault);
  everyone_in_default.global_group = true;
  auto refused = decide(plugin(), grant("group", "all", "read"), alice(), everyone_in_default);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().rule, "default-organization");
  EXPECT_FALSE(decide(plugin(), grant("group", "all", "read"), superadmin(), everyone_in_default))
      << "nor for a SuperAdmin";
  EXPECT_TRUE(decide(plugin(), grant("group", "few", "read"), alice(), existing_group(kDefault)));
  PrincipalFacts everyone_in_globex = existing_group("globex");
  everyone_in_globex.global_group = true;
  EXPECT_TRUE(decide(plugin(), grant("group", "all", "read"), alice(), everyone_in_globex));
}

// A platform account answers to the platform alone: a tenant naming one learns nothing and
// changes nothing (it sits in Default, like the customers waiting there).
TEST(GrantAccess, APlatformAccountIsNoCustomerToATenant) {
  PrincipalFacts platform = existing_customer(kDefault);
  platform.platform_account = true;
  auto by_tenant = decide(plugin(), grant("customer", "sa", "read"), alice(), platform);
  auto unknown = decide(plugin(), grant("customer", "sa", "read"), alice(), PrincipalFacts{});
  ASSERT_FALSE(by_tenant.has_value());
  EXPECT_EQ(by_tenant.error().fields, unknown.error().fields);
  // A SuperAdmin, who sees them, is told why: they hold no grants.
  auto by_superadmin = decide(plugin(), grant("customer", "sa", "read"), superadmin(), platform);
  ASSERT_FALSE(by_superadmin.has_value());
  EXPECT_EQ(by_superadmin.error().rule, "platform-account");
}

TEST(TransferOwnership, NeverToAPlatformAccount) {
  const Resource in_default = given({created("plugin", "alice", kDefault)});
  const auto alice_in_default = customer("alice", kDefault);
  NewOwnerFacts platform{true, kDefault, 1, true};
  auto d = decide(in_default, TransferOwnership{"r", "sa"}, alice_in_default, platform, {});
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().fields.at(0).field, "customerId");
  auto by_superadmin = decide(in_default, TransferOwnership{"r", "sa"}, superadmin(), platform, {});
  ASSERT_FALSE(by_superadmin.has_value());
  EXPECT_EQ(by_superadmin.error().rule, "platform-account");
}

// Customers waiting in Default are strangers to each other: a transfer between two of them
// answers as one to nobody (had it succeeded, it would have told who waits there), and only a
// SuperAdmin hands a resource in Default to someone waiting there.
TEST(TransferOwnership, NotBetweenCustomersWaitingInDefault) {
  const Resource in_default = given({created("plugin", "alice", kDefault)});
  const auto alice_in_default = customer("alice", kDefault);
  NewOwnerFacts waiting{true, kDefault, 1, false};
  auto d = decide(in_default, TransferOwnership{"r", "bob"}, alice_in_default, waiting, {});
  auto unknown = decide(in_default, TransferOwnership{"r", "x"}, alice_in_default, {}, {});
  ASSERT_FALSE(d.has_value());
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(d.error().fields, unknown.error().fields);
  EXPECT_TRUE(decide(in_default, TransferOwnership{"r", "bob"}, superadmin(), waiting, {}));
}

TEST(GrantAccess, UnknownPrincipalsKindsAndPermissionsAreInvalid) {
  auto unknown = decide(plugin(), grant("customer", "nobody", "read"), alice(), PrincipalFacts{});
  EXPECT_EQ(unknown.error().fields.at(0).message, "no such customer");
  auto bad = decide(plugin(), grant("robot", "x", "own"), alice(), existing_customer("acme"));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().fields.size(), 2u);
  auto owner =
      decide(plugin(), grant("customer", "alice", "read"), alice(), existing_customer("acme"));
  EXPECT_EQ(owner.error().fields.at(0).field, "principalId");
}

TEST(GrantAccess, OnlyAdminsManageGrants) {
  const Resource r = plugin({ResourceAccessGranted{"g1", "customer", "bob", "write"},
                             ResourceAccessGranted{"g2", "customer", "carol", "admin"}});
  EXPECT_EQ(decide(r, grant("customer", "dave", "read", "g3"), customer("bob", "acme"),
                   existing_customer("acme"))
                .error()
                .code,
            DomainErrorCode::forbidden);
  EXPECT_EQ(decide(r, grant("customer", "dave", "read", "g3"), customer("eve", "acme"),
                   existing_customer("acme"))
                .error()
                .code,
            DomainErrorCode::not_found);
  EXPECT_TRUE(decide(r, grant("customer", "dave", "read", "g3"), customer("carol", "globex"),
                     existing_customer("acme")));
  EXPECT_TRUE(decide(r, grant("customer", "dave", "read", "g3"),
                     customer("boss", "acme", OrganizationRole::admin), existing_customer("acme")));
  EXPECT_EQ(decide(r, grant("customer", "dave", "read", "g3"), auditor(), existing_customer("acme"))
                .error()
                .code,
            DomainErrorCode::forbidden);
}

TEST(GrantAccess, ASecondGrantToThePrincipalReplacesTheFirst) {
  const Resource r = plugin({ResourceAccessGranted{"g1", "customer", "bob", "read"}});
  auto d = decide(r, grant("customer", "bob", "write", "g2"), alice(), existing_customer("acme"));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(resource_events(*d),
            (std::vector<Event>{ResourceAccessRevoked{"g1"},
                                ResourceAccessGranted{"g2", "customer", "bob", "write"}}));
  auto same = decide(r, grant("customer", "bob", "read", "g2"), alice(), existing_customer("acme"));
  EXPECT_EQ(same.error().rule, "grant-exists");
}

TEST(GrantAccess, AtMostAHundredGrants) {
  std::vector<Event> events{created()};
  for (std::size_t i = 0; i < kMaxGrantsPerResource; ++i) {
    events.emplace_back(ResourceAccessGranted{"g" + std::to_string(i), "customer",
                                              "c" + std::to_string(i), "read"});
  }
  const Resource full = given(std::move(events));
  EXPECT_EQ(decide(full, grant("customer", "new", "read", "gx"), alice(), existing_customer("acme"))
                .error()
                .rule,
            "too-many-grants");
  EXPECT_TRUE(
      decide(full, grant("customer", "c1", "write", "gx"), alice(), existing_customer("acme")))
      << "replacing a grant does not add one";
}

TEST(RevokeAccess, RemovesOneGrant) {
  const Resource r = plugin({ResourceAccessGranted{"g1", "customer", "bob", "admin"}});
  auto d = decide(r, RevokeAccess{"r", "g1"}, alice());
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->writes.at(0).events, (std::vector<Event>{ResourceAccessRevoked{"g1"}}));
  EXPECT_EQ(d->writes.at(0).expected_version, 2u);
  EXPECT_EQ(decide(r, RevokeAccess{"r", "nope"}, alice()).error().code, DomainErrorCode::not_found);
  EXPECT_TRUE(decide(r, RevokeAccess{"r", "g1"}, customer("bob", "globex")))
      << "an admin grantee manages grants, its own included";
  EXPECT_EQ(decide(r, RevokeAccess{"r", "g1"}, customer("eve", "acme")).error().code,
            DomainErrorCode::not_found);
}

// --- ownership ----------------------------------------------------------------------------

TEST(TransferOwnership, WithinTheOrganizationGuardsTheNewOwner) {
  auto d =
      decide(plugin(), TransferOwnership{"r", "bob"}, alice(), NewOwnerFacts{true, "acme", 5}, {});
  ASSERT_TRUE(d.has_value()) << d.error().message;
  EXPECT_EQ(resource_events(*d),
            (std::vector<Event>{ResourceOwnershipTransferred{"alice", "bob", "acme"}}));
  ASSERT_EQ(d->writes.size(), 2u);
  EXPECT_EQ(d->writes[1].stream_id, "customer-bob");
  EXPECT_EQ(d->writes[1].expected_version, 5u);
  const Resource after = plugin({ResourceOwnershipTransferred{"alice", "bob", "acme"}});
  EXPECT_FALSE(effective_permission(after, alice()).has_value())
      << "the previous owner keeps nothing it was not granted";
  EXPECT_EQ(effective_permission(after, customer("bob", "acme")), Permission::admin);
}

TEST(TransferOwnership, NotToAnotherOrganizationExceptByASuperAdmin) {
  auto outside = decide(plugin(), TransferOwnership{"r", "eve"}, alice(),
                        NewOwnerFacts{true, "globex", 2}, {});
  ASSERT_FALSE(outside.has_value());
  EXPECT_EQ(outside.error().fields.at(0).message, "no such customer in the resource's organization")
      << "reported exactly like an unknown customer";
  EXPECT_EQ(decide(plugin(), TransferOwnership{"r", "ghost"}, alice(), NewOwnerFacts{}, {})
                .error()
                .fields.at(0)
                .message,
            "no such customer in the resource's organization");
  const Resource shared = plugin({ResourceAccessGranted{"g1", "organization", "acme", "read"},
                                  ResourceAccessGranted{"g2", "customer", "bob", "read"}});
  auto moved = decide(shared, TransferOwnership{"r", "eve"}, superadmin(),
                      NewOwnerFacts{true, "globex", 2}, {});
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(resource_events(*moved),
            (std::vector<Event>{ResourceAccessRevoked{"g1"},
                                ResourceOwnershipTransferred{"alice", "eve", "globex"}}))
      << "the old organization's grant goes with the move; customer grants stay";
}

TEST(TransferOwnership, ControllersOnlyAndTheSameOwnerIsANoOp) {
  const Resource r = plugin({ResourceAccessGranted{"g1", "customer", "bob", "admin"}});
  EXPECT_EQ(decide(r, TransferOwnership{"r", "bob"}, customer("bob", "acme"),
                   NewOwnerFacts{true, "acme", 1}, {})
                .error()
                .code,
            DomainErrorCode::forbidden);
  EXPECT_EQ(decide(r, TransferOwnership{"r", "bob"}, customer("eve", "acme"),
                   NewOwnerFacts{true, "acme", 1}, {})
                .error()
                .code,
            DomainErrorCode::not_found);
  EXPECT_TRUE(decide(r, TransferOwnership{"r", "bob"},
                     customer("boss", "acme", OrganizationRole::owner),
                     NewOwnerFacts{true, "acme", 1}, {}));
  auto same =
      decide(r, TransferOwnership{"r", "alice"}, alice(), NewOwnerFacts{true, "acme", 1}, {});
  ASSERT_TRUE(same.has_value());
  EXPECT_TRUE(same->writes.empty());
}

Group things_group(std::string id, std::string organization, std::set<std::string> members) {
  Group g;
  g.id = std::move(id);
  g.organization_id = std::move(organization);
  g.kind = "things";
  for (auto& member : members) g.members.emplace(member, 0);
  g.version = 2;
  return g;
}

TEST(DeleteResource, LeavesTheThingsGroupsHoldingIt) {
  const std::vector<Group> groups{things_group("held", "acme", {"r"}),
                                  things_group("not-held", "acme", {"x"}),
                                  things_group("elsewhere", "globex", {"r"})};
  auto d = decide(plugin(), DeleteResource{"r", 0}, alice(), groups);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(testing::groups_left(*d, "r"),
            (std::map<std::string, std::uint64_t>{{"group-held", 2}}));
}

TEST(TransferOwnership, IntoAnotherOrganizationLeavesTheOldOnesThingsGroups) {
  const std::vector<Group> groups{things_group("held", "acme", {"r"})};
  auto moved = decide(plugin(), TransferOwnership{"r", "eve"}, superadmin(),
                      NewOwnerFacts{true, "globex", 2}, groups);
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(testing::groups_left(*moved, "r"),
            (std::map<std::string, std::uint64_t>{{"group-held", 2}}));
  auto within = decide(plugin(), TransferOwnership{"r", "bob"}, alice(),
                       NewOwnerFacts{true, "acme", 5}, groups);
  ASSERT_TRUE(within.has_value());
  EXPECT_TRUE(testing::groups_left(*within, "r").empty())
      << "within its organization it stays in its groups";
}

// A resource deleted, or handed to another organization's customer, departs from its
// organization (the second look at its things groups, api/groups_holding.hpp); one handed
// within it does not.
TEST(Departures, AreRecordedByDeletionsAndHandoversElsewhere) {
  const std::vector<Group> groups{things_group("held", "acme", {"r"})};
  const std::vector<Departure> from_acme{{"r", "acme"}};
  auto deleted = decide(plugin(), DeleteResource{"r", 0}, alice(), groups);
  ASSERT_TRUE(deleted.has_value());
  EXPECT_EQ(deleted->departures, from_acme);
  auto moved = decide(plugin(), TransferOwnership{"r", "eve"}, superadmin(),
                      NewOwnerFacts{true, "globex", 2}, groups);
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(moved->departures, from_acme);
  auto within = decide(plugin(), TransferOwnership{"r", "bob"}, alice(),
                       NewOwnerFacts{true, "acme", 5}, groups);
  ASSERT_TRUE(within.has_value());
  EXPECT_TRUE(within->departures.empty());
}

TEST(Resource, ApplyKeepsAuditFields) {
  const Resource r = plugin({ResourceUpdated{"New", "", {}}});
  EXPECT_EQ(r.version, 2u);
  EXPECT_EQ(r.created_ms, 1000);
  EXPECT_EQ(r.updated_ms, 2000);
  EXPECT_EQ(r.name, "New");
  EXPECT_EQ(r.owner_id, "alice");
}

}  // namespace
}  // namespace orgd::domain
