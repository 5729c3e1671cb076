#pragma once
// The JSON of organizations, remembered by their rows' stored bytes (encode_row's): equal bytes
// are the same row, so their JSON is the same, whatever happened to other rows since. A listing
// page whose rows were rendered before skips decoding them and writing their JSON: over half
// of a page's instructions once its rows are read (README, Architecture).
//
// Unlike the answers remembered at the read models' position (remembered_at_position.hpp), an
// entry stays good across writes to other organizations. At most kRemembered rows, all
// forgotten when full. A row's JSON is kept when the same bytes are rendered the second time
// (projections/second_sight.hpp), so rows seen once, as on pages read at random, cost no copy
// or insert; a listing over far more distinct rows than that pays one hash per row more than
// rendering directly.
//
// Thread-safety: any thread.

#include <cstddef>
#include <expected>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "projections/second_sight.hpp"

namespace orgd::api {

class RenderedOrganizations {
 public:
  static constexpr std::size_t kRemembered = 4096;

  // Appends the JSON of the organization whose row is `encoded`. Error: the bytes are not a
  // row (a damaged read model); `out` is then unchanged.
  [[nodiscard]] std::expected<void, std::string> append_json(std::string& out,
                                                             std::string_view encoded) const;
  // How many rows' JSON is kept now.
  [[nodiscard]] std::size_t remembered() const;

 private:
  // Heterogeneous lookup: the bytes are looked up as they came, without a copy. Hashes the
  // first bytes only (a row starts with its organization's id): enough to spread the rows,
  // and a fraction of hashing all of them; equality still compares every byte.
  struct BytesHash {
    using is_transparent = void;
    static constexpr std::size_t kHashed = 64;
    std::size_t operator()(std::string_view bytes) const noexcept {
      return std::hash<std::string_view>{}(bytes.substr(0, kHashed)) ^ bytes.size();
    }
  };

  mutable std::mutex mutex_;
  mutable projections::SecondSight offered_{2 * kRemembered};
  mutable std::unordered_map<std::string, std::string, BytesHash, std::equal_to<>> json_;
};

}  // namespace orgd::api
