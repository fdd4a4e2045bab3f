#include "util/sha1.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

using fkvs::Sha1;

namespace {

std::string sha1_hex(std::string_view bytes) { return Sha1::hex(Sha1::of(bytes)); }

}  // namespace

TEST_CASE("sha1: FIPS 180-1 test vectors") {
  CHECK(sha1_hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(sha1_hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  CHECK(sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  CHECK(sha1_hex(std::string(1000000, 'a')) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST_CASE("sha1: one million 'a' fed in uneven pieces") {
  Sha1 sha1;
  std::string piece(997, 'a');
  size_t remaining = 1000000;
  while (remaining > 0) {
    size_t taken = std::min(remaining, piece.size());
    sha1.update(piece.data(), taken);
    remaining -= taken;
  }
  CHECK(Sha1::hex(sha1.finish()) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST_CASE("sha1: updates split at every offset equal the one-shot digest") {
  std::string input;
  for (int i = 0; i < 200; ++i) input.push_back(static_cast<char>(i * 37 + 11));
  Sha1::Digest whole = Sha1::of(input);
  for (size_t split = 0; split <= input.size(); ++split) {
    CAPTURE(split);
    Sha1 two_parts;
    two_parts.update(std::string_view(input).substr(0, split));
    two_parts.update(std::string_view(input).substr(split));
    CHECK(two_parts.finish() == whole);
  }
  Sha1 byte_at_a_time;
  for (char byte : input) byte_at_a_time.update(&byte, 1);
  CHECK(byte_at_a_time.finish() == whole);
}

TEST_CASE("sha1: lengths at the padding edges") {
  // Known digests of "a" repeated n times: 55 bytes is the longest message whose
  // padding fits in one block; 56..63 need a second block.
  CHECK(sha1_hex(std::string(55, 'a')) == "c1c8bbdc22796e28c0e15163d20899b65621d65a");
  CHECK(sha1_hex(std::string(56, 'a')) == "c2db330f6083854c99d4b5bfb6e8f29f201be699");
  CHECK(sha1_hex(std::string(63, 'a')) == "03f09f5b158a7a8cdad920bddc29b81c18a551f5");
  CHECK(sha1_hex(std::string(64, 'a')) == "0098ba824b5c16427bd7a1122a5a442a25ec644d");
  CHECK(sha1_hex(std::string(65, 'a')) == "11655326c708d70319be2610e8a57d9a5b959d3b");
}

TEST_CASE("sha1: hex is 40 lowercase digits") {
  Sha1::Digest digest{};
  digest[0] = 0xab;
  digest[19] = 0xf0;
  std::string text = Sha1::hex(digest);
  CHECK(text.size() == 40);
  CHECK(text == "ab000000000000000000000000000000000000f0");
  CHECK(Sha1::hex(Sha1::of("abc")).find_first_not_of("0123456789abcdef") == std::string::npos);
}
