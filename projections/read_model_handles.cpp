#include "projections/read_model_handles.hpp"

#include <rocksdb/db.h>

#include <algorithm>
#include <cassert>
#include <charconv>
#include <utility>

#include "projections/read_model_rebuild.hpp"

namespace orgd::projections {
namespace {

constexpr std::string_view kGenerationInfix = ".gen";

std::string generation_name(std::string_view logical, std::uint64_t n) {
  return std::string(logical) + std::string(kGenerationInfix) + std::to_string(n);
}

}  // namespace

std::uint64_t generation_number(std::string_view logical, std::string_view physical) {
  if (!physical.starts_with(logical)) return 0;
  physical.remove_prefix(logical.size());
  if (!physical.starts_with(kGenerationInfix)) return 0;
  physical.remove_prefix(kGenerationInfix.size());
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(physical.data(), physical.data() + physical.size(), n);
  if (ec != std::errc() || end != physical.data() + physical.size()) return 0;
  return n;
}

std::expected<std::unique_ptr<ReadModelHandles>, std::string> ReadModelHandles::open(
    eventstore::Store& store, const std::vector<std::string>& logical_names, bool drop_orphans) {
  std::unique_ptr<ReadModelHandles> handles(new ReadModelHandles(store));
  if (auto loaded = handles->load_catalog(logical_names); !loaded) {
    return std::unexpected(loaded.error());
  }
  handles->scan_generations(drop_orphans);
  if (drop_orphans) {
    if (auto emptied = handles->empty_outdated(); !emptied) return std::unexpected(emptied.error());
  }
  return handles;
}

std::expected<void, std::string> ReadModelHandles::empty_outdated() {
  for (auto& [logical, slot] : slots_) {
    const ReplayTarget target{store_.db(), slot.live.load()->handle()};
    auto checkpoint = checkpoint_of(target);
    if (!checkpoint) return std::unexpected(checkpoint.error());
    auto layout = layout_of(target);
    if (!layout) return std::unexpected("read model " + logical + ": " + layout.error());
    if (!needs_rebuild(*checkpoint, *layout)) continue;
    if (auto cleared = clear_read_model(target); !cleared) return cleared;
    emptied_.push_back(logical);
  }
  return {};
}

ReadModelHandles::~ReadModelHandles() {
  for (const auto& counted : counted_) {
    // One left would destroy its handle after the store closed, or count in freed memory.
    assert(!counted->referenced() && "a read model's column family handle is still in use");
    counted->destroy_if_owned();  // a live generation created here; not the store's
  }
  if (created_catalog_ != nullptr) {
    // Failing to free a handle at shutdown leaks memory only.
    (void)store_.db()->DestroyColumnFamilyHandle(created_catalog_);
  }
}

std::expected<void, std::string> ReadModelHandles::load_catalog(
    const std::vector<std::string>& logical_names) {
  auto* catalog = store_.column_family(kReadModelCatalogCf);
  for (const auto& logical : logical_names) {
    std::string physical = logical;
    if (catalog != nullptr) {
      const rocksdb::Status s = store_.db()->Get(rocksdb::ReadOptions(), catalog, logical,
                                                 &physical);
      if (s.IsNotFound()) {
        physical = logical;
      } else if (!s.ok()) {
        return std::unexpected("reading the read-model catalog: " + s.ToString());
      }
    }
    auto* cf = store_.column_family(physical);
    if (cf == nullptr) {
      return std::unexpected("read model " + logical + " lives in column family " + physical +
                             ", which is not open");
    }
    auto& slot = slots_[logical];
    slot.live.store(&count(cf, /*owned=*/false));
    slot.physical = physical;
  }
  return {};
}

// Numbers new generations past every existing one, and drops those no read model uses (a
// rebuild that crashed before its swap).
void ReadModelHandles::scan_generations(bool drop_orphans) {
  std::vector<std::string> names;
  if (!rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), store_.db()->GetName(), &names)
           .ok()) {
    return;  // numbering then starts at 2 and create_generation skips taken names
  }
  for (const auto& name : names) {
    for (auto& [logical, slot] : slots_) {
      const std::uint64_t n = generation_number(logical, name);
      if (n == 0) continue;
      next_generation_ = std::max(next_generation_, n + 1);
      auto* handle = store_.column_family(name);
      if (drop_orphans && name != slot.physical && handle != nullptr &&
          store_.db()->DropColumnFamily(handle).ok()) {  // best effort, retried next start
        // Nothing else uses it: destroyed now, RocksDB deletes its files now.
        (void)store_.db()->DestroyColumnFamilyHandle(store_.release_column_family(name));
      }
    }
  }
}

