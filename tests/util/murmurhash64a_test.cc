#include "util/murmurhash64a.h"

#include <doctest/doctest.h>

#include <string_view>

using fkvs::murmurhash64a;

// With Redis's HyperLogLog seed; the low 14 bits and the run of zeros above them agree
// with the registers redis-server 7.0 sets for these elements (PFDEBUG GETREG).
TEST_CASE("murmurhash64a: values for every length of tail") {
  constexpr uint64_t kSeed = 0xadc83b19;
  CHECK(murmurhash64a("", kSeed) == 0xd8dfea6585bc9732ULL);
  CHECK(murmurhash64a("a", kSeed) == 0x53d2470a9b43b1a7ULL);
  CHECK(murmurhash64a("abcd", kSeed) == 0xb079ee3d44202b3eULL);
  CHECK(murmurhash64a("abcdefgh", kSeed) == 0xf3a65df559914567ULL);
  CHECK(murmurhash64a("hello world", kSeed) == 0xa919bc3051f624b7ULL);
  CHECK(murmurhash64a("0123456789abcdefg", kSeed) == 0xf6c82f549aceb6e9ULL);
  CHECK(murmurhash64a(std::string_view("\x00\xff\x80", 3), kSeed) == 0x0b3a88b2d350bf7fULL);
}

TEST_CASE("murmurhash64a: the seed changes the hash") {
  CHECK(murmurhash64a("abc", 0) != murmurhash64a("abc", 1));
  CHECK(murmurhash64a("", 0) == 0);  // nothing mixed into a zero state
}
