#pragma once
// Damage a test does to a file of a store (a copy, or one no process holds), as a bad disk or
// a hand would: one bit flipped.

#include <filesystem>
#include <fstream>
#include <ios>

namespace orgd::test {

// Flips the lowest bit of the byte in the middle of `file`.
inline void flip_middle_byte(const std::filesystem::path& file) {
  std::fstream stream(file, std::ios::in | std::ios::out | std::ios::binary);
  const auto middle = static_cast<std::streamoff>(std::filesystem::file_size(file) / 2);
  char byte = 0;
  stream.seekg(middle);
  stream.read(&byte, 1);
  byte = static_cast<char>(byte ^ 0x01);
  stream.seekp(middle);
  stream.write(&byte, 1);
}

}  // namespace orgd::test
