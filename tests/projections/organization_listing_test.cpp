// Listings of a few hundred organizations after renames, status changes, moves and deletes:
// every page number reaches the same rows as the cursors and as one big page, the totals and
// count trees agree with the entries, and a replay writes the same bytes.

#include <algorithm>
#include <map>
#include <random>

#include "domain/field_rules.hpp"
#include "domain/organization/organization.hpp"
#include "projections/counted_index_check.hpp"
#include "projections/organization_queries.hpp"
#include "projections/read_model_rebuild.hpp"
#include "tests/projections/projection_fixture.hpp"

namespace orgd::projections::testing {
namespace {

using domain::organization_stream;

struct Org {
  std::string name;
  std::string parent;
  std::string status;
};

class OrganizationListingTest : public ProjectionTest {
 public:
  // Tops t0..t7 (never moved), children c* below tops (moved between them with their
  // subtrees), grandchildren g* below children (the only ones deleted).
  void write_history() {
    std::mt19937 rng(11);
    auto name = [&] {
      std::string n(1, "abcB"[rng() % 4]);
      n += std::to_string(rng() % 50);  // collisions: equal names order by id
      return n;
    };
    auto create = [&](const std::string& id, const std::string& parent) {
      orgs_[id] = {name(), parent, rng() % 3 == 0 ? "inactive" : "active"};
      append(organization_stream(id), {created(id, orgs_[id].name, parent, orgs_[id].status)});
    };
    for (int i = 0; i < 8; ++i) create("t" + std::to_string(i), "");
    for (int i = 0; i < 150; ++i) create("c" + std::to_string(i), "t" + std::to_string(rng() % 8));
    for (int i = 0; i < 250; ++i)
      create("g" + std::to_string(i), "c" + std::to_string(rng() % 150));
    for (int i = 0; i < 400; ++i) {
      const int kind = static_cast<int>(rng() % 4);
      std::string id = kind == 2 ? "c" + std::to_string(rng() % 150)
                                 : (rng() % 2 ? "g" : "c") + std::to_string(rng() % 150);
      if (!orgs_.contains(id)) continue;
      Org next = orgs_[id];
      if (kind == 0) next.name = name();
      if (kind == 1) next.status = next.status == "active" ? "inactive" : "active";
      if (kind == 2) next.parent = "t" + std::to_string(rng() % 8);
      if (kind == 3 && id.starts_with("g")) {
        append(organization_stream(id), {domain::OrganizationDeleted{orgs_[id].name}});
        orgs_.erase(id);
        continue;
      }
      append(organization_stream(id),
             {domain::OrganizationUpdated{next.name, "", next.parent, next.status, "", "", ""}});
      orgs_[id] = next;
    }
  }

  std::vector<std::string> ids(const std::vector<OrganizationRow>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.id);
    return out;
  }

