#include <rocksdb/db.h>

#include <memory>
#include <optional>

#include "projections/count_tree_cache.hpp"
#include "projections/counted_index_check.hpp"
#include "projections/counted_index_layout.hpp"
#include "projections/index_page.hpp"
#include "projections/read_model_batch.hpp"
#include "projections/read_model_rebuild.hpp"
#include "replay/verify_checks.hpp"

namespace orgd::replay {
namespace {

struct KeyDifference {
  std::string key;
  std::optional<std::string> expected;  // from the fresh replay; nullopt = absent
  std::optional<std::string> found;     // in the live read model
};

std::string describe(const std::optional<std::string>& value, bool secret) {
  if (!value) return "absent";
  return secret ? "[redacted: " + std::to_string(value->size()) + " bytes]"
                : printable_bytes(*value);
}

// Moves `it` past the count trees' keys when it is on them (they sort together).
void skip_trees(rocksdb::Iterator& it) {
  if (it.Valid() && projections::CountTreeCache::is_tree_key({it.key().data(), it.key().size()})) {
    it.Seek(projections::upper_bound_of(std::string(1, projections::kCountTreeTag)));
  }
}

// Walks both column families in key order, count trees aside (tree_difference); the first key
// where they differ.
std::optional<KeyDifference> first_difference(projections::ReplayTarget fresh,
                                              projections::ReplayTarget live,
                                              std::uint64_t& compared) {
  std::unique_ptr<rocksdb::Iterator> a(fresh.db->NewIterator(rocksdb::ReadOptions(), fresh.cf));
  std::unique_ptr<rocksdb::Iterator> b(live.db->NewIterator(rocksdb::ReadOptions(), live.cf));
  a->SeekToFirst();
  b->SeekToFirst();
  for (skip_trees(*a), skip_trees(*b); a->Valid() || b->Valid();
       ++compared, skip_trees(*a), skip_trees(*b)) {
    const int order = !a->Valid() ? 1 : !b->Valid() ? -1 : a->key().compare(b->key());
    if (order < 0) return KeyDifference{a->key().ToString(), a->value().ToString(), std::nullopt};
    if (order > 0) return KeyDifference{b->key().ToString(), std::nullopt, b->value().ToString()};
    if (a->value() != b->value()) {
      return KeyDifference{a->key().ToString(), a->value().ToString(), b->value().ToString()};
    }
    a->Next();
    b->Next();
  }
  return std::nullopt;
}

// The count trees, once the entries are the same: a fresh replay builds its trees packed
// (projections/uncounted_indexes.hpp) where the live runner grew them entry by entry, so they
// are compared by what they count. Every live tree must count its entries right
// (check_counted_indexes), and every index the fresh replay has a tree for (more than
// kUncountedMost entries) must have one live. A live tree the replay has none for counts an
// index that has shrunk to a few entries, where the live writer keeps its tree for a while.
std::optional<std::string> tree_difference(projections::ReplayTarget fresh,
                                           projections::ReplayTarget live,
                                           std::uint64_t& compared) {
  const auto checked = projections::check_counted_indexes(live.db, live.cf, {});
  compared += checked.indexes;
  if (!checked.ok()) return checked.problem;
  const std::string tag(1, projections::kCountTreeTag);
  std::unique_ptr<rocksdb::Iterator> it(fresh.db->NewIterator(rocksdb::ReadOptions(), fresh.cf));
  std::string value;
  for (it->Seek(tag); it->Valid() && it->key().starts_with(tag); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    const auto prefix = projections::prefix_of_tree_root(key);
    if (!prefix) continue;  // a node: its root stands for the tree
    const rocksdb::Status s = live.db->Get(rocksdb::ReadOptions(), live.cf, it->key(), &value);
    if (s.IsNotFound()) {
      return "the index " + printable_bytes(*prefix) + " has no count tree";
    }
    if (!s.ok()) return "the count trees are unreadable: " + s.ToString();
  }
  if (!it->status().ok()) return "the replayed count trees are unreadable";
  return std::nullopt;
}

// Replays again, watching `key`: the position of the last event that changed it (0 when no
// event ever wrote it, i.e. the live model holds a key nothing should have written).
std::expected<std::uint64_t, std::string> last_writer(const eventstore::Store& store,
                                                      projections::Projection& projection,
                                                      projections::ReplayTarget scratch,
                                                      std::uint64_t up_to,
                                                      const std::string& key) {
  if (auto cleared = projections::clear_read_model(scratch); !cleared) {
    return std::unexpected(cleared.error());
  }
  std::optional<std::string> value;
  std::uint64_t position = 0;
  projections::ReplayHooks hooks;
  hooks.applied = [&](const eventstore::Envelope& e, projections::ReadModelBatch& batch) {
    auto now = batch.get(key);
    if (now && *now != value) {
      value = *now;
      position = e.position;
    }
  };
  auto done = projections::replay_into(store, projection, scratch, {0, up_to}, hooks);
  if (!done) return std::unexpected(done.error());
  return position;
}

// A read model stamped with another layout than this release's: left by a rebuild that did
// not finish (layout 0), or written by another release. Its keys would differ from a fresh
// replay's everywhere; the next orgd start empties and rebuilds it, which says more.
std::optional<Divergence> other_layout(projections::ReplayTarget live, std::uint64_t checkpoint) {
  auto layout = projections::layout_of(live);
  if (!layout) return Divergence{0, "a readable layout", layout.error()};
  if (!projections::needs_rebuild(checkpoint, *layout)) return std::nullopt;
  const std::string found = *layout ? "layout " + std::to_string(**layout) : "no layout";
  return Divergence{0, "a read model of layout " + std::to_string(projections::kReadModelLayout),
                    found + " at checkpoint " + std::to_string(checkpoint) +
                        ": left by a rebuild that did not finish, or by another release; the "
                        "next orgd start empties and rebuilds it"};
}

}  // namespace

CheckResult check_projection(const eventstore::Store& store, projections::Projection& projection,
                             const projections::ReadModelHandles& handles,
                             const ScratchDb& scratch) {
  CheckResult result{"projection:" + std::string(projection.name())};
  const auto live_cf = handles.cf(projection.column_family());  // held for the whole check
  const projections::ReplayTarget live{store.db(), live_cf.get()};
  const projections::ReplayTarget fresh{scratch.db(),
                                        scratch.cf(std::string(projection.column_family()))};
  auto checkpoint = projections::checkpoint_of(live);
  if (!checkpoint) {
    result.divergence = Divergence{0, "a readable checkpoint", checkpoint.error()};
    return result;
  }
  if (auto stamped = other_layout(live, *checkpoint)) {
    result.divergence = std::move(*stamped);
    return result;
  }
  auto replayed = projections::replay_into(store, projection, fresh, {0, *checkpoint});
  if (!replayed) {
    result.divergence = Divergence{0, "a replay up to position " + std::to_string(*checkpoint),
                                   replayed.error()};
    return result;
  }
  auto difference = first_difference(fresh, live, result.checked);
  if (!difference) {
    if (auto trees = tree_difference(fresh, live, result.checked)) {
      // Trees are derived from the entries, which agree: no event wrote the disagreement.
      result.divergence =
          Divergence{0, "count trees that count the read model's entries",
                     *trees + " (read model at checkpoint " + std::to_string(*checkpoint) + ")"};
    }
    return result;
  }
  auto position = last_writer(store, projection, fresh, *checkpoint, difference->key);
  // A sessions key is a token's hash, a customer row holds a password hash: the operator gets
  // the projection and the position of the event that last wrote the key, not the bytes.
  const bool secret = projection.holds_secrets();
  result.divergence = Divergence{
      position.value_or(0),
      "key " + describe(difference->key, secret) + " = " + describe(difference->expected, secret),
      describe(difference->found, secret) + " (read model at checkpoint " +
          std::to_string(*checkpoint) + ")"};
  return result;
}

}  // namespace orgd::replay
