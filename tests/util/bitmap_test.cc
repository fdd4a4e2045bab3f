#include "util/bitmap.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace fkvs {
namespace {

// The bitmap model: one bool per bit, most significant bit of each byte first.
std::vector<bool> bits_of(std::string_view bytes) {
  std::vector<bool> bits;
  for (char byte : bytes) {
    for (int shift = 7; shift >= 0; --shift)
      bits.push_back(((static_cast<uint8_t>(byte) >> shift) & 1) != 0);
  }
  return bits;
}

uint64_t model_count(std::string_view bytes, uint64_t first, uint64_t last) {
  const std::vector<bool> bits = bits_of(bytes);
  uint64_t count = 0;
  for (uint64_t i = first; i <= last; ++i) count += bits[i] ? 1 : 0;
  return count;
}

std::optional<uint64_t> model_find(std::string_view bytes, bool bit, uint64_t first,
                                   uint64_t last) {
  const std::vector<bool> bits = bits_of(bytes);
  for (uint64_t i = first; i <= last; ++i) {
    if (bits[i] == bit) return i;
  }
  return std::nullopt;
}

std::string model_combine(BitOp op, const std::vector<std::string>& sources) {
  size_t longest = 0;
  for (const std::string& source : sources) longest = std::max(longest, source.size());
  std::string out(longest, '\0');
  for (size_t i = 0; i < longest; ++i) {
    auto at = [&](size_t s) {
      return i < sources[s].size() ? static_cast<uint8_t>(sources[s][i]) : 0;
    };
    uint8_t byte = at(0);
    for (size_t s = 1; s < sources.size(); ++s) {
      if (op == BitOp::kAnd) byte &= at(s);
      if (op == BitOp::kOr) byte |= at(s);
      if (op == BitOp::kXor) byte ^= at(s);
    }
    out[i] = static_cast<char>(op == BitOp::kNot ? ~byte : byte);
  }
  return out;
}

// Strings with long runs of zeros and ones as well as noise, so that the word
// loops skip and stop at every alignment.
std::string random_bitmap(std::mt19937_64& random, size_t length) {
  std::string bytes(length, '\0');
  const int style = static_cast<int>(random() % 4);
  for (char& byte : bytes) {
    switch (style) {
      case 0:
        byte = static_cast<char>(random());
        break;
      case 1:
        byte = random() % 64 == 0 ? static_cast<char>(random()) : '\0';
        break;
      case 2:
        byte = random() % 64 == 0 ? static_cast<char>(random()) : '\xff';
        break;
      default:
        byte = random() % 2 == 0 ? '\0' : '\xff';
        break;
    }
  }
  return bytes;
}

TEST_CASE("bitmap: count_set_bits of known strings") {
  CHECK(count_set_bits("") == 0);
  CHECK(count_set_bits("foobar") == 26);
  CHECK(count_set_bits(std::string(1000, '\xff')) == 8000);
  CHECK(count_set_bits_in_range("foobar", 8, 15) == 6);
  CHECK(count_set_bits_in_range("foobar", 5, 30) == 17);
  CHECK(count_set_bits_in_range("\xff", 3, 3) == 1);
}

TEST_CASE("bitmap: find_first_bit stops at the range's ends") {
  CHECK(find_first_bit("\x00\x01", true, 0, 15) == 15);
  CHECK(find_first_bit("\x00\x01", true, 0, 14) == std::nullopt);
  CHECK(find_first_bit(std::string_view("\xff\xff\xfe", 3), false, 0, 23) == 23);
  CHECK(find_first_bit("\xff\xff", false, 0, 15) == std::nullopt);
  CHECK(find_first_bit("\x80", true, 1, 7) == std::nullopt);
}

TEST_CASE("bitmap: counts and searches match the model at random ranges") {
  const uint64_t seed = 0xb17c0de;
  std::printf("bitmap count/find seed: %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 random(seed);
  for (int round = 0; round < 2000; ++round) {
    const std::string bytes = random_bitmap(random, 1 + random() % 80);
    const uint64_t bit_count = bytes.size() * 8;
    uint64_t first = random() % bit_count;
    uint64_t last = random() % bit_count;
    if (first > last) std::swap(first, last);
    CAPTURE(round);
    CHECK(count_set_bits(bytes) == model_count(bytes, 0, bit_count - 1));
    CHECK(count_set_bits_in_range(bytes, first, last) == model_count(bytes, first, last));
    for (bool bit : {false, true}) {
      CHECK(find_first_bit(bytes, bit, first, last) == model_find(bytes, bit, first, last));
      CHECK(find_first_bit(bytes, bit, 0, bit_count - 1) ==
            model_find(bytes, bit, 0, bit_count - 1));
    }
  }
}

TEST_CASE("bitmap: combine_bitmaps matches the model for every op") {
  const uint64_t seed = 0xb170b;
  std::printf("bitmap combine seed: %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 random(seed);
  for (int round = 0; round < 1000; ++round) {
    const BitOp op = static_cast<BitOp>(random() % 4);
    const size_t count = op == BitOp::kNot ? 1 : 1 + random() % 4;
    std::vector<std::string> sources;
    // Lengths past a combining block now and then, and sometimes empty.
    for (size_t i = 0; i < count; ++i) {
      const size_t length = random() % 10 == 0 ? 16 * 1024 + random() % 20000 : random() % 70;
      sources.push_back(random_bitmap(random, length));
    }
    const std::string expected = model_combine(op, sources);
    std::vector<std::string_view> views(sources.begin(), sources.end());
    std::string out(expected.size(), '\x5a');
    combine_bitmaps(op, views, std::span(out.data(), out.size()));
    CAPTURE(round);
    CHECK(out == expected);
  }
}

}  // namespace
}  // namespace fkvs
