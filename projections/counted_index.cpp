#include "projections/counted_index.hpp"

#include <algorithm>
#include <optional>

#include "eventstore/printable_bytes.hpp"
#include "projections/counted_index_layout.hpp"
#include "projections/uncounted_indexes.hpp"

namespace orgd::projections {
namespace {

using Result = std::expected<void, std::string>;

// A node of the tree as read: where it is stored, where it ends, and its value.
struct Node {
  std::string key;
  std::optional<std::string> upper;  // nullopt: the last node of its level
  TreeNode value;
};

// Changes one index's tree for one entry added or removed (the entry itself already staged).
// Every lookup is a forward seek.
class TreeWriter {
 public:
  TreeWriter(ReadModelBatch& batch, std::string_view prefix, std::uint32_t fanout)
      : batch_(batch), prefix_(prefix), tree_(count_tree_key(prefix)), fanout_(fanout) {}

  Result add(std::string_view suffix) {
    auto root = read_root();
    if (!root) return std::unexpected(root.error());
    TreeRoot r;
    if (!*root) {
      // A small index has no tree until it grows past uncounted_most().
      auto count = count_entries(uncounted_most() + 1);
      if (!count) return std::unexpected(count.error());
      if (*count <= uncounted_most()) return {};
      r = {{*count, *count}, 1};
    } else {
      r = **root;
      if (auto counted = count_in_path(suffix, r); !counted) return counted;
    }
    if (r.counts.children > 2ULL * fanout_) {
      if (r.height == UINT8_MAX) return std::unexpected(describe() + " is too tall");
      // The root's children become two nodes of a new level below a new root.
      TreeNode right{r.counts, ""};
      auto left = split_off_left(r.height, right);
      if (!left) return std::unexpected(left.error());
      batch_.put(left->key, encode_tree_node(left->value));
      batch_.put(count_node_key(tree_, r.height, std::nullopt), encode_tree_node(right));
      r = {{r.counts.entries, 2}, static_cast<std::uint8_t>(r.height + 1)};
    }
    batch_.put(tree_, encode_tree_root(r));
    return {};
  }

  // Counts one more entry under `suffix` in the nodes holding it, splitting the full ones.
  Result count_in_path(std::string_view suffix, TreeRoot& r) {
    auto path = path_to(suffix, r.height);
    if (!path) return std::unexpected(path.error());
    for (std::uint8_t k = 1; k < r.height; ++k) {
      ++(*path)[k].value.counts.entries;
      if (k == 1) ++(*path)[k].value.counts.children;
    }
    ++r.counts.entries;
    if (r.height == 1) ++r.counts.children;
    // Bottom-up, so a split walks a level whose counts are already staged.
    for (std::uint8_t k = 1; k < r.height; ++k) {
      Node& node = (*path)[k];
      if (node.value.counts.children > 2ULL * fanout_) {
        auto left = split_off_left(k, node.value);
        if (!left) return std::unexpected(left.error());
        batch_.put(left->key, encode_tree_node(left->value));
        ++(k + 1 < r.height ? (*path)[k + 1].value.counts.children : r.counts.children);
      }
      batch_.put(node.key, encode_tree_node(node.value));
    }
    return {};
  }

  // Nodes left empty stay (a lookup walks at most 2·fanout of them per level); the tree goes
  // when the index shrinks to half of kUncountedMost.
  Result remove(std::string_view suffix) {
    auto root = read_root();
    if (!root) return std::unexpected(root.error());
    if (!*root) return {};  // a small index: nothing counts it
    TreeRoot r = **root;
    if (r.counts.entries <= uncounted_most() / 2 + 1) return remove_tree();
    auto path = path_to(suffix, r.height);
    if (!path) return std::unexpected(path.error());
    for (std::uint8_t k = 1; k < r.height; ++k) {
      TreeCounts& counts = (*path)[k].value.counts;
      if (counts.entries == 0) return std::unexpected(describe() + " counts no entry to erase");
      --counts.entries;
      if (k == 1) --counts.children;
      batch_.put((*path)[k].key, encode_tree_node((*path)[k].value));
    }
    --r.counts.entries;
    if (r.height == 1) --r.counts.children;
    batch_.put(tree_, encode_tree_root(r));
    return {};
  }

