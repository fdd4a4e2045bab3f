#include "util/bytes.h"

#include <doctest/doctest.h>

#include <string>

namespace fkvs {
namespace {

TEST_CASE("bytes: load_up_to_8 takes exactly the first n bytes") {
  const std::string text = "abcdefghij";
  for (size_t n = 0; n <= 8; ++n) {
    uint64_t expected = 0;
    for (size_t i = 0; i < n; ++i)
      expected |= uint64_t{static_cast<unsigned char>(text[i])} << (8 * i);
    CHECK(load_up_to_8(text.data(), n) == expected);
  }
}

TEST_CASE("bytes: bytes_equal finds a difference at any position of any length") {
  for (size_t length = 0; length <= 40; ++length) {
    std::string a(length, 'k');
    for (size_t i = 0; i < length; ++i) a[i] = static_cast<char>('a' + i % 26);
    std::string b = a;
    CHECK(bytes_equal(a, b));
    for (size_t i = 0; i < length; ++i) {
      b[i] = static_cast<char>(b[i] ^ 0x80);
      CHECK_FALSE(bytes_equal(a, b));
      b[i] = a[i];
    }
  }
  CHECK_FALSE(bytes_equal(std::string_view("ab"), std::string_view("abc")));
  CHECK(bytes_equal(std::string_view("a\0b", 3), std::string_view("a\0b", 3)));
  CHECK_FALSE(bytes_equal(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

}  // namespace
}  // namespace fkvs
