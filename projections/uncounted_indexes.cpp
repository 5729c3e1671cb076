#include "projections/uncounted_indexes.hpp"

#include <algorithm>
#include <bit>
#include <functional>
#include <memory>
#include <optional>

#include "eventstore/printable_bytes.hpp"
#include "projections/counted_index_layout.hpp"
#include "projections/index_page.hpp"

namespace orgd::projections {
namespace {

constexpr std::uint64_t kFewestSlots = std::uint64_t{1} << 16;
constexpr std::uint64_t kMostSlots = std::uint64_t{1} << 28;

// Writes one level's nodes: each ends where the next starts, the last at the end.
void write_level(rocksdb::WriteBatch& out, rocksdb::ColumnFamilyHandle* cf, std::string_view tree,
                 std::uint8_t level, const std::vector<TreeNode>& nodes) {
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const auto upper =
        i + 1 < nodes.size() ? std::optional<std::string>(nodes[i + 1].first) : std::nullopt;
    (void)out.Put(cf, count_node_key(tree, level, upper), encode_tree_node(nodes[i]));
  }
}

// The nodes of the level above `below`, `fanout` children to each.
std::vector<TreeNode> level_above(const std::vector<TreeNode>& below, std::uint32_t fanout) {
  std::vector<TreeNode> above;
  for (std::size_t i = 0; i < below.size(); ++i) {
    if (i % fanout == 0) above.push_back({{0, 0}, below[i].first});
    above.back().counts.entries += below[i].counts.entries;
    ++above.back().counts.children;
  }
  return above;
}

// The index's entries in nodes of the lowest level, `fanout` to each.
std::expected<std::vector<TreeNode>, std::string> lowest_level(rocksdb::DB* db,
                                                               rocksdb::ColumnFamilyHandle* cf,
                                                               std::string_view prefix,
                                                               std::uint32_t fanout) {
  const std::string upper = upper_bound_of(std::string(prefix));
  const rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &upper_slice;
  // One pass over entries written moments ago: keep them from crowding the block cache.
  options.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(options, cf));
  std::vector<TreeNode> nodes;
  std::uint64_t entries = 0;
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid(); it->Next()) {
    if (entries++ % fanout == 0) {
      // The first node of a level starts at "" (counted_index_layout.hpp).
      nodes.push_back(
          {{0, 0}, entries == 1 ? std::string() : it->key().ToString().substr(prefix.size())});
    }
    ++nodes.back().counts.entries;
    ++nodes.back().counts.children;
  }
  if (!it->status().ok()) {
    return std::unexpected("reading index " + eventstore::printable_bytes(prefix) + ": " +
                           it->status().ToString());
  }
  return nodes;
}

}  // namespace

UncountedIndexes::UncountedIndexes(std::uint32_t fanout, std::uint64_t events)
    : fanout_(fanout),
      slots_(std::bit_ceil(std::clamp(events, kFewestSlots / 4, kMostSlots / 4) * 4)) {}

void UncountedIndexes::note_entry(std::string_view prefix) {
  if (puts_.empty()) puts_.assign(slots_, 0);  // only read models with counted indexes pay
  auto& puts = puts_[Hash{}(prefix) & (slots_ - 1)];
  const std::uint64_t most = uncounted_most_for(fanout_);
  if (puts <= most) {
    ++puts;
    if (puts <= most) return;
  }
  if (!candidates_.contains(prefix)) candidates_.emplace(prefix);
}

std::vector<std::string> UncountedIndexes::candidates() const {
  std::vector<std::string> sorted(candidates_.begin(), candidates_.end());
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

std::expected<CountedUncounted, std::string> count_uncounted_index(rocksdb::DB* db,
                                                                   rocksdb::ColumnFamilyHandle* cf,
                                                                   std::string_view prefix,
                                                                   rocksdb::WriteBatch& out,
                                                                   std::uint32_t fanout) {
  auto lowest = lowest_level(db, cf, prefix, fanout);
  if (!lowest) return std::unexpected(lowest.error());
  std::uint64_t entries = 0;
  for (const auto& node : *lowest) entries += node.counts.entries;
  if (entries <= uncounted_most_for(fanout)) return CountedUncounted{0, entries};
  const std::string tree = count_tree_key(prefix);
  TreeRoot root{{entries, entries}, 1};
  if (entries > 2ULL * fanout) {
    // Levels are added until the top one fits under the root.
    std::vector<TreeNode> level = std::move(*lowest);
    for (std::uint8_t k = 1;; ++k) {
      write_level(out, cf, tree, k, level);
      root = {{entries, level.size()}, static_cast<std::uint8_t>(k + 1)};
      if (level.size() <= 2ULL * fanout) break;
      level = level_above(level, fanout);
    }
  }
  (void)out.Put(cf, tree, encode_tree_root(root));
  return CountedUncounted{1, entries};
}

std::expected<CountedUncounted, std::string> count_uncounted(rocksdb::DB* db,
                                                             rocksdb::ColumnFamilyHandle* cf,
                                                             const UncountedIndexes& indexes,
                                                             rocksdb::WriteBatch& out) {
  CountedUncounted total;
  for (const auto& prefix : indexes.candidates()) {
    auto counted = count_uncounted_index(db, cf, prefix, out, indexes.fanout());
    if (!counted) return std::unexpected(counted.error());
    total.trees += counted->trees;
    total.entries += counted->entries;
  }
  return total;
}

}  // namespace orgd::projections