 private:
  std::uint64_t uncounted_most() const { return uncounted_most_for(fanout_); }

  std::string describe() const { return "the count tree of index " + eventstore::printable_bytes(prefix_); }

  std::expected<std::optional<TreeRoot>, std::string> read_root() {
    auto bytes = batch_.get(tree_);
    if (!bytes) return std::unexpected(bytes.error());
    if (!*bytes) return std::optional<TreeRoot>{};
    auto root = decode_tree_root(**bytes);
    if (!root) return std::unexpected(describe() + " has an unreadable root");
    return std::optional<TreeRoot>{*root};
  }

  // The node of `level` that holds `suffix`: the first that ends after it.
  std::expected<Node, std::string> node_holding(std::uint8_t level, std::string_view suffix) {
    const std::string level_prefix = count_level_prefix(tree_, level);
    const std::string at = count_node_key(tree_, level, std::string(suffix));
    std::optional<Node> found;
    bool unreadable = false;
    auto scanned =
        batch_.scan_from(level_prefix, at, [&](std::string_view key, std::string_view value) {
          if (key == at) return true;  // ends right before `suffix`
          auto node = decode_tree_node(value);
          if (!node) {
            unreadable = true;
            return false;
          }
          found =
              Node{std::string(key), upper_of_node_key(key, level_prefix.size()), std::move(*node)};
          return false;
        });
    if (!scanned) return std::unexpected(scanned.error());
    if (!found || unreadable) {
      return std::unexpected(describe() + " lacks a node of level " + std::to_string(level));
    }
    return std::move(*found);
  }

  // path[k] (1 <= k < height): the node of level k that holds `suffix`.
  std::expected<std::vector<Node>, std::string> path_to(std::string_view suffix,
                                                        std::uint8_t height) {
    std::vector<Node> path(height);
    for (std::uint8_t k = 1; k < height; ++k) {
      auto node = node_holding(k, suffix);
      if (!node) return std::unexpected(node.error());
      path[k] = std::move(*node);
    }
    return path;
  }

  // `node` of `level` keeps all but its first `fanout` children; returns a new node of the same
  // level for those, ending where the rest now starts.
  std::expected<Node, std::string> split_off_left(std::uint8_t level, TreeNode& node) {
    const bool entries = level == 1;
    const std::string children =
        entries ? prefix_ : count_level_prefix(tree_, static_cast<std::uint8_t>(level - 1));
    const std::string start =
        entries ? prefix_ + node.first
                : count_node_key(tree_, static_cast<std::uint8_t>(level - 1), node.first);
    std::uint64_t kept = 0;
    std::uint64_t kept_entries = 0;
    std::optional<std::string> boundary;
    bool unreadable = false;
    auto walked =
        batch_.scan_from(children, start, [&](std::string_view key, std::string_view value) {
          if (entries) {
            if (kept == fanout_) {
              boundary = std::string(key.substr(children.size()));
              return false;
            }
            ++kept;
            ++kept_entries;
            return true;
          }
          if (key == start) return true;  // the node before, which ends where `node` starts
          auto child = decode_tree_node(value);
          if (!child) {
            unreadable = true;
            return false;
          }
          kept_entries += child->counts.entries;
          if (++kept == fanout_) {
            boundary = upper_of_node_key(key, children.size());
            return false;
          }
          return true;
        });
    if (!walked) return std::unexpected(walked.error());
    if (!boundary || unreadable) {
      return std::unexpected(describe() + " counts more children than level " +
                             std::to_string(level - 1) + " holds");
    }
    Node left{
        count_node_key(tree_, level, *boundary), boundary, {{kept_entries, fanout_}, node.first}};
    node = {{node.counts.entries - kept_entries, node.counts.children - fanout_}, *boundary};
    return left;
  }

