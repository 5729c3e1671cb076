#pragma once
// Reads of the organization read model. Each call sees one consistent snapshot.
//
// Cost: get is one point read; a listing page is a seek plus page_size steps, and for a page
// number past 1 a walk down the index's count tree (the same at any depth); totalElements is
// the tree's root, or with a name prefix `q` two walks down it. Exception: `q` with creation
// order reads and sorts every match. Then one MultiGet of the page's rows or documents, except
// for the documents of a page of every organization in name order: that index carries them
// (index_carries_documents). A page's rows are remembered with the snapshot they were read
// from (rows_at_snapshot.hpp): a page repeated before anything is written skips their lookups.
// Thread-safety: any thread.

#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "eventstore/store.hpp"
#include "projections/index_page.hpp"
#include "projections/organization_keys.hpp"
#include "projections/organization_row.hpp"
#include "projections/read_model_handles.hpp"
#include "projections/rows_at_snapshot.hpp"

namespace orgd::projections {

// A name search (`q`) in creation order sorts its matches by creation in memory (the indexes
// order names, or creation, not both): at most this many, else too_many_matches.
inline constexpr std::uint64_t kMostMatchesByCreation = 10'000;

struct OrganizationListQuery {
  std::optional<std::string> parent_id;     // "" = top-level organizations only
  std::optional<std::string> status;
  std::optional<std::string> subtree_root;  // restrict to this organization and its descendants
  std::string name_prefix;                  // q: case-insensitive name prefix
  OrganizationSort sort{OrganizationSort::name};
  bool descending{false};
  std::uint64_t page{1};        // 1-based; ignored when `cursor` is set
  std::uint64_t page_size{10};
  std::string cursor;           // from a previous page's next_cursor
  // Tests lower it rather than create ten thousand organizations.
  std::uint64_t most_matches_by_creation{kMostMatchesByCreation};
};

template <class Row>
struct BasicOrganizationPage {
  std::vector<Row> rows;
  std::uint64_t page{1};
  std::uint64_t total{0};
  std::string next_cursor;  // empty on the last page
};
using OrganizationPage = BasicOrganizationPage<OrganizationRow>;
// The organizations' JSON documents as the read model stores them (organization_document.hpp).
using OrganizationDocumentPage = BasicOrganizationPage<std::string>;

// too_many_matches: `q` with creation order matched more than kMostMatchesByCreation.
enum class QueryErrorCode : std::uint8_t { invalid_cursor, storage, too_many_matches };

struct QueryError {
  QueryErrorCode code{QueryErrorCode::storage};
  std::string message;
};

class OrganizationQueries {
 public:
  // Reads the read model where `handles` says it lives (it moves when rebuilt online).
  explicit OrganizationQueries(const eventstore::Store& store,
                               const ReadModelHandles* handles = nullptr);

  [[nodiscard]] std::expected<std::optional<OrganizationRow>, QueryError> get(
      std::string_view id) const;
  [[nodiscard]] std::expected<OrganizationPage, QueryError> list(
      const OrganizationListQuery& query) const;
  // The same page as the organizations' stored JSON documents, ready to send.
  [[nodiscard]] std::expected<OrganizationDocumentPage, QueryError> list_documents(
      const OrganizationListQuery& query) const;
  // The rows listings remembered (their hits tell how often a page's lookups were skipped).
  [[nodiscard]] const RowsAtSnapshot& remembered_rows() const { return remembered_rows_; }
  // The pages listings remembered (ids, totals and cursors by request).
  [[nodiscard]] const RowsAtSnapshot& remembered_pages() const { return remembered_pages_; }
  // The organization's ancestors, parent first. Empty for a top-level or unknown organization.
  [[nodiscard]] std::expected<std::vector<OrganizationRow>, QueryError> ancestors(
      std::string_view id) const;
  // The ids of the platform accounts (SuperAdmin, auditors): a handful, kept apart so no
  // memberCount counts them (organization_keys.hpp).
  [[nodiscard]] std::expected<std::set<std::string, std::less<>>, QueryError> platform_accounts()
      const;

 private:
  [[nodiscard]] IndexPageMemories memories() const;

  const eventstore::Store& store_;
  const ReadModelHandles* handles_;
  RowsAtSnapshot remembered_rows_;   // listing pages' rows and documents
  RowsAtSnapshot remembered_trees_;  // the count trees' roots and runs of sibling nodes
  RowsAtSnapshot remembered_positions_;  // where pages by number start
  RowsAtSnapshot remembered_pages_;      // listing pages' ids, totals and cursors, by request
};

}  // namespace orgd::projections
