#pragma once
// Names and handles of the column families the event store owns (layouts in README.md).

#include <algorithm>
#include <array>
#include <string_view>

namespace rocksdb {
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace orgd::eventstore {

inline constexpr std::string_view kEventsCf = "events";
inline constexpr std::string_view kStreamsCf = "streams";
inline constexpr std::string_view kStreamHeadsCf = "stream_heads";
inline constexpr std::string_view kClaimsCf = "claims";
inline constexpr std::string_view kMetaCf = "meta";

// The log's own column families: no other layer may name, release or drop them.
inline constexpr std::array kOwnColumnFamilies = {kEventsCf, kStreamsCf, kStreamHeadsCf, kClaimsCf,
                                                  kMetaCf};
[[nodiscard]] inline bool is_own_column_family(std::string_view name) {
  return std::ranges::find(kOwnColumnFamilies, name) != kOwnColumnFamilies.end();
}

// "meta" keys.
inline constexpr std::string_view kFormatVersionKey = "format_version";
inline constexpr std::string_view kHeadKey = "head";  // position (8 BE) ‖ hash (32)
// Never holds a value: the writer's probe of a log that failed deletes it (AppendWriter).
inline constexpr std::string_view kProbeKey = "writable-probe";

// The store's own handles; owned by Database, valid while it lives.
struct ColumnFamilies {
  rocksdb::ColumnFamilyHandle* events{nullptr};
  rocksdb::ColumnFamilyHandle* streams{nullptr};
  rocksdb::ColumnFamilyHandle* stream_heads{nullptr};
  rocksdb::ColumnFamilyHandle* claims{nullptr};
  rocksdb::ColumnFamilyHandle* meta{nullptr};
};

}  // namespace orgd::eventstore
