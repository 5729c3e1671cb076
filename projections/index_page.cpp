#include "projections/index_page.hpp"

#include <memory>
#include <optional>

#include "projections/read_model_batch.hpp"

namespace orgd::projections {
namespace {

// An iterator confined to [prefix, upper_bound_of(prefix)); owns its bounds.
struct RangeIterator {
  RangeIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                const rocksdb::ReadOptions& options, const std::string& prefix)
      : lower(prefix), upper(upper_bound_of(prefix)), lower_slice(lower), upper_slice(upper) {
    rocksdb::ReadOptions ranged = options;
    ranged.iterate_lower_bound = &lower_slice;
    ranged.iterate_upper_bound = &upper_slice;
    it.reset(db->NewIterator(ranged, cf));
  }
  std::string lower, upper;
  rocksdb::Slice lower_slice, upper_slice;
  std::unique_ptr<rocksdb::Iterator> it;
};

void position_at_start(rocksdb::Iterator& it, bool descending, const std::string* after) {
  if (after == nullptr) {
    descending ? it.SeekToLast() : it.SeekToFirst();
    return;
  }
  if (descending) {
    it.SeekForPrev(*after);
    if (it.Valid() && it.key() == rocksdb::Slice(*after)) it.Prev();
  } else {
    it.Seek(*after);
    if (it.Valid() && it.key() == rocksdb::Slice(*after)) it.Next();
  }
}

}  // namespace

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

std::string upper_bound_of(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff) prefix.pop_back();
  if (!prefix.empty()) prefix.back() = static_cast<char>(prefix.back() + 1);
  return prefix;
}

std::expected<IndexPage, IndexPageError> read_index_page(rocksdb::DB* db,
                                                         rocksdb::ColumnFamilyHandle* cf,
                                                         const rocksdb::ReadOptions& options,
                                                         const IndexPageRequest& request) {
  IndexPage page;
  page.page = request.page;
  std::string after;
  if (!request.cursor.empty()) {
    auto raw = from_hex(request.cursor);
    if (!raw || raw->size() < 8 || !raw->substr(8).starts_with(request.prefix)) {
      return std::unexpected(IndexPageError::invalid_cursor);
    }
    page.page = decode_u64(*raw);
    after = raw->substr(8);
  }
  RangeIterator range(db, cf, options, request.prefix);
  auto& it = *range.it;
  position_at_start(it, request.descending, after.empty() ? nullptr : &after);
  auto step = [&] { request.descending ? it.Prev() : it.Next(); };
  std::uint64_t skip = after.empty() ? (page.page - 1) * request.page_size : 0;
  for (; it.Valid() && skip > 0; --skip) step();
  std::string last_key;
  for (; it.Valid() && page.ids.size() < request.page_size; step()) {
    page.ids.push_back(it.value().ToString());
    last_key = it.key().ToString();
  }
  if (!it.status().ok()) return std::unexpected(IndexPageError::storage);
  if (it.Valid() && !page.ids.empty()) {
    page.next_cursor = to_hex(encode_u64(page.page + 1) + last_key);
  }
  return page;
}

std::uint64_t count_prefix(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                           const rocksdb::ReadOptions& options, const std::string& prefix) {
  RangeIterator range(db, cf, options, prefix);
  std::uint64_t count = 0;
  for (range.it->SeekToFirst(); range.it->Valid(); range.it->Next()) ++count;
  return count;
}

}  // namespace orgd::projections
