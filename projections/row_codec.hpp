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
#include <istream>
#include <sstream>
#include <streambuf>
#include <string>
#include <string_view>

namespace orgd::projections {

namespace row_codec_detail {

// A read-only stream buffer over bytes it does not own.
class ViewBuffer : public std::streambuf {
 public:
  void view(std::string_view bytes) {
    // The get area is never written through: std::streambuf only wants non-const pointers.
    char* first = const_cast<char*>(bytes.data());  // NOLINT(cppcoreguidelines-pro-type-const-cast)
    setg(first, first, first + bytes.size());
  }
};

}  // namespace row_codec_detail

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
  thread_local row_codec_detail::ViewBuffer buffer;
  thread_local std::istream in(&buffer);
  buffer.view(bytes);
  in.clear();
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
