#include "projections/counted_index_view.hpp"

#include <algorithm>

#include "eventstore/printable_bytes.hpp"
#include "projections/index_page.hpp"
#include "projections/read_model_batch.hpp"

namespace orgd::projections {

CountedIndexView::CountedIndexView(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                                   const rocksdb::ReadOptions& options, std::string prefix,
                                   const RowsAtSnapshot* remembered,
                                   const RowsAtSnapshot* positions)
    : db_(db),
      cf_(cf),
      options_(options),
      prefix_(std::move(prefix)),
      tree_(count_tree_key(prefix_)),
      entries_upper_(upper_bound_of(prefix_)),
      nodes_upper_(upper_bound_of(tree_)),
      entries_lower_slice_(prefix_),
      entries_upper_slice_(entries_upper_),
      nodes_lower_slice_(tree_),
      nodes_upper_slice_(nodes_upper_),
      remembered_(options.snapshot ? remembered : nullptr),
      positions_(options.snapshot ? positions : nullptr),
      version_(options.snapshot ? version_at(*cf, *options.snapshot) : ReadModelVersion{}) {}

// Iterators are created on first use: a first page needs no tree walk, a count no entries.
rocksdb::Iterator& CountedIndexView::iterator_between(std::unique_ptr<rocksdb::Iterator>& slot,
                                                      const rocksdb::Slice* lower,
                                                      const rocksdb::Slice* upper) {
  if (!slot) {
    rocksdb::ReadOptions ranged = options_;
    ranged.iterate_lower_bound = lower;
    ranged.iterate_upper_bound = upper;
    slot.reset(db_->NewIterator(ranged, cf_));
  }
  return *slot;
}

rocksdb::Iterator& CountedIndexView::entries() {
  return iterator_between(entries_, &entries_lower_slice_, &entries_upper_slice_);
}

rocksdb::Iterator& CountedIndexView::nodes() {
  return iterator_between(nodes_, &nodes_lower_slice_, &nodes_upper_slice_);
}

std::string CountedIndexView::broken(std::string_view what) const {
  return "the count tree of index " + eventstore::printable_bytes(prefix_) + " " + std::string(what);
}

std::expected<std::optional<TreeRoot>, std::string> CountedIndexView::root() {
  if (root_) return *root_;
  std::string bytes;
  const rocksdb::Status s = read_root(bytes);
  if (s.IsNotFound()) {
    root_.emplace();
    return *root_;
  }
  if (!s.ok()) return std::unexpected("read model unavailable: " + s.ToString());
  auto decoded = decode_tree_root(bytes);
  if (!decoded) return std::unexpected(broken("has an unreadable root"));
  root_.emplace(*decoded);
  return *root_;
}

// Absent roots are not remembered: an index without one is small, and its size is walked.
rocksdb::Status CountedIndexView::read_root(std::string& bytes) const {
  if (!remembered_) return db_->Get(options_, cf_, tree_, &bytes);
  if (auto known = remembered_->find(tree_, version_)) {
    bytes = std::move(*known);
    return rocksdb::Status::OK();
  }
  rocksdb::Status s = db_->Get(options_, cf_, tree_, &bytes);
  if (s.ok()) remembered_->remember(tree_, version_, bytes);
  return s;
}

std::expected<std::uint64_t, std::string> CountedIndexView::size() {
  auto r = root();
  if (!r) return std::unexpected(r.error());
  if (*r) return (*r)->counts.entries;
  // A small index without a tree (kUncountedMost): walked.
  std::uint64_t count = 0;
  auto& e = entries();
  for (e.Seek(prefix_); e.Valid(); e.Next()) ++count;
  if (!e.status().ok()) return std::unexpected("read model unavailable: " + e.status().ToString());
  return count;
}

// The node nodes() is at, which must be one of `level`'s.
std::expected<CountedIndexView::Step, std::string> CountedIndexView::node_here(
    const std::string& level) {
  auto& it = nodes();
  if (!it.status().ok())
    return std::unexpected("read model unavailable: " + it.status().ToString());
  if (!it.Valid() || !it.key().starts_with(level)) {
    return std::unexpected(broken("ends before its count does"));
  }
  auto node = decode_tree_node({it.value().data(), it.value().size()});
  if (!node) return std::unexpected(broken("has an unreadable node"));
  return Step{std::move(*node),
              upper_of_node_key({it.key().data(), it.key().size()}, level.size())};
}

std::expected<CountedIndexView::Step, std::string> CountedIndexView::next_node(
    const std::string& level) {
  nodes().Next();
  return node_here(level);
}

// Positions nodes() at the first child, at `level`, of the node that starts at `first`: the
// node of `level` that starts there too (the one ending there belongs to the node before).
std::expected<CountedIndexView::Step, std::string> CountedIndexView::first_child(
    std::uint8_t level, const std::string& first) {
  const std::string at = count_node_key(tree_, level, first);
  auto& it = nodes();
  it.Seek(at);
  if (it.Valid() && it.key() == rocksdb::Slice(at)) it.Next();
  return node_here(count_level_prefix(tree_, level));
}

std::expected<std::uint64_t, std::string> CountedIndexView::rank_of(std::string_view suffix) {
  auto r = root();
  if (!r) return std::unexpected(r.error());
  std::uint64_t rank = 0;
  std::string first;  // where the node holding `suffix` starts, level by level
  for (auto k = static_cast<std::uint8_t>(*r ? (*r)->height - 1 : 0); k >= 1; --k) {
    const std::string level = count_level_prefix(tree_, k);
    // Among the children of the node above, the nodes that end at or before `suffix`.
    auto here = first_child(k, first);
    while (here && here->upper && std::string_view(*here->upper) <= suffix) {
      rank += here->node.counts.entries;
      here = next_node(level);
    }
    if (!here) return std::unexpected(here.error());
    first = std::move(here->node.first);
  }
  const std::string bound = prefix_ + std::string(suffix);
  auto& e = entries();
  for (e.Seek(prefix_ + first); e.Valid() && e.key().compare(bound) < 0; e.Next()) ++rank;
  if (!e.status().ok()) return std::unexpected("read model unavailable: " + e.status().ToString());
  return rank;
}

std::expected<CountedIndexView::Step, std::string> CountedIndexView::child_holding(
    std::uint8_t level, const std::string& first, const std::optional<std::string>& upper,
    std::uint64_t count, std::uint64_t& rest) {
  if (remembered_) return remembered_child_holding(level, first, upper, count, rest);
  const std::string level_prefix = count_level_prefix(tree_, level);
  auto here = first_child(level, first);
  while (here && rest >= here->node.counts.entries) {
    rest -= here->node.counts.entries;
    here = next_node(level_prefix);
  }
  return here;
}

// A run of siblings is remembered as their nodes' values one after another, each after its
// length (be64), under a key no read-model key has (they never start with '\0').
std::expected<std::shared_ptr<const std::string>, std::string> CountedIndexView::remembered_run(
    std::uint8_t level, const std::string& first, std::uint64_t count) {
  const std::string key = std::string(1, '\0') + count_node_key(tree_, level, first);
  if (auto known = remembered_->find_shared(key, version_)) return known;
  if (count == 0) return std::unexpected(broken("has a node without children"));
  const std::string level_prefix = count_level_prefix(tree_, level);
  std::string run;
  auto here = first_child(level, first);
  for (std::uint64_t i = 0; here; here = next_node(level_prefix)) {
    const rocksdb::Slice value = nodes().value();
    append_length_prefixed(run, {value.data(), value.size()});
    if (++i == count) break;
  }
  if (!here) return std::unexpected(here.error());
  auto shared = std::make_shared<const std::string>(std::move(run));
  remembered_->remember_shared(key, version_, shared);
  return shared;
}

// Only the node holding the entry is decoded whole; the others are passed by their counts.
std::expected<CountedIndexView::Step, std::string> CountedIndexView::remembered_child_holding(
    std::uint8_t level, const std::string& first, const std::optional<std::string>& upper,
    std::uint64_t count, std::uint64_t& rest) {
  auto run = remembered_run(level, first, count);
  if (!run) return std::unexpected(std::move(run.error()));
  std::optional<TreeNode> holding;
  std::string_view left = **run;
  while (const auto value = take_length_prefixed(left)) {
    if (holding) {
      // The next sibling starts where the node holding the entry ends.
      auto next = decode_tree_node(*value);
      if (!next) return std::unexpected(broken("has an unreadable node"));
      return Step{std::move(*holding), std::move(next->first)};
    }
    auto counts = decode_tree_node_counts(*value);
    if (!counts) return std::unexpected(broken("has an unreadable node"));
    if (rest >= counts->entries) {
      rest -= counts->entries;
      continue;
    }
    holding = decode_tree_node(*value);
    if (!holding) return std::unexpected(broken("has an unreadable node"));
  }
  // The last of its siblings ends where they all do.
  if (holding) return Step{std::move(*holding), upper};
  return std::unexpected(broken("ends before its count does"));
}

namespace {

// Costs of moving entries(), in halves of a step forward (callgrind, page 2,500 of the bench's
// store): a step back costs about one and a half steps forward; turning round (a step back
// right after a seek) and seeking again cost about six steps each.
constexpr std::uint64_t kForward = 2;
constexpr std::uint64_t kBack = 3;
constexpr std::uint64_t kTurn = 12;
constexpr std::uint64_t kSeek = 12;

}  // namespace

void CountedIndexView::seek_to_last_of(const Lowest& node) {
  auto& e = entries();
  if (node.upper) {
    // The node's last entry is the one before the first entry at or after where it ends.
    e.Seek(prefix_ + *node.upper);
    if (e.Valid()) {
      e.Prev();
      return;
    }
  }
  e.SeekToLast();
}

void CountedIndexView::step_to(const Lowest& at) {
  auto& e = entries();
  const std::uint64_t back = at.count > at.rest ? at.count - 1 - at.rest : 0;
  // Turning round twice: here, then again for the page read forward after.
  if (at.count > at.rest && kBack * back + 2 * kTurn < kForward * at.rest) {
    seek_to_last_of(at);
    for (std::uint64_t i = 0; e.Valid() && i < back; ++i) e.Prev();
    return;
  }
  e.Seek(prefix_ + at.first);
  for (std::uint64_t rest = at.rest; e.Valid() && rest > 0; --rest) e.Next();
}

void CountedIndexView::append_forward(std::vector<Entry>& out, std::uint64_t count) {
  auto& e = entries();
  for (; e.Valid() && count > 0; --count, e.Next()) {
    out.emplace_back(e.key().ToString(), e.value().ToString());
  }
}

void CountedIndexView::read_backward(std::vector<Entry>& out, const Lowest& at,
                                     std::uint64_t count) {
  auto& e = entries();
  const std::size_t before = out.size();
  const std::uint64_t in_node = std::min(count, at.count - at.rest);
  seek_to_last_of(at);
  for (std::uint64_t offset = at.count - 1; e.Valid(); e.Prev(), --offset) {
    if (offset < at.rest + in_node) out.emplace_back(e.key().ToString(), e.value().ToString());
    if (offset == at.rest) break;
  }
  std::reverse(out.begin() + static_cast<std::ptrdiff_t>(before), out.end());
  if (out.size() - before < in_node || count == in_node || !at.upper) return;
  entries().Seek(prefix_ + *at.upper);
  append_forward(out, count - in_node);
}

std::expected<std::optional<CountedIndexView::Lowest>, std::string>
CountedIndexView::lowest_holding(std::uint64_t rank) {
  auto r = root();
  if (!r) return std::unexpected(r.error());
  if (*r && rank >= (*r)->counts.entries) return std::nullopt;
  // A small index without a tree: count stays 0, and the walk goes forward from its start.
  Lowest at{.first = {}, .upper = {}, .count = *r ? (*r)->counts.children : 0, .rest = rank};
  for (auto k = static_cast<std::uint8_t>(*r ? (*r)->height - 1 : 0); k >= 1; --k) {
    auto child = child_holding(k, at.first, at.upper, at.count, at.rest);
    if (!child) return std::unexpected(child.error());
    at.first = std::move(child->node.first);
    at.upper = std::move(child->upper);
    at.count = child->node.counts.children;
  }
  return at;
}

std::expected<bool, std::string> CountedIndexView::seek_to_rank(std::uint64_t rank) {
  auto at = lowest_holding(rank);
  if (!at) return std::unexpected(std::move(at.error()));
  if (!*at) return false;
  step_to(**at);
  auto& e = entries();
  if (!e.status().ok()) return std::unexpected("read model unavailable: " + e.status().ToString());
  if (e.Valid()) return true;
  if ((*at)->count == 0) return false;  // past the end of a small index
  return std::unexpected(broken("counts more entries than it has"));
}

// The key of the entry at a rank is remembered under tree be64(rank).
std::string CountedIndexView::remembered_rank_key(std::uint64_t rank) const {
  return tree_ + encode_u64(rank);
}

std::expected<std::vector<CountedIndexView::Entry>, std::string> CountedIndexView::entries_at(
    std::uint64_t first, std::uint64_t count) {
  std::vector<Entry> out;
  if (positions_ && count > 0) {
    if (auto key = positions_->find(remembered_rank_key(first), version_)) {
      out.reserve(std::min<std::uint64_t>(count, 1024));
      entries().Seek(*key);
      append_forward(out, count);
      return checked_run(std::move(out), first, count);
    }
  }
  auto at = lowest_holding(first);
  if (!at) return std::unexpected(std::move(at.error()));
  if (!*at || count == 0) return out;
  const Lowest& l = **at;
  out.reserve(std::min<std::uint64_t>(count, 1024));
  const std::uint64_t in_node = l.count > l.rest ? l.count - l.rest : 0;
  const std::uint64_t past = count > in_node ? count - in_node : 0;
  const std::uint64_t backward =
      kBack * (in_node - 1) + kTurn + (past > 0 ? kSeek + kForward * past : 0);
  if (in_node > 0 && backward < kForward * (l.rest + count - 1)) {
    read_backward(out, l, count);
  } else {
    entries().Seek(prefix_ + l.first);
    for (std::uint64_t rest = l.rest; entries().Valid() && rest > 0; --rest) entries().Next();
    append_forward(out, count);
  }
  auto run = checked_run(std::move(out), first, count);
  if (run && positions_ && !run->empty()) {
    positions_->remember(remembered_rank_key(first), version_, run->front().key);
  }
  return run;
}

std::expected<std::vector<CountedIndexView::Entry>, std::string> CountedIndexView::checked_run(
    std::vector<Entry> out, std::uint64_t first, std::uint64_t count) {
  auto& e = entries();
  if (!e.status().ok()) return std::unexpected("read model unavailable: " + e.status().ToString());
  // With a tree, the counts say how many there are.
  auto r = root();
  if (!r) return std::unexpected(r.error());
  if (*r && out.size() != std::min(count, (*r)->counts.entries - first)) {
    return std::unexpected(broken("counts more entries than it has"));
  }
  return out;
}

}  // namespace orgd::projections