ColumnFamilyRef ReadModelHandles::cf(std::string_view logical) const {
  const auto it = slots_.find(logical);
  if (it == slots_.end()) return ColumnFamilyRef::unowned(store_.column_family(logical));
  for (;;) {
    // Fails only for a handle retired since the load: the slot holds its successor by then.
    if (auto live = ColumnFamilyRef::take(*it->second.live.load(std::memory_order_acquire))) {
      return live;
    }
  }
}

std::string ReadModelHandles::physical_name(std::string_view logical) const {
  std::lock_guard lock(mutex_);
  const auto it = slots_.find(logical);
  return it == slots_.end() ? std::string(logical) : it->second.physical;
}

// Whether a column family of that name is open. Generations created here are numbered past
// every one before, so only those opened with the store can be in the way.
bool ReadModelHandles::taken(const std::string& physical) const {
  if (store_.column_family(physical) != nullptr) return true;
  return std::ranges::any_of(slots_,
                             [&](const auto& slot) { return slot.second.physical == physical; });
}

std::expected<ReadModelHandles::Generation, std::string> ReadModelHandles::create_generation(
    std::string_view logical) {
  const auto live = cf(logical);
  if (!live) return std::unexpected("unknown read model " + std::string(logical));
  std::lock_guard lock(mutex_);
  std::string name = generation_name(logical, next_generation_++);
  while (taken(name)) name = generation_name(logical, next_generation_++);
  const rocksdb::ColumnFamilyOptions options(store_.db()->GetOptions(live.get()));
  rocksdb::ColumnFamilyHandle* handle = nullptr;
  const rocksdb::Status s = store_.db()->CreateColumnFamily(options, name, &handle);
  if (!s.ok()) return std::unexpected("creating column family " + name + ": " + s.ToString());
  return Generation{name, ColumnFamilyRef::take(count(handle, /*owned=*/true))};
}

// Callers hold mutex_, or are open().
CountedHandle& ReadModelHandles::count(rocksdb::ColumnFamilyHandle* handle, bool owned) {
  return *counted_.emplace_back(std::make_unique<CountedHandle>(*store_.db(), handle, owned));
}

std::expected<rocksdb::ColumnFamilyHandle*, std::string> ReadModelHandles::catalog() {
  if (created_catalog_ != nullptr) return created_catalog_;
  if (auto* opened = store_.column_family(kReadModelCatalogCf)) return opened;
  const rocksdb::Status s = store_.db()->CreateColumnFamily(
      rocksdb::ColumnFamilyOptions(), std::string(kReadModelCatalogCf), &created_catalog_);
  if (!s.ok()) return std::unexpected("creating the read-model catalog: " + s.ToString());
  return created_catalog_;
}

std::expected<ReadModelHandles::Generation, std::string> ReadModelHandles::install(
    std::string_view logical, const Generation& next) {
  std::lock_guard lock(mutex_);
  const auto it = slots_.find(logical);
  if (it == slots_.end()) return std::unexpected("unknown read model " + std::string(logical));
  if (next.cf.counted() == nullptr) return std::unexpected("not a generation of this object");
  auto catalog_cf = catalog();
  if (!catalog_cf) return std::unexpected(catalog_cf.error());
  // Synced, and after the new generation's replay flushed it to table files (a replay writes
  // around the WAL, read_model_rebuild.hpp): once this entry is durable, so is everything it
  // points at.
  rocksdb::WriteOptions sync;
  sync.sync = true;
  const rocksdb::Status s = store_.db()->Put(sync, *catalog_cf, std::string(logical), next.name);
  if (!s.ok()) return std::unexpected("recording the swap: " + s.ToString());
  auto& replaced = *it->second.live.load();
  it->second.live.store(next.cf.counted(), std::memory_order_release);
  // Queries that took it before the store above keep it valid until they are done; drop()
  // retires it, and the last reference destroys it, ours now also when the store opened it.
  if (auto* released = store_.release_column_family(it->second.physical)) {
    assert(released == replaced.handle());
    (void)released;  // checked only where asserts are on (not in Release)
    replaced.own();
  }
  return Generation{std::exchange(it->second.physical, next.name), ColumnFamilyRef::take(replaced)};
}

void ReadModelHandles::drop(const Generation& generation) {
  if (!generation.cf) return;
  (void)store_.db()->DropColumnFamily(generation.cf.get());  // best effort; see the header
  if (auto* counted = generation.cf.counted()) counted->retire();
}

}  // namespace orgd::projections
