#pragma once
// Verification of counted indexes (counted_index.hpp): every count tree against the entries
// it counts, for tests and auditors (a fresh replay reproduces the same bytes, bugs included;
// this recounts).
//
// Cost: one pass over every tree and every counted entry of the column family.
// Thread-safety: any thread; give `options` a snapshot to check a live read model.

#include <rocksdb/db.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "projections/counted_index.hpp"

namespace orgd::projections {

struct CountedIndexCheck {
  std::uint64_t indexes{0};  // trees checked
  std::uint64_t entries{0};  // entries recounted
  std::string problem;       // the first disagreement found; empty when there is none
  [[nodiscard]] bool ok() const { return problem.empty(); }
};

// Every tree of the column family: each node's entry and child counts, the root's, the shape
// (each level covers every key in order, each node the union of its children's ranges, at
// most 2·fanout children, no tree for an index of at most kUncountedMost / 2 entries). Entries no
// tree counts are not found here: check_counted_index looks at one prefix from the entries' side.
[[nodiscard]] CountedIndexCheck check_counted_indexes(rocksdb::DB* db,
                                                      rocksdb::ColumnFamilyHandle* cf,
                                                      const rocksdb::ReadOptions& options,
                                                      std::uint32_t fanout = kCountedFanout);

// One index, found by its prefix: as above, and more than kUncountedMost entries without a
// tree are a problem too.
[[nodiscard]] CountedIndexCheck check_counted_index(rocksdb::DB* db,
                                                    rocksdb::ColumnFamilyHandle* cf,
                                                    const rocksdb::ReadOptions& options,
                                                    std::string_view prefix,
                                                    std::uint32_t fanout = kCountedFanout);

}  // namespace orgd::projections
