#pragma once
// cereal binary for read-model rows. Rows are rebuilt from the log, so their layout may change
// between releases (a rebuild follows); events' layouts may not.

#include <cereal/archives/portable_binary.hpp>
#include <expected>
#include <sstream>
#include <string>
#include <string_view>

namespace orgd::projections {

template <class Row>
std::string encode_with_cereal(const Row& row) {
  std::ostringstream out(std::ios::binary);
  {
    cereal::PortableBinaryOutputArchive archive(out);
    archive(row);
  }
  return std::move(out).str();
}

template <class Row>
std::expected<Row, std::string> decode_with_cereal(std::string_view bytes) {
  try {
    std::istringstream in(std::string(bytes), std::ios::binary);
    cereal::PortableBinaryInputArchive archive(in);
    Row row;
    archive(row);
    return row;
  } catch (const std::exception& e) {
    return std::unexpected(std::string("undecodable read-model row: ") + e.what());
  }
}

}  // namespace orgd::projections
