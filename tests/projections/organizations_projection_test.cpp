#include "projections/organizations_projection.hpp"

#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdint>
#include <future>

#include "domain/organization/organization.hpp"
#include "eventstore/column_families.hpp"
#include "eventstore/key_encoding.hpp"
#include "projections/counted_index_check.hpp"
#include "projections/organization_document.hpp"
#include "projections/organization_keys.hpp"
#include "projections/organization_queries.hpp"
#include "projections/read_model_rebuild.hpp"
#include "tests/projections/projection_fixture.hpp"

namespace orgd::projections::testing {
namespace {

using domain::ChildOrganizationAdded;
using domain::ChildOrganizationRemoved;
using domain::organization_stream;

// A history with creates, renames, status changes, a move with a subtree, deletes and members.
void write_history(ProjectionTest& t) {
  t.append(organization_stream("a"), {created("a", "Alpha")});
  t.append(organization_stream("b"), {created("b", "Beta")});
  t.append(organization_stream("c"), {created("c", "Gamma", "a")});
  t.append(organization_stream("a"), {ChildOrganizationAdded{"c"}});
  t.append(organization_stream("d"), {created("d", "Delta", "c", "inactive")});
  t.append(organization_stream("c"), {ChildOrganizationAdded{"d"}});
  t.append(organization_stream("b"),
           {domain::OrganizationUpdated{"Bravo", "renamed", "", "inactive", "en", "DE", ""}});
  // Move c (with d below it) from a to b.
  t.append(organization_stream("c"),
           {domain::OrganizationUpdated{"Gamma", "", "b", "active", "", "", ""}});
  t.append(organization_stream("a"), {ChildOrganizationRemoved{"c"}});
  t.append(organization_stream("b"), {ChildOrganizationAdded{"c"}});
  t.append("customer-x", {domain::CustomerRegistered{"x", "x@y.io", "X", "Y", "", "b", "owner", "",
                                                     "hash", "", ""}});
  t.append("members-b", {domain::MemberJoined{"x", "owner"}});
  t.append(organization_stream("e"), {created("e", "Epsilon")});
  t.append(organization_stream("e"), {domain::OrganizationDeleted{"Epsilon"}});
}

TEST_F(ProjectionTest, RowsReflectTheHistory) {
  write_history(*this);
  start_runner();
  ASSERT_TRUE(wait_applied());
  OrganizationQueries queries(*store_);
  auto d = queries.get("d");
  ASSERT_TRUE(d.has_value() && d->has_value());
  EXPECT_EQ((*d)->ancestors, (std::vector<std::string>{"c", "b"})) << "moved with its parent";
  auto b = queries.get("b");
  EXPECT_EQ((*b)->name, "Bravo");
  EXPECT_EQ((*b)->child_count, 1u);
  EXPECT_EQ((*b)->member_count, 1u);
  EXPECT_EQ((*b)->version, 3u);
  EXPECT_EQ((*queries.get("a"))->child_count, 0u);
  EXPECT_FALSE(queries.get("e")->has_value()) << "deleted organizations have no row";
}

// Platform accounts live in Default but are no organization's members: Default's count and
// document leave them out, and count every other customer.
TEST_F(ProjectionTest, PlatformAccountsAreInNoMemberCount) {
  append(organization_stream("b"), {created("b", "Beta")});
  append("customer-s", {domain::CustomerRegistered{"s", "s@y.io", "S", "A", "", "b", "member",
                                                   "superadmin", "hash", "", ""}});
  append("members-b", {domain::MemberJoined{"s", "member"}});
  append("customer-x", {domain::CustomerRegistered{"x", "x@y.io", "X", "Y", "", "b", "member", "",
                                                   "hash", "", ""}});
  append("members-b", {domain::MemberJoined{"x", "member"}});
  start_runner();
  ASSERT_TRUE(wait_applied());
  OrganizationQueries queries(*store_);
  auto b = queries.get("b");
  ASSERT_TRUE(b.has_value() && b->has_value());
  EXPECT_EQ((*b)->member_count, 1u);
  const auto stored = dump(kOrganizationsColumnFamily);
  auto entry = read_documented_entry(stored.at(organization_document_key(**b)));
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(boost::json::parse(entry->document).as_object().at("memberCount"), 1);
}

// A listing sends the stored documents as they are, so each must be its row's, whatever
// changed the row: a rename, a move, a child, a member, a plan; and a delete takes both.
TEST_F(ProjectionTest, EveryRowHasItsDocumentAndNoDocumentOutlivesItsRow) {
  write_history(*this);
  append(organization_stream("d"), {domain::BillingPlanChanged{"pro"}});
  start_runner();
  ASSERT_TRUE(wait_applied());
  const auto stored = dump(kOrganizationsColumnFamily);
  std::size_t rows = 0;
  std::size_t documents = 0;
  for (const auto& [key, value] : stored) {
    if (key.starts_with(documented_index_prefix())) ++documents;
    if (!key.starts_with('r')) continue;
    ++rows;
    auto row = decode_organization_row(value);
    ASSERT_TRUE(row.has_value()) << key;
    const auto entry = stored.find(organization_document_key(*row));
    ASSERT_NE(entry, stored.end()) << "no document for " << row->id;
    EXPECT_EQ(entry->second, documented_entry(row->id, organization_document(*row))) << row->id;
  }
  EXPECT_EQ(rows, 4u) << "a, b, c and d; e was deleted";
  EXPECT_EQ(documents, rows) << "a renamed row leaves no document under its old name";
  auto document_of = [&](const std::string& id) {
    auto row = decode_organization_row(stored.at(organization_row_key(id)));
    EXPECT_TRUE(row.has_value());
    auto entry = read_documented_entry(stored.at(organization_document_key(*row)));
    EXPECT_TRUE(entry.has_value());
    EXPECT_EQ(entry->id, id);
    return boost::json::parse(entry->document).as_object();
  };
  const auto b = document_of("b");
  EXPECT_EQ(b.at("name"), "Bravo");
  EXPECT_EQ(b.at("memberCount"), 1);
  EXPECT_EQ(b.at("childCount"), 1);
  const auto d = document_of("d");
  EXPECT_EQ(d.at("billingPlan"), "pro");
  EXPECT_EQ(d.at("parentId"), "c");
}

// Every other index entry says where its organization's document is: after a rename, the
// new place, in every scope and both orders.
TEST_F(ProjectionTest, EveryIndexEntryPointsAtItsOrganizationsDocument) {
  write_history(*this);
  start_runner();
  ASSERT_TRUE(wait_applied());
  const auto stored = dump(kOrganizationsColumnFamily);
  std::size_t entries = 0;
  for (const auto& [key, value] : stored) {
    if (!key.starts_with('x') || key.starts_with(documented_index_prefix())) continue;
    ++entries;
    const auto id = std::string(id_of_document_suffix(value));
    const auto row = decode_organization_row(stored.at(organization_row_key(id)));
    ASSERT_TRUE(row.has_value()) << id;
    EXPECT_EQ(organization_document_key(value), organization_document_key(*row)) << key;
  }
  EXPECT_GT(entries, 20u);
}

TEST_F(ProjectionTest, ListingsUseCountersThatMatchTheIndex) {
  write_history(*this);
  start_runner();
  ASSERT_TRUE(wait_applied());
  OrganizationQueries queries(*store_);
  auto count = [&](OrganizationListQuery q) {
    q.page_size = 100;
    auto page = queries.list(q);
    EXPECT_TRUE(page.has_value());
    EXPECT_EQ(page->total, page->rows.size()) << "counter disagrees with the index";
    return page->rows.size();
  };
  EXPECT_EQ(count({}), 4u);
  EXPECT_EQ(count({.status = "inactive"}), 2u);  // Bravo, Delta
  EXPECT_EQ(count({.parent_id = ""}), 2u);       // Alpha, Bravo
  EXPECT_EQ(count({.parent_id = "b"}), 1u);
  EXPECT_EQ(count({.parent_id = "a"}), 0u);
  EXPECT_EQ(count({.subtree_root = "b"}), 3u);  // Bravo, Gamma, Delta
  EXPECT_EQ(count({.subtree_root = "a"}), 1u);
  EXPECT_EQ(count({.status = "active", .subtree_root = "b"}), 1u);
  EXPECT_EQ(count({.name_prefix = "G"}), 1u);
}

TEST_F(ProjectionTest, CursorsAreBoundToTheirListing) {
  write_history(*this);
  start_runner();
  ASSERT_TRUE(wait_applied());
  OrganizationQueries queries(*store_);
  auto first = queries.list({.page_size = 1});
  ASSERT_TRUE(first.has_value());
  ASSERT_FALSE(first->next_cursor.empty());
  auto second = queries.list({.page_size = 1, .cursor = first->next_cursor});
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->page, 2u);
  EXPECT_NE(second->rows.at(0).id, first->rows.at(0).id);
  auto elsewhere =
      queries.list({.status = "inactive", .page_size = 1, .cursor = first->next_cursor});
  ASSERT_FALSE(elsewhere.has_value());
  EXPECT_EQ(elsewhere.error().code, QueryErrorCode::invalid_cursor);
  auto resized = queries.list({.page_size = 2, .cursor = first->next_cursor});
  ASSERT_FALSE(resized.has_value()) << "a cursor of another page size";
  EXPECT_EQ(resized.error().code, QueryErrorCode::invalid_cursor);
  // The page number a cursor carries (its first 8 bytes, 16 hex digits) is checked too.
  for (const char* page :
       {"0000000000000000", "0000000000000001", "ffffffffffffffff", "0020000000000001"}) {
    auto tampered = queries.list({.page_size = 1, .cursor = page + first->next_cursor.substr(16)});
    ASSERT_FALSE(tampered.has_value()) << page;
    EXPECT_EQ(tampered.error().code, QueryErrorCode::invalid_cursor) << page;
  }
  auto far =
      queries.list({.page_size = 1, .cursor = "0000000000000007" + first->next_cursor.substr(16)});
  ASSERT_TRUE(far.has_value()) << "a page number a listing can reach";
  EXPECT_EQ(far->page, 7u);
}

TEST_F(ProjectionTest, RebuildFromZeroIsByteIdentical) {
  write_history(*this);
  start_runner();
  ASSERT_TRUE(wait_applied());
  runner_.reset();
  std::map<std::string, std::map<std::string, std::string>> live;
  for (const auto& cf : projection_column_families()) live[cf] = dump(cf);
  ASSERT_FALSE(live["organizations"].empty());
  for (auto& projection : make_projections()) {
    auto replayed = rebuild_offline(*store_, *projection);
    ASSERT_TRUE(replayed.has_value()) << replayed.error();
    EXPECT_EQ(*replayed, store_->head_position());
  }
  for (const auto& cf : projection_column_families()) {
    EXPECT_EQ(dump(cf), live[cf]) << cf << " differs after rebuild";
  }
}

// Longer than two of a replay's chunks (1,024 events), with rows and index entries of earlier
// chunks renamed, deactivated and deleted in later ones: a replay stages each chunk over the
// one before while that one is written (read_model_rebuild.cpp).
void write_long_history(ProjectionTest& t) {
  constexpr int kOrganizations = 200;
  auto id = [](int i) { return "o" + std::to_string(i); };
  auto parent = [&](int i) { return i % 10 == 0 ? std::string() : id(i - i % 10); };
  for (int i = 0; i < kOrganizations; ++i) {
    t.append(organization_stream(id(i)), {created(id(i), "Org " + std::to_string(i), parent(i))});
    if (i % 10 != 0) t.append(organization_stream(parent(i)), {ChildOrganizationAdded{id(i)}});
  }
  for (int i = 0; i < kOrganizations; ++i) {
    std::vector<domain::Event> updates;
    for (int k = 0; k < 10; ++k) {
      updates.push_back(domain::OrganizationUpdated{
          "Org " + std::to_string((i * 7 + k) % kOrganizations) + "-" + std::to_string(k), "",
          parent(i), k % 3 == 2 ? "inactive" : "active", "", "", ""});
    }
    t.append(organization_stream(id(i)), std::move(updates));
  }
  for (int i = 1; i < kOrganizations; i += 10) {
    t.append(organization_stream(id(i)), {domain::OrganizationDeleted{"gone"}});
    t.append(organization_stream(parent(i)), {ChildOrganizationRemoved{id(i)}});
  }
}

// One replay job per projection, into its live column family, emptied first.
std::vector<ReplayJob> cleared_read_models(ProjectionTest& t,
                                           const std::vector<std::unique_ptr<Projection>>& all) {
  std::vector<ReplayJob> jobs;
  for (const auto& projection : all) {
    const ReplayTarget target{t.store_->db(), t.store_->column_family(projection->column_family())};
    EXPECT_TRUE(clear_read_model(target, ClearStamp::rebuilding).has_value());
    jobs.push_back({projection.get(), target});
  }
  return jobs;
}

TEST_F(ProjectionTest, ARebuildOverManyChunksStoppedAndResumedHoldsTheSameEntriesAndCounts) {
  write_long_history(*this);
  const std::uint64_t head = store_->head_position();
  ASSERT_GT(head, 2 * 1024u);
  start_runner();
  ASSERT_TRUE(wait_applied());
  runner_.reset();
  // The live runner stores a checkpoint only with a change; a replay with every chunk.
  auto without_checkpoint = [&](const std::string& cf) {
    auto rows = dump_entries(cf);
    rows.erase(std::string(kCheckpointKey));
    return rows;
  };
  std::map<std::string, std::map<std::string, std::string>> live;
  std::map<std::string, std::map<std::string, std::uint64_t>> live_trees;
  for (const auto& cf : projection_column_families()) {
    live[cf] = without_checkpoint(cf);
    live_trees[cf] = tree_totals(cf);
  }
  ASSERT_FALSE(live_trees["organizations"].empty()) << "indexes big enough for a tree";
  auto projections = make_projections();
  const auto jobs = cleared_read_models(*this, projections);

  // Stopped after the first chunk: what was applied is written, with its checkpoint...
  ReplayHooks stop;
  stop.progress = [](std::uint64_t, std::uint64_t) { return false; };
  auto first = replay_all_into(*store_, jobs, {0, head}, stop);
  ASSERT_TRUE(first.has_value()) << first.error();
  EXPECT_GT(*first, 0u);
  EXPECT_LT(*first, head) << "stopped after its first chunk";
  for (const auto& job : jobs) {
    EXPECT_EQ(checkpoint_of(job.target).value(), *first);
    // ... with the trees of what it wrote (a replay from 0 counts at its end, stopped or not)
    const auto check = check_counted_indexes(job.target.db, job.target.cf, {});
    EXPECT_TRUE(check.ok()) << check.problem;
    std::string layout;
    ASSERT_TRUE(job.target.db->Get({}, job.target.cf, kReadModelLayoutKey, &layout).ok());
    EXPECT_EQ(decode_u64(layout), kReadModelLayout) << "whole at its checkpoint";
  }
  // ... and the replay goes on from there, counting entry by entry over those trees.
  auto rest = replay_all_into(*store_, jobs, {*first, head});
  ASSERT_TRUE(rest.has_value()) << rest.error();
  EXPECT_EQ(*rest, head);
  for (const auto& job : jobs) EXPECT_EQ(checkpoint_of(job.target).value(), head);
  for (const auto& cf : projection_column_families()) {
    EXPECT_EQ(without_checkpoint(cf), live[cf]) << cf << " differs after the replay";
    const auto check = check_counted_indexes(store_->db(), store_->column_family(cf), {});
    EXPECT_TRUE(check.ok()) << cf << ": " << check.problem;
    expect_same_counts(live_trees[cf], tree_totals(cf), cf);
  }
  EXPECT_EQ(dump("organizations").count(organization_row_key("o1")), 0u) << "deleted";
  const auto o2 = decode_organization_row(dump("organizations").at(organization_row_key("o2")));
  ASSERT_TRUE(o2.has_value());
  EXPECT_EQ(dump("organizations").count(organization_document_key(*o2)), 1u);
}

// A replay from 0 writes its trees only at its end: killed before, it leaves read models
// whose indexes nothing counts. Their stamp says so, and orgd empties and rebuilds them.
TEST_F(ProjectionTest, AReplayKilledBeforeItCountedIsEmptiedAndRebuiltAtStart) {
  write_long_history(*this);
  start_runner();
  ASSERT_TRUE(wait_applied());
  runner_.reset();
  const auto live = dump_entries("organizations");
  const auto live_trees = tree_totals("organizations");
  auto projections = make_projections();
  const auto jobs = cleared_read_models(*this, projections);
  std::optional<std::filesystem::path> copy;
  int chunks = 0;
  ReplayHooks kill;
  kill.progress = [&](std::uint64_t, std::uint64_t) {
    if (++chunks < 2) return true;  // the first chunk is written while the second is applied
    for (const auto& job : jobs) {
      std::string layout;
      EXPECT_TRUE(job.target.db->Get({}, job.target.cf, kReadModelLayoutKey, &layout).ok());
      EXPECT_EQ(decode_u64(layout), kReadModelUncountedLayout);
      // As RocksDB flushes full memtables on its own; then the power goes.
      EXPECT_TRUE(job.target.db->Flush({}, job.target.cf).ok());
    }
    copy = crash_copy();
    return false;
  };
  ASSERT_TRUE(replay_all_into(*store_, jobs, {0, store_->head_position()}, kill).has_value());
  ASSERT_TRUE(copy.has_value());
  reopen_from(*copy);
  {
    const ReplayTarget organizations{store_->db(), store_->column_family("organizations")};
    EXPECT_GT(checkpoint_of(organizations).value(), 0u) << "the copy holds the first chunk";
    EXPECT_TRUE(check_counted_index(organizations.db, organizations.cf, {},
                                    organization_index_prefix(scope_all(), OrganizationSort::name))
                    .problem.find("no count tree") != std::string::npos)
        << "and nothing counts its entries";
  }
  start_runner();
  const auto& emptied = runner_->read_models().emptied_at_open();
  EXPECT_EQ(emptied.size(), projection_column_families().size()) << "every one the replay wrote";
  EXPECT_NE(std::find(emptied.begin(), emptied.end(), "organizations"), emptied.end());
  ASSERT_TRUE(wait_applied());
  runner_.reset();
  EXPECT_EQ(dump_entries("organizations"), live);
  EXPECT_EQ(tree_totals("organizations"), live_trees) << "grown entry by entry, as live";
  const auto check =
      check_counted_indexes(store_->db(), store_->column_family("organizations"), {});
  EXPECT_TRUE(check.ok()) << check.problem;
}

// A rebuild killed between clearing its read models and its first write leaves them at
// checkpoint 0, as if never written; their stamp tells orgd, which warns as it rebuilds them.
TEST_F(ProjectionTest, ARebuildKilledBeforeItsFirstWriteIsRebuiltWithTheWarning) {
  write_long_history(*this);
  start_runner();
  ASSERT_TRUE(wait_applied());
  runner_.reset();
  const auto live = dump_entries("organizations");
  auto projections = make_projections();
  const auto jobs = cleared_read_models(*this, projections);
  for (const auto& job : jobs) {
    EXPECT_EQ(checkpoint_of(job.target).value(), 0u);
    std::string layout;
    ASSERT_TRUE(job.target.db->Get({}, job.target.cf, kReadModelLayoutKey, &layout).ok());
    EXPECT_EQ(decode_u64(layout), kReadModelUncountedLayout);
  }
  reopen_from(crash_copy());
  start_runner();
  const auto& emptied = runner_->read_models().emptied_at_open();
  EXPECT_EQ(emptied.size(), projection_column_families().size()) << "every one it cleared";
  ASSERT_TRUE(wait_applied());
  // orgd's own emptying leaves no stamp: a read model no event has written since (verify reads
  // it beside a running orgd) is one never written, not an unfinished rebuild.
  for (const auto& cf : projection_column_families()) {
    std::string layout;
    const auto s = store_->db()->Get({}, store_->column_family(cf), kReadModelLayoutKey, &layout);
    EXPECT_TRUE(s.IsNotFound() || decode_u64(layout) == kReadModelLayout) << cf;
  }
  runner_.reset();
  EXPECT_EQ(dump_entries("organizations"), live);

  // Written again, the next start finds nothing to warn of.
  store_.reset();
  open();
  start_runner();
  EXPECT_TRUE(runner_->read_models().emptied_at_open().empty());
}

// A replay that fails (a projection refuses an event) writes the failing chunk for no read model
// and counts the others: each is whole at its checkpoint, and the live runner goes on from there,
// stopping right before the event again.
TEST_F(ProjectionTest, AFailedReplayLeavesEveryReadModelWholeAtItsCheckpoint) {
  write_long_history(*this);
  const std::uint64_t bad =
      append(organization_stream("ghost"),
             {domain::OrganizationUpdated{"G", "", "", "active", "", "", ""}});
  append(organization_stream("late"), {created("late", "Late")});
  auto projections = make_projections();
  const auto jobs = cleared_read_models(*this, projections);
  auto failed = replay_all_into(*store_, jobs, {0, store_->head_position()});
  ASSERT_FALSE(failed.has_value());
  EXPECT_NE(failed.error().find("position " + std::to_string(bad)), std::string::npos)
      << failed.error();
  for (const auto& job : jobs) {
    std::string layout;
    ASSERT_TRUE(job.target.db->Get({}, job.target.cf, kReadModelLayoutKey, &layout).ok());
    EXPECT_EQ(decode_u64(layout), kReadModelLayout) << job.projection->name();
    EXPECT_LT(checkpoint_of(job.target).value(), bad) << "the failed chunk is written for none";
    const auto check = check_counted_indexes(job.target.db, job.target.cf, {});
    EXPECT_TRUE(check.ok()) << job.projection->name() << ": " << check.problem;
  }
  EXPECT_FALSE(tree_totals("organizations").empty());
  start_runner();
  EXPECT_TRUE(runner_->read_models().emptied_at_open().empty()) << "nothing to rebuild";
  EXPECT_FALSE(wait_applied());
  for (const auto& status : runner_->status()) {
    if (status.name == "organizations") {
      EXPECT_EQ(status.checkpoint, bad - 1) << "resumed and stopped right before the event";
    } else {
      EXPECT_TRUE(status.error.empty()) << status.name;
    }
  }
}

// A cancelled online rebuild drops what it wrote, and need not wait for a pass over every index.
TEST_F(ProjectionTest, AStoppedReplayWhoseWorkIsDroppedCountsNothing) {
  write_long_history(*this);
  auto projections = make_projections();
  const auto jobs = cleared_read_models(*this, projections);
  ReplayHooks cancel;
  cancel.progress = [](std::uint64_t, std::uint64_t) { return false; };
  cancel.count_when_stopped = false;
  auto stopped = replay_all_into(*store_, jobs, {0, store_->head_position()}, cancel);
  ASSERT_TRUE(stopped.has_value()) << stopped.error();
  EXPECT_LT(*stopped, store_->head_position());
  for (const auto& job : jobs) {
    std::string layout;
    ASSERT_TRUE(job.target.db->Get({}, job.target.cf, kReadModelLayoutKey, &layout).ok());
    EXPECT_EQ(decode_u64(layout), kReadModelUncountedLayout);
  }
  EXPECT_TRUE(tree_totals("organizations").empty());
  EXPECT_FALSE(dump_entries("organizations").empty()) << "what it applied is written";
}

// The bytes of the live WAL files numbered `first` and later.
std::uint64_t wal_bytes_since(rocksdb::DB& db, std::uint64_t first) {
  rocksdb::VectorLogPtr files;
  EXPECT_TRUE(db.GetSortedWalFiles(files).ok());
  std::uint64_t bytes = 0;
  for (const auto& file : files) {
    if (file->Type() == rocksdb::kAliveLogFile && file->LogNumber() >= first) {
      bytes += file->SizeFileBytes();
    }
  }
  return bytes;
}

std::uint64_t current_wal(rocksdb::DB& db) {
  std::unique_ptr<rocksdb::LogFile> file;
  EXPECT_TRUE(db.GetCurrentWalFile(&file).ok());
  return file ? file->LogNumber() : 0;
}

TEST_F(ProjectionTest, AReplayWritesAroundTheWalAndIsDurableWhenItReturns) {
  write_long_history(*this);
  start_runner();
  ASSERT_TRUE(wait_applied());
  runner_.reset();
  auto projections = make_projections();
  const auto jobs = cleared_read_models(*this, projections);
  auto& db = *store_->db();
  const std::uint64_t first_wal = current_wal(db);
  const std::uint64_t wal_before = wal_bytes_since(db, first_wal);
  auto replayed = replay_all_into(*store_, jobs, {0, store_->head_position()});
  ASSERT_TRUE(replayed.has_value()) << replayed.error();

  rocksdb::ColumnFamilyMetaData organizations;
  db.GetColumnFamilyMetaData(store_->column_family("organizations"), &organizations);
  EXPECT_GT(organizations.size, 64u << 10) << "the replay wrote its read models to table files";
  EXPECT_LT(wal_bytes_since(db, first_wal), wal_before + 4096) << "and none of it to the WAL";

  // The live runner writes through the WAL on top of the replay's changes. A crash now (a copy
  // of the table files and the WAL as they are, no flush) must leave both.
  start_runner();
  append(organization_stream("late"), {created("late", "Late")});
  ASSERT_TRUE(wait_applied());
  const auto copy = crash_copy();
  runner_.reset();
  std::map<std::string, std::map<std::string, std::string>> clean;
  for (const auto& cf : projection_column_families()) clean[cf] = dump(cf);
  ASSERT_EQ(clean["organizations"].count(organization_row_key("o2")), 1u);
  restart_from(copy);
  for (const auto& cf : projection_column_families()) {
    EXPECT_EQ(dump(cf), clean[cf]) << cf << " differs after the crash";
  }
}

TEST_F(ProjectionTest, CheckpointsSurviveARestartWithoutReapplying) {
  write_history(*this);
  start_runner();
  ASSERT_TRUE(wait_applied());
  runner_.reset();
  store_.reset();
  open();
  start_runner();
  append("customer-z", {domain::CustomerRegistered{"z", "z@y.io", "Z", "Y", "", "b", "member", "",
                                                   "hash", "", ""}});
  append("members-b", {domain::MemberJoined{"z", "member"}});
  ASSERT_TRUE(wait_applied());
  for (const auto& status : runner_->status()) {
    EXPECT_EQ(status.checkpoint, store_->head_position()) << status.name;
  }
  // Re-applying the first customer would make this 3.
  EXPECT_EQ((*OrganizationQueries(*store_).get("b"))->member_count, 2u);
}

TEST_F(ProjectionTest, AFailingEventStopsTheProjectionRightBeforeIt) {
  append(organization_stream("a"), {created("a", "Alpha")});
  // An update for an organization the log never created cannot be projected.
  const std::uint64_t bad =
      append(organization_stream("ghost"),
             {domain::OrganizationUpdated{"G", "", "", "active", "", "", ""}});
  append(organization_stream("b"), {created("b", "Beta")});
  start_runner();
  EXPECT_FALSE(wait_applied()) << "waiters past the failure learn the model is stopped";
  for (const auto& status : runner_->status()) {
    if (status.name == "organizations") {
      EXPECT_EQ(status.checkpoint, bad - 1);
      EXPECT_NE(status.error.find("position " + std::to_string(bad)), std::string::npos)
          << status.error;
    } else {
      EXPECT_TRUE(status.error.empty()) << "other projections keep running";
    }
  }
  EXPECT_FALSE(OrganizationQueries(*store_).get("b")->has_value()) << "nothing is skipped";
}

// A log the subscription cannot read on (here an entry missing: a gap) ends delivery; every
// projection stops with the reason, and a command waiting for its read-your-writes answer
// learns it instead of waiting until shutdown.
TEST_F(ProjectionTest, ALogThatCannotBeReadStopsEveryProjectionAndReleasesItsWaiters) {
  append(organization_stream("a"), {created("a", "Alpha")});
  const std::uint64_t lost = append(organization_stream("b"), {created("b", "Beta")});
  append(organization_stream("c"), {created("c", "Gamma")});
  ASSERT_TRUE(store_->db()
                  ->Delete(rocksdb::WriteOptions(), store_->column_family(eventstore::kEventsCf),
                           eventstore::event_key(lost))
                  .ok());
  start_runner();
  // Shared: if the wait below fails, the runner still answers the waiter when it stops.
  auto done = std::make_shared<std::promise<bool>>();
  auto released = done->get_future();
  runner_->when_applied(store_->head_position(), [done](bool ok) { done->set_value(ok); });
  ASSERT_EQ(released.wait_for(std::chrono::seconds(60)), std::future_status::ready)
      << "the waiter was never told";
  EXPECT_FALSE(released.get());
  EXPECT_FALSE(runner_->settled_position().has_value());
  for (const auto& status : runner_->status()) {
    EXPECT_LT(status.checkpoint, lost) << status.name << ": nothing past the gap is applied";
    EXPECT_NE(status.error.find("reading the log failed"), std::string::npos)
        << status.name << ": " << status.error;
    EXPECT_NE(status.error.find("gap in the log"), std::string::npos) << status.error;
  }
}

}  // namespace
}  // namespace orgd::projections::testing
