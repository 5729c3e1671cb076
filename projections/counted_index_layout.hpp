#pragma once
// The keys and values of the count trees of counted indexes (counted_index.hpp), shared by
// their writer, reader and checker. For an index prefix P:
//   T = '~' be32(|P|) P           root: be64 entries, be64 children, u8 height h (>= 1)
//   T u8(k) '\0' upper            node of level k (1 <= k < h) covering [first, upper):
//                                 be64 entries, be64 children, then `first`
//   T u8(k) '\x01'                the last node of level k, covering [first, the end)
// Nodes are keyed by where they end so that the node holding a key is the first node at or
// after it: found by a forward seek (a backward one costs a skiplist search per step in a
// memtable full of versions of the same hot keys). The length keeps the trees of two prefixes
// apart even when one prefix starts the other.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace orgd::projections {

inline constexpr char kCountTreeTag = '~';

struct TreeCounts {
  std::uint64_t entries{0};   // index entries below
  std::uint64_t children{0};  // nodes of the level below (entries, for level 1)
};

struct TreeRoot {
  TreeCounts counts;
  std::uint8_t height{1};  // 1: the root's children are the entries themselves
};

struct TreeNode {
  TreeCounts counts;
  std::string first;  // the suffix the node starts at; "" for the first node of its level
};

[[nodiscard]] std::string count_tree_key(std::string_view prefix);
// Every node of `level` of the tree `tree` starts with this.
[[nodiscard]] std::string count_level_prefix(std::string_view tree, std::uint8_t level);
// The key of the node of `level` that ends at `upper` (exclusive); nullopt = at the end.
[[nodiscard]] std::string count_node_key(std::string_view tree, std::uint8_t level,
                                         const std::optional<std::string>& upper);
// Where the node under `key` (a key of `level_prefix`'s level) ends; nullopt = at the end.
[[nodiscard]] std::optional<std::string> upper_of_node_key(std::string_view key,
                                                           std::size_t level_prefix_size);

[[nodiscard]] std::string encode_tree_root(const TreeRoot& root);
[[nodiscard]] std::optional<TreeRoot> decode_tree_root(std::string_view bytes);
[[nodiscard]] std::string encode_tree_node(const TreeNode& node);
[[nodiscard]] std::optional<TreeNode> decode_tree_node(std::string_view bytes);
// A node's counts alone, without copying where it starts.
[[nodiscard]] std::optional<TreeCounts> decode_tree_node_counts(std::string_view bytes);

// The prefix whose root `key` is; nullopt when `key` is not a root key (a node, or no tree).
[[nodiscard]] std::optional<std::string> prefix_of_tree_root(std::string_view key);

}  // namespace orgd::projections
