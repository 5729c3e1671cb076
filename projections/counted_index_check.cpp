#include "projections/counted_index_check.hpp"

#include <memory>
#include <optional>
#include <vector>

#include "eventstore/printable_bytes.hpp"
#include "projections/counted_index_layout.hpp"
#include "projections/index_page.hpp"

namespace orgd::projections {
namespace {

struct Node {
  std::optional<std::string> upper;  // nullopt: the last of its level
  TreeNode value;
};

// An iterator over the keys that start with `prefix`, sought to the first; owns its bound.
struct PrefixScan {
  PrefixScan(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, const rocksdb::ReadOptions& options,
             const std::string& prefix)
      : upper(upper_bound_of(prefix)), upper_slice(upper) {
    rocksdb::ReadOptions ranged = options;
    ranged.iterate_upper_bound = &upper_slice;
    it.reset(db->NewIterator(ranged, cf));
    it->Seek(prefix);
  }
  std::string upper;
  rocksdb::Slice upper_slice;
  std::unique_ptr<rocksdb::Iterator> it;
};

// A whole tree in memory: levels[k] for 1 <= k < root.height, in key (= range) order.
struct Tree {
  std::string prefix;
  TreeRoot root;
  std::vector<std::vector<Node>> levels;
};

std::string at(const Tree& tree) {
  return "the count tree of index " + eventstore::printable_bytes(tree.prefix);
}

std::string node_name(std::size_t level, const Node& node) {
  return "its node of level " + std::to_string(level) + " from \"" +
         eventstore::printable_bytes(node.value.first) + "\"";
}

// Whether `suffix` lies at or after where `node` ends.
bool at_or_after_end(std::string_view suffix, const Node& node) {
  return node.upper && suffix >= std::string_view(*node.upper);
}

std::string check_shape(const Tree& tree, std::uint32_t fanout) {
  const std::uint64_t most = 2ULL * fanout;
  if (tree.root.counts.entries <= uncounted_most_for(fanout) / 2) {
    return at(tree) + " counts too few entries to exist";
  }
  if (tree.root.counts.children > most) return at(tree) + " has a root with too many children";
  if (tree.root.height > 1 && tree.root.counts.children < 2) {
    return at(tree) + " has a root with a single child";
  }
  for (std::size_t k = 1; k < tree.root.height; ++k) {
    const auto& level = tree.levels[k];
    if (level.empty() || !level.front().value.first.empty() || level.back().upper) {
      return at(tree) + " has a level " + std::to_string(k) + " that does not cover every key";
    }
    for (std::size_t i = 0; i < level.size(); ++i) {
      const Node& node = level[i];
      if (i + 1 < level.size() && (!node.upper || *node.upper != level[i + 1].value.first)) {
        return at(tree) + ": " + node_name(k, node) + " does not end where the next starts";
      }
      if (node.value.counts.children > most) {
        return at(tree) + ": " + node_name(k, node) + " has too many children";
      }
      if (k == 1 && node.value.counts.children != node.value.counts.entries) {
        return at(tree) + ": " + node_name(k, node) + " counts children and entries apart";
      }
    }
  }
  return {};
}

std::string compare(const Tree& tree, std::size_t level, const Node& node, TreeCounts recount) {
  const TreeCounts& stored = node.value.counts;
  if (stored.entries == recount.entries && stored.children == recount.children) return {};
  return at(tree) + ": " + node_name(level, node) + " counts " + std::to_string(stored.entries) +
         " entries and " + std::to_string(stored.children) + " children, but covers " +
         std::to_string(recount.entries) + " and " + std::to_string(recount.children);
}

// Recounts every level from the entries up; adds the entries seen to `entries`.
std::string recount(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                    const rocksdb::ReadOptions& options, const Tree& tree, std::uint64_t& entries) {
  PrefixScan scan(db, cf, options, tree.prefix);
  const std::size_t height = tree.root.height;
  std::vector<TreeCounts> counts(height > 1 ? tree.levels[1].size() : 1);
  std::uint64_t total = 0;
  std::size_t j = 0;
  for (auto& it = scan.it; it->Valid(); it->Next()) {
    const std::string_view suffix(it->key().data() + tree.prefix.size(),
                                  it->key().size() - tree.prefix.size());
    if (height > 1) {
      while (at_or_after_end(suffix, tree.levels[1][j])) ++j;
    }
    ++counts[j].entries;
    ++counts[j].children;
    ++total;
  }
  if (!scan.it->status().ok()) {
    return "the index " + eventstore::printable_bytes(tree.prefix) + " is unreadable";
  }
  entries += total;
  for (std::size_t k = 1; k < height; ++k) {
    for (std::size_t i = 0; i < tree.levels[k].size(); ++i) {
      if (auto p = compare(tree, k, tree.levels[k][i], counts[i]); !p.empty()) return p;
    }
    if (k + 1 == height) break;
    const auto& parents = tree.levels[k + 1];
    std::vector<TreeCounts> above(parents.size());
    std::size_t parent = 0;
    for (const auto& child : tree.levels[k]) {
      while (at_or_after_end(child.value.first, parents[parent])) ++parent;
      // Levels cover every key in order, so a child that ends within its parent lies in it.
      const auto& end = parents[parent].upper;
      if (end && (!child.upper || *child.upper > *end)) {
        return at(tree) + ": " + node_name(k + 1, parents[parent]) +
               " does not end where one of its children does";
      }
      above[parent].entries += child.value.counts.entries;
      ++above[parent].children;
    }
    counts = std::move(above);
  }
  const TreeCounts root_recount{total, height > 1 ? tree.levels[height - 1].size() : total};
  if (tree.root.counts.entries != root_recount.entries ||
      tree.root.counts.children != root_recount.children) {
    return at(tree) + " has a root that counts " + std::to_string(tree.root.counts.entries) +
           " entries and " + std::to_string(tree.root.counts.children) + " children, but " +
           std::to_string(root_recount.entries) + " and " + std::to_string(root_recount.children) +
           " are there";
  }
  return {};
}

// Reads the tree whose root `it` is at; leaves `it` on the first key after the tree.
std::expected<Tree, std::string> read_tree(rocksdb::Iterator& it) {
  const std::string root_key = it.key().ToString();
  auto prefix = prefix_of_tree_root(root_key);
  auto root = decode_tree_root({it.value().data(), it.value().size()});
  if (!prefix || !root) {
    return std::unexpected("a count-tree key " + eventstore::printable_bytes(root_key) +
                           " that is no tree root");
  }
  Tree tree{*prefix, *root, std::vector<std::vector<Node>>(root->height)};
  for (it.Next(); it.Valid() && it.key().starts_with(root_key); it.Next()) {
    const std::string_view key(it.key().data(), it.key().size());
    const std::size_t level_size = root_key.size() + 1;
    const auto level =
        static_cast<std::uint8_t>(key.size() > root_key.size() ? key[root_key.size()] : 0);
    const bool last = key.size() == level_size + 1 && key[level_size] == '\x01';
    const bool bounded = key.size() > level_size && key[level_size] == '\0';
    auto node = decode_tree_node({it.value().data(), it.value().size()});
    if (level == 0 || level >= root->height || !node || (!last && !bounded)) {
      return std::unexpected(at(tree) + " holds a key that is no node of it");
    }
    tree.levels[level].push_back({upper_of_node_key(key, level_size), std::move(*node)});
  }
  return tree;
}

// Checks the tree whose root `it` is at (as read_tree) and moves `it` past it.
void check_tree_here(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                     const rocksdb::ReadOptions& options, std::uint32_t fanout,
                     rocksdb::Iterator& it, CountedIndexCheck& result) {
  auto tree = read_tree(it);
  if (!tree) {
    result.problem = tree.error();
    return;
  }
  ++result.indexes;
  result.problem = check_shape(*tree, fanout);
  if (result.problem.empty()) result.problem = recount(db, cf, options, *tree, result.entries);
}

}  // namespace

CountedIndexCheck check_counted_indexes(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                                        const rocksdb::ReadOptions& options, std::uint32_t fanout) {
  CountedIndexCheck result;
  PrefixScan trees(db, cf, options, std::string(1, kCountTreeTag));
  while (trees.it->Valid() && result.ok()) {
    check_tree_here(db, cf, options, fanout, *trees.it, result);
  }
  if (result.ok() && !trees.it->status().ok()) {
    result.problem = "the count trees are unreadable: " + trees.it->status().ToString();
  }
  return result;
}

CountedIndexCheck check_counted_index(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                                      const rocksdb::ReadOptions& options, std::string_view prefix,
                                      std::uint32_t fanout) {
  CountedIndexCheck result;
  const std::string root_key = count_tree_key(prefix);
  PrefixScan tree(db, cf, options, root_key);
  if (tree.it->Valid() && tree.it->key() == rocksdb::Slice(root_key)) {
    check_tree_here(db, cf, options, fanout, *tree.it, result);
  } else if (!tree.it->status().ok()) {
    result.problem = "the count tree is unreadable: " + tree.it->status().ToString();
  } else {
    // No tree: a small index, counted by walking it.
    PrefixScan entries(db, cf, options, std::string(prefix));
    for (; entries.it->Valid(); entries.it->Next()) ++result.entries;
    if (result.entries > uncounted_most_for(fanout)) {
      result.problem = "the index " + eventstore::printable_bytes(prefix) + " has " +
                       std::to_string(result.entries) + " entries but no count tree";
    }
  }
  return result;
}

}  // namespace orgd::projections