  std::map<std::string, Org> orgs_;
};

TEST_F(OrganizationListingTest, PageNumbersCursorsAndTotalsAgree) {
  write_history();
  start_runner();
  ASSERT_TRUE(wait_applied());
  OrganizationQueries queries(*store_);

  // Name order of everything, from the model: folded name, then id.
  std::vector<std::pair<std::string, std::string>> by_name;
  for (const auto& [id, org] : orgs_) by_name.emplace_back(domain::fold_case(org.name), id);
  std::sort(by_name.begin(), by_name.end());
  std::vector<std::string> expected;
  for (const auto& entry : by_name) expected.push_back(entry.second);
  auto everything = queries.list({.page_size = 100000});
  ASSERT_TRUE(everything.has_value());
  EXPECT_EQ(ids(everything->rows), expected);
  EXPECT_EQ(everything->total, orgs_.size());

  const std::vector<OrganizationListQuery> filters{
      {},
      {.status = "inactive"},
      {.parent_id = ""},
      {.parent_id = "t3"},
      {.subtree_root = "t2"},
      {.status = "active", .subtree_root = "t1"},
      {.name_prefix = "b"},
      {.status = "active", .name_prefix = "B1"},
  };
  for (auto filter : filters) {
    for (auto sort : {OrganizationSort::name, OrganizationSort::created}) {
      for (bool descending : {false, true}) {
        filter.sort = sort;
        filter.descending = descending;
        OrganizationListQuery one = filter;
        one.page_size = 100000;
        auto all = queries.list(one);
        ASSERT_TRUE(all.has_value());
        const auto want = ids(all->rows);
        EXPECT_EQ(all->total, want.size());
        std::vector<std::string> numbered, cursored;
        std::string cursor;
        for (std::uint64_t page = 1; page < 1000; ++page) {
          OrganizationListQuery q = filter;
          q.page = page;
          q.page_size = 9;
          auto by_number = queries.list(q);
          ASSERT_TRUE(by_number.has_value());
          EXPECT_EQ(by_number->total, want.size());
          if (by_number->rows.empty()) break;
          for (const auto& r : by_number->rows) numbered.push_back(r.id);
          q.cursor = cursor;
          auto by_cursor = queries.list(q);
          ASSERT_TRUE(by_cursor.has_value());
          EXPECT_EQ(ids(by_cursor->rows), ids(by_number->rows)) << "page " << page;
          for (const auto& r : by_cursor->rows) cursored.push_back(r.id);
          cursor = by_number->next_cursor;
          if (cursor.empty()) break;
        }
        EXPECT_EQ(numbered, want) << "scope of filter " << filter.name_prefix << " sort "
                                  << static_cast<char>(sort) << (descending ? " desc" : "");
        EXPECT_EQ(cursored, want);
        if (sort == OrganizationSort::created) {
          // In creation order: the same organizations as in name order, sorted by creation.
          OrganizationListQuery named = one;
          named.sort = OrganizationSort::name;
          auto by_name = ids(queries.list(named)->rows);
          std::vector<std::string> sorted_want = want;
          std::sort(by_name.begin(), by_name.end());
          std::sort(sorted_want.begin(), sorted_want.end());
          EXPECT_EQ(sorted_want, by_name);
          EXPECT_TRUE(std::is_sorted(all->rows.begin(), all->rows.end(),
                                     [&](const OrganizationRow& a, const OrganizationRow& b) {
                                       return descending ? a.created_position > b.created_position
                                                         : a.created_position < b.created_position;
                                     }));
        }
      }
    }
  }
}

// A name search in creation order sorts its matches in memory: past its bound it refuses
// rather than sort them all, and its cursors are its own.
TEST_F(OrganizationListingTest, ANameSearchInCreationOrderIsBounded) {
  write_history();
  start_runner();
  ASSERT_TRUE(wait_applied());
  OrganizationQueries queries(*store_);
  OrganizationListQuery q{.name_prefix = "b", .sort = OrganizationSort::created};
  auto matches = queries.list(q);
  ASSERT_TRUE(matches.has_value());
  ASSERT_GT(matches->total, 5u);
  q.most_matches_by_creation = matches->total;
  EXPECT_TRUE(queries.list(q).has_value()) << "exactly at the bound";
  q.most_matches_by_creation = matches->total - 1;
  auto refused = queries.list(q);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, QueryErrorCode::too_many_matches);

  OrganizationListQuery first{
      .name_prefix = "b", .sort = OrganizationSort::created, .page_size = 2};
  auto page = queries.list(first);
  ASSERT_TRUE(page.has_value());
  ASSERT_FALSE(page->next_cursor.empty());
  for (auto other : {OrganizationListQuery{.name_prefix = "a", .sort = OrganizationSort::created},
                     OrganizationListQuery{
                         .name_prefix = "b", .sort = OrganizationSort::created, .descending = true},
                     OrganizationListQuery{.name_prefix = "b"}}) {
    other.cursor = page->next_cursor;
    auto wrong = queries.list(other);
    ASSERT_FALSE(wrong.has_value()) << "a cursor of another listing";
    EXPECT_EQ(wrong.error().code, QueryErrorCode::invalid_cursor);
  }
}