  // The entries of the index, counting no further than `most`.
  std::expected<std::uint64_t, std::string> count_entries(std::uint64_t most) {
    std::uint64_t count = 0;
    auto scanned = batch_.scan_prefix(
        prefix_, [&](std::string_view, std::string_view) { return ++count < most; });
    if (!scanned) return std::unexpected(scanned.error());
    return count;
  }

  Result remove_tree() { return batch_.erase_prefix(tree_); }

  ReadModelBatch& batch_;
  std::string prefix_;
  std::string tree_;
  std::uint32_t fanout_;
};

// Index keys in order, each once (an item may list the same key twice).
void sort_unique(std::vector<CountedKey>& keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
}

}  // namespace

std::expected<void, std::string> put_counted(ReadModelBatch& batch, std::string_view prefix,
                                             std::string_view suffix, std::string_view value,
                                             std::uint32_t fanout) {
  const std::string key = std::string(prefix) + std::string(suffix);
  auto existing = batch.get(key);
  if (!existing) return std::unexpected(existing.error());
  if (!*existing) return put_new_counted(batch, prefix, suffix, value, fanout);
  batch.put(key, value);  // already counted
  return {};
}

void start_counted(ReadModelBatch& batch, std::string_view prefix, std::string_view suffix,
                   std::string_view value) {
  static_assert(kUncountedMost >= 1, "a one-entry index must need no tree");
  if (auto* later = batch.counted_later()) later->note_entry(prefix);
  batch.put(std::string(prefix) + std::string(suffix), value);
}

void revalue_counted(ReadModelBatch& batch, std::string_view prefix, std::string_view suffix,
                     std::string_view value) {
  batch.put(std::string(prefix) + std::string(suffix), value);
}

std::expected<void, std::string> put_new_counted(ReadModelBatch& batch, std::string_view prefix,
                                                 std::string_view suffix, std::string_view value,
                                                 std::uint32_t fanout) {
  batch.put(std::string(prefix) + std::string(suffix), value);
  if (auto* later = batch.counted_later()) {
    later->note_entry(prefix);
    return {};
  }
  return TreeWriter(batch, prefix, fanout).add(suffix);
}

std::expected<void, std::string> erase_counted(ReadModelBatch& batch, std::string_view prefix,
                                               std::string_view suffix, std::uint32_t fanout) {
  const std::string key = std::string(prefix) + std::string(suffix);
  auto existing = batch.get(key);
  if (!existing) return std::unexpected(existing.error());
  if (!*existing) return {};  // nothing to erase, nothing to count down
  batch.erase(key);
  if (batch.counted_later() != nullptr) return {};
  return TreeWriter(batch, prefix, fanout).remove(suffix);
}

std::expected<void, std::string> replace_counted(ReadModelBatch& batch,
                                                 std::vector<CountedKey> before,
                                                 std::vector<CountedKey> after,
                                                 std::string_view value, std::uint32_t fanout) {
  sort_unique(before);
  sort_unique(after);
  std::vector<CountedKey> gone;
  std::vector<CountedKey> added;
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(),
                      std::back_inserter(gone));
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                      std::back_inserter(added));
  for (const auto& k : gone) {
    if (auto r = erase_counted(batch, k.prefix, k.suffix, fanout); !r) return r;
  }
  for (const auto& k : added) {
    if (auto r = put_counted(batch, k.prefix, k.suffix, value, fanout); !r) return r;
  }
  return {};
}

std::expected<void, std::string> index_new_counted(ReadModelBatch& batch,
                                                   std::vector<CountedKey> keys,
                                                   std::string_view value, std::uint32_t fanout) {
  sort_unique(keys);
  for (const auto& k : keys) {
    if (auto r = put_new_counted(batch, k.prefix, k.suffix, value, fanout); !r) return r;
  }
  return {};
}

}  // namespace orgd::projections
