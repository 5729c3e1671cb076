#include "projections/index_page.hpp"

#include <algorithm>
#include <memory>
#include <optional>

#include "projections/counted_index_view.hpp"
#include "projections/read_model_batch.hpp"

namespace orgd::projections {
namespace {

// The range's bounds in ranks of the index: [first, end).
struct RankRange {
  std::uint64_t first{0};
  std::uint64_t end{0};
};

std::expected<RankRange, std::string> ranks_of(CountedIndexView& index, const std::string& within) {
  auto size = index.size();
  if (!size) return std::unexpected(size.error());
  if (within.empty()) return RankRange{0, *size};
  auto first = index.rank_of(within);
  if (!first) return std::unexpected(first.error());
  const std::string upper = upper_bound_of(within);
  if (upper.empty()) return RankRange{*first, *size};
  auto end = index.rank_of(upper);
  if (!end) return std::unexpected(end.error());
  return RankRange{*first, *end};
}

// Positions `it` at the first entry of a page that follows the entry `after`.
void position_after(rocksdb::Iterator& it, bool descending, const std::string& after) {
  if (descending) {
    it.SeekForPrev(after);
    if (it.Valid() && it.key() == rocksdb::Slice(after)) it.Prev();
  } else {
    it.Seek(after);
    if (it.Valid() && it.key() == rocksdb::Slice(after)) it.Next();
  }
}

// Positions `it` at the first entry of the range `range` in the listing's order.
void position_at_start(rocksdb::Iterator& it, bool descending, const std::string& range) {
  if (!descending) {
    it.Seek(range);
    return;
  }
  const std::string upper = upper_bound_of(range);
  if (upper.empty()) {
    it.SeekToLast();
  } else {
    position_after(it, true, upper);
  }
}

// A cursor's bytes: its head (cursor_head), the direction ('a' or 'd'), be64(the length of
// `within`), then the last key returned. The direction and the length of `within` bind it to
// its listing: a cursor of the opposite order, or of a narrower `q` on a listing without it
// (whose keys also start with the wider range), would otherwise page on from the wrong place.
std::string cursor_of(const IndexPageRequest& request, std::uint64_t page, std::string_view key) {
  return to_hex(cursor_head(page, request.page_size) + (request.descending ? 'd' : 'a') +
                encode_u64(request.within.size()) + std::string(key));
}

struct CursorAt {
  std::uint64_t page{0};
  std::string after;
};

std::optional<CursorAt> read_cursor(const IndexPageRequest& request, const std::string& range) {
  auto raw = from_hex(request.cursor);
  constexpr std::size_t kHead = kCursorHeadSize + 1 + 8;
  if (!raw || raw->size() < kHead) return std::nullopt;
  const std::string_view bytes = *raw;
  const auto page = cursor_page(bytes, request.page_size);
  const std::string_view after = bytes.substr(kHead);
  if (!page || bytes[kCursorHeadSize] != (request.descending ? 'd' : 'a') ||
      decode_u64(bytes.substr(kCursorHeadSize + 1, 8)) != request.within.size() ||
      !after.starts_with(range)) {
    return std::nullopt;
  }
  return CursorAt{*page, std::string(after)};
}

// Page `request.page` (> 1) of `ranks` by number: its entries found by rank through the count
// tree, never by walking the pages before it.
std::expected<IndexPage, IndexPageError> numbered_page(CountedIndexView& index,
                                                       const IndexPageRequest& request,
                                                       RankRange ranks, IndexPage page) {
  // Division, not multiplication: a huge page number must not wrap around.
  const std::uint64_t pages_before = request.page - 1;
  if (request.page_size == 0 || page.total == 0 ||
      pages_before > (page.total - 1) / request.page_size) {
    return page;
  }
  const std::uint64_t skip = pages_before * request.page_size;
  const std::uint64_t count = std::min(request.page_size, page.total - skip);
  // In the index's order, the page's entries are ranks [first, first + count).
  const std::uint64_t first = request.descending ? ranks.end - skip - count : ranks.first + skip;
  auto entries = index.entries_at(first, count);
  if (!entries || entries->size() != count) return std::unexpected(IndexPageError::storage);
  if (request.descending) std::reverse(entries->begin(), entries->end());
  page.ids.reserve(count);
  for (auto& entry : *entries) page.ids.push_back(std::move(entry.value));
  if (skip + count < page.total) {
    page.next_cursor = cursor_of(request, page.page + 1, entries->back().key);
  }
  return page;
}

// The request's identity in a memory of pages: every field, the texts length-prefixed.
std::string page_request_key(const IndexPageRequest& request) {
  std::string key;
  key.reserve(request.prefix.size() + request.within.size() + request.cursor.size() + 41);
  for (const std::string* text : {&request.prefix, &request.within, &request.cursor}) {
    append_length_prefixed(key, *text);
  }
  key += encode_u64(request.page);
  key += encode_u64(request.page_size);
  key += request.descending ? '\1' : '\0';
  return key;
}

}  // namespace

std::string encode_index_page(const IndexPage& page) {
  std::string bytes = encode_u64(page.page) + encode_u64(page.total);
  append_length_prefixed(bytes, page.next_cursor);
  for (const auto& id : page.ids) append_length_prefixed(bytes, id);
  return bytes;
}

std::optional<IndexPage> decode_index_page(std::string_view bytes) {
  if (bytes.size() < 16) return std::nullopt;
  IndexPage page;
  page.page = decode_u64(bytes);
  page.total = decode_u64(bytes.substr(8));
  bytes.remove_prefix(16);
  auto cursor = take_length_prefixed(bytes);
  if (!cursor) return std::nullopt;
  page.next_cursor = *cursor;
  while (!bytes.empty()) {
    auto id = take_length_prefixed(bytes);
    if (!id) return std::nullopt;
    page.ids.emplace_back(*id);
  }
  return page;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kDigits[c >> 4];
    out[2 * i + 1] = kDigits[c & 15];
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

std::string cursor_head(std::uint64_t page, std::uint64_t page_size) {
  return encode_u64(page) + encode_u64(page_size);
}

std::optional<std::uint64_t> cursor_page(std::string_view bytes, std::uint64_t page_size) {
  if (bytes.size() < kCursorHeadSize || decode_u64(bytes.substr(8, 8)) != page_size) {
    return std::nullopt;
  }
  const std::uint64_t page = decode_u64(bytes.substr(0, 8));
  if (page < 2 || page > kMaxCursorPage) return std::nullopt;
  return page;
}

namespace {

std::expected<IndexPage, IndexPageError> walk_to_page(rocksdb::DB* db,
                                                      rocksdb::ColumnFamilyHandle* cf,
                                                      const rocksdb::ReadOptions& options,
                                                      const IndexPageRequest& request,
                                                      const IndexPageMemories& memories) {
  const std::string range = request.prefix + request.within;
  IndexPage page;
  page.page = request.page;
  std::string after;
  if (!request.cursor.empty()) {
    auto at = read_cursor(request, range);
    if (!at) return std::unexpected(IndexPageError::invalid_cursor);
    page.page = at->page;
    after = std::move(at->after);
  }
  CountedIndexView index(db, cf, options, request.prefix, memories.tree_parts, memories.positions);
  auto ranks = ranks_of(index, request.within);
  if (!ranks) return std::unexpected(IndexPageError::storage);
  page.total = ranks->end - ranks->first;
  if (after.empty() && request.page > 1) return numbered_page(index, request, *ranks, page);
  auto& it = index.entries();
  if (!after.empty()) {
    position_after(it, request.descending, after);
  } else {
    position_at_start(it, request.descending, range);
  }
  auto step = [&] { request.descending ? it.Prev() : it.Next(); };
  auto in_range = [&] { return it.Valid() && it.key().starts_with(range); };
  std::string last_key;
  for (; in_range() && page.ids.size() < request.page_size; step()) {
    page.ids.emplace_back(it.value().data(), it.value().size());
    last_key.assign(it.key().data(), it.key().size());
  }
  if (!it.status().ok()) return std::unexpected(IndexPageError::storage);
  if (in_range() && !page.ids.empty()) {
    page.next_cursor = cursor_of(request, page.page + 1, last_key);
  }
  return page;
}

}  // namespace

std::expected<IndexPage, IndexPageError> read_index_page(rocksdb::DB* db,
                                                         rocksdb::ColumnFamilyHandle* cf,
                                                         const rocksdb::ReadOptions& options,
                                                         const IndexPageRequest& request,
                                                         const IndexPageMemories& memories) {
  if (!memories.pages || !options.snapshot) {
    return walk_to_page(db, cf, options, request, memories);
  }
  const ReadModelVersion version = version_at(*cf, *options.snapshot);
  const std::string key = page_request_key(request);
  if (auto bytes = memories.pages->find(key, version)) {
    if (auto page = decode_index_page(*bytes)) return std::move(*page);
  }
  auto page = walk_to_page(db, cf, options, request, memories);
  if (page) memories.pages->remember_made(key, version, [&] { return encode_index_page(*page); });
  return page;
}

}  // namespace orgd::projections