TEST_F(OrganizationListingTest, CountTreesAgreeAndAReplayWritesTheSameEntriesAndCounts) {
  write_history();
  start_runner();
  ASSERT_TRUE(wait_applied());
  runner_.reset();
  std::map<std::string, std::map<std::string, std::string>> live;
  std::map<std::string, std::map<std::string, std::uint64_t>> live_trees;
  for (const auto& cf : projection_column_families()) {
    live[cf] = dump_entries(cf);
    live_trees[cf] = tree_totals(cf);
    const auto check =
        check_counted_indexes(store_->db(), store_->column_family(cf), rocksdb::ReadOptions());
    EXPECT_TRUE(check.ok()) << cf << ": " << check.problem;
    if (cf == "organizations") {
      EXPECT_GE(check.indexes, 4u) << "both orders of every big scope, at least";
    }
  }
  // Small indexes have no tree: each counts what it holds.
  auto* organizations = store_->column_family("organizations");
  std::vector<std::string> scopes{scope_all(), scope_status("inactive"), scope_parent("")};
  for (int i = 0; i < 8; ++i) {
    scopes.push_back(scope_parent("t" + std::to_string(i)));
    scopes.push_back(scope_subtree("t" + std::to_string(i)));
    scopes.push_back(scope_subtree("c" + std::to_string(i)));
  }
  for (const auto& scope : scopes) {
    for (auto sort : {OrganizationSort::name, OrganizationSort::created}) {
      const auto check = check_counted_index(store_->db(), organizations, {},
                                             organization_index_prefix(scope, sort));
      EXPECT_TRUE(check.ok()) << scope << ": " << check.problem;
    }
  }
  // A replay builds its trees at the end (uncounted_indexes.hpp): the same entries, trees that
  // pass the same check and count the same, and the same bytes from one replay to the next.
  std::map<std::string, std::map<std::string, std::string>> first_replay;
  for (int replay = 0; replay < 2; ++replay) {
    for (auto& projection : make_projections()) {
      const ReplayTarget target{store_->db(), store_->column_family(projection->column_family())};
      ASSERT_TRUE(clear_read_model(target).has_value());
      auto replayed = replay_into(*store_, *projection, target, {0, store_->head_position()});
      ASSERT_TRUE(replayed.has_value()) << replayed.error();
    }
    for (const auto& cf : projection_column_families()) {
      EXPECT_EQ(dump_entries(cf), live[cf]) << cf << " differs after a replay";
      const auto check =
          check_counted_indexes(store_->db(), store_->column_family(cf), rocksdb::ReadOptions());
      EXPECT_TRUE(check.ok()) << cf << ": " << check.problem;
      expect_same_counts(live_trees[cf], tree_totals(cf), cf);
      if (replay == 0) {
        first_replay[cf] = dump(cf);
      } else {
        EXPECT_EQ(dump(cf), first_replay[cf]) << cf << ": two replays wrote different bytes";
      }
    }
  }
  EXPECT_GE(tree_totals("organizations").size(), 4u) << "the replay built the trees";
}

TEST_F(OrganizationListingTest, AReadModelOfAnotherLayoutIsRebuiltAtStart) {
  write_history();
  start_runner();
  ASSERT_TRUE(wait_applied());
  runner_.reset();
  const auto before = dump("organizations");
  auto* cf = store_->column_family("organizations");
  // As an older orgd left it: a counter of the old layout, and no layout stamp.
  ASSERT_TRUE(store_->db()->Put({}, cf, "call", encode_u64(5)).ok());
  ASSERT_TRUE(store_->db()->Delete({}, cf, kReadModelLayoutKey).ok());
  const auto customers = dump("customers");
  start_runner();
  EXPECT_EQ(runner_->read_models().emptied_at_open(), std::vector<std::string>{"organizations"})
      << "the one to rebuild is named, for orgd to say so";
  ASSERT_TRUE(wait_applied());
  EXPECT_EQ(dump("organizations"), before) << "emptied and replayed from position 1";
  EXPECT_EQ(dump("customers"), customers) << "a read model of this layout is left alone";
}

}  // namespace
}  // namespace orgd::projections::testing
