#include "projections/count_tree_cache.hpp"

#include <memory>

#include "eventstore/printable_bytes.hpp"
#include "projections/counted_index_layout.hpp"

namespace orgd::projections {

bool CountTreeCache::is_tree_key(std::string_view key) {
  return !key.empty() && key.front() == kCountTreeTag;
}

std::optional<std::string_view> tree_root_of(std::string_view key) {
  constexpr std::size_t kHeader = 5;  // the tag and be32(|prefix|)
  if (!CountTreeCache::is_tree_key(key) || key.size() < kHeader) return std::nullopt;
  std::size_t length = 0;
  for (std::size_t i = 1; i < kHeader; ++i) {
    length = (length << 8) | static_cast<unsigned char>(key[i]);
  }
  if (key.size() - kHeader < length) return std::nullopt;
  return key.substr(0, kHeader + length);
}

bool CountTreeCache::holds_tree_of(std::string_view key) const {
  const auto root = tree_root_of(key);
  return root && loaded_.contains(*root);
}

std::expected<void, std::string> CountTreeCache::load_tree_of(std::string_view key,
                                                              rocksdb::DB* db,
                                                              rocksdb::ColumnFamilyHandle* cf) {
  const auto root = tree_root_of(key);
  if (!root) return std::unexpected(eventstore::printable_bytes(key) + " is not a count-tree key");
  if (loaded_.contains(*root)) return {};
  // A tree has a root as long as it has any node, and most indexes have no tree: a point read
  // (bloom-filtered) settles those without a seek.
  std::string root_value;
  const auto found = db->Get(rocksdb::ReadOptions(), cf, rocksdb::Slice(root->data(), root->size()),
                             &root_value);
  // An index without a tree is not remembered, or every organization ever created would
  // leave its root keys here; its next use looks again.
  if (found.IsNotFound()) return {};
  if (!found.ok()) return std::unexpected("loading a count tree: " + found.ToString());
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf));
  const rocksdb::Slice prefix(root->data(), root->size());
  Nodes tree;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    tree.emplace_hint(tree.end(), it->key().ToString(), it->value().ToString());
  }
  if (!it->status().ok()) return std::unexpected("loading a count tree: " + it->status().ToString());
  nodes_.merge(tree);
  loaded_.emplace(*root);
  return {};
}

void CountTreeCache::apply(const Changes& committed) {
  for (const auto& [key, value] : committed) {
    if (value) {
      nodes_.insert_or_assign(key, *value);
    } else {
      nodes_.erase(key);
    }
  }
}

}  // namespace orgd::projections
