#include "projections/counted_index_layout.hpp"

#include "projections/read_model_batch.hpp"

namespace orgd::projections {
namespace {

constexpr std::size_t kLengthBytes = 4;
constexpr std::size_t kCountsBytes = 16;

std::string encode_counts(TreeCounts counts) {
  return encode_u64(counts.entries) + encode_u64(counts.children);
}

TreeCounts decode_counts(std::string_view bytes) {
  return {decode_u64(bytes.substr(0, 8)), decode_u64(bytes.substr(8, 8))};
}

}  // namespace

std::string count_tree_key(std::string_view prefix) {
  std::string key(1, kCountTreeTag);
  const auto length = static_cast<std::uint32_t>(prefix.size());
  for (int shift = 24; shift >= 0; shift -= 8) {
    key += static_cast<char>((length >> shift) & 0xff);
  }
  key += prefix;
  return key;
}

std::string count_level_prefix(std::string_view tree, std::uint8_t level) {
  std::string key(tree);
  key += static_cast<char>(level);
  return key;
}

std::string count_node_key(std::string_view tree, std::uint8_t level,
                           const std::optional<std::string>& upper) {
  std::string key = count_level_prefix(tree, level);
  if (upper) {
    key += '\0';
    key += *upper;
  } else {
    key += '\x01';
  }
  return key;
}

std::optional<std::string> upper_of_node_key(std::string_view key, std::size_t level_prefix_size) {
  if (key.size() <= level_prefix_size || key[level_prefix_size] != '\0') return std::nullopt;
  return std::string(key.substr(level_prefix_size + 1));
}

std::string encode_tree_root(const TreeRoot& root) {
  return encode_counts(root.counts) + static_cast<char>(root.height);
}

std::optional<TreeRoot> decode_tree_root(std::string_view bytes) {
  if (bytes.size() != kCountsBytes + 1) return std::nullopt;
  const auto height = static_cast<std::uint8_t>(bytes[kCountsBytes]);
  if (height == 0) return std::nullopt;
  return TreeRoot{decode_counts(bytes), height};
}

std::string encode_tree_node(const TreeNode& node) {
  return encode_counts(node.counts) + node.first;
}

std::optional<TreeNode> decode_tree_node(std::string_view bytes) {
  if (bytes.size() < kCountsBytes) return std::nullopt;
  return TreeNode{decode_counts(bytes), std::string(bytes.substr(kCountsBytes))};
}

std::optional<TreeCounts> decode_tree_node_counts(std::string_view bytes) {
  if (bytes.size() < kCountsBytes) return std::nullopt;
  return decode_counts(bytes);
}

std::optional<std::string> prefix_of_tree_root(std::string_view key) {
  if (key.size() < 1 + kLengthBytes || key[0] != kCountTreeTag) return std::nullopt;
  std::size_t length = 0;
  for (std::size_t i = 1; i <= kLengthBytes; ++i) {
    length = (length << 8) | static_cast<unsigned char>(key[i]);
  }
  if (key.size() != 1 + kLengthBytes + length) return std::nullopt;
  return std::string(key.substr(1 + kLengthBytes));
}

}  // namespace orgd::projections
