# Included from the top-level CMakeLists.txt when ORGD_FUZZ is on, before any target exists, so
# that every library the fuzz targets link is instrumented too. tools/fuzz configures with it.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR CMAKE_CXX_COMPILER_VERSION VERSION_LESS 16)
  message(FATAL_ERROR "ORGD_FUZZ needs clang++ 16 or newer (libFuzzer); configure with "
                      "-DCMAKE_CXX_COMPILER=clang++-16, as tools/fuzz does")
endif()
if(NOT CMAKE_BUILD_TYPE STREQUAL "Debug")
  # Release adds GCC-only warning flags (orgd_warnings) and -DNDEBUG, which would switch off
  # the asserts a fuzzer should trip. Optimization comes from -O1 below.
  message(FATAL_ERROR "ORGD_FUZZ needs CMAKE_BUILD_TYPE=Debug")
endif()

add_compile_options(
  # (The top-level CMakeLists.txt makes clang 16 enable libstdc++ 12's <expected>.)
  # Coverage feedback for libFuzzer in every translation unit; ASan and UBSan, where any
  # undefined behaviour aborts (the default would print and carry on, invisible to the fuzzer).
  -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
  -fno-omit-frame-pointer -O1
  # Boost's own asserts are compiled out, as in the Release builds that ship (NDEBUG); ours
  # stay on. Boost 1.81's HTTP parser asserts wrongly when a chunked body's last-chunk line
  # and the bytes after it arrive in separate reads (boostorg/beast#2861, fixed upstream in
  # May 2024), which the fuzzer finds within a minute and which would hide everything else.
  -DBOOST_DISABLE_ASSERTS)
add_link_options(-fsanitize=address,undefined)

add_subdirectory(${CMAKE_CURRENT_LIST_DIR} ${CMAKE_BINARY_DIR}/tests/fuzz)
