#pragma once
// cereal binary for read-model rows. Rows are rebuilt from the log, so their layout may change
// between releases (a rebuild follows); events' layouts may not.
//
// cereal reads and writes through std streams; building one (its locale) cost more than
// coding a row, and a listing decodes 20 of them per request. So each thread keeps one input
// stream, pointed at the bytes of each row in turn without copying them, and one output
// stream, emptied before each row.

#include <cereal/archives/portable_binary.hpp>
#include <expected>
#include <span>
#include <spanstream>
#include <sstream>
#include <string>
#include <string_view>

namespace orgd::projections {

template <class Row>
std::string encode_with_cereal(const Row& row) {
  thread_local std::ostringstream out(std::ios::binary);
  out.str(std::string());
  out.clear();
  {
    cereal::PortableBinaryOutputArchive archive(out);
    archive(row);
  }
  return out.str();
}

template <class Row>
std::expected<Row, std::string> decode_with_cereal(std::string_view bytes) {
  thread_local std::ispanstream in(std::span<const char>{});
  in.clear();
  in.span(std::span<const char>(bytes.data(), bytes.size()));
  try {
    cereal::PortableBinaryInputArchive archive(in);
    Row row;
    archive(row);
    return row;
  } catch (const std::exception& e) {
    return std::unexpected(std::string("undecodable read-model row: ") + e.what());
  }
}

}  // namespace orgd::projections
