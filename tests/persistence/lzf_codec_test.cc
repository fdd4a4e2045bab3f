#include "persistence/lzf_codec.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <random>
#include <string>

#include "persistence/format_error.h"
#include "test_bytes.h"

using fkvs::from_hex;
using fkvs::persistence::FormatError;
using fkvs::persistence::lzf_compress_bytes;
using fkvs::persistence::lzf_decompress_bytes;

namespace {

std::string repetitive_text(size_t length) {
  static constexpr std::string_view kPhrase = "the quick brown fox jumps over the lazy dog; ";
  std::string text;
  text.reserve(length);
  while (text.size() < length) text += kPhrase.substr(0, length - text.size());
  return text;
}

std::string random_text(std::mt19937_64& rng, size_t length) {
  std::string bytes(length, '\0');
  for (char& byte : bytes) byte = static_cast<char>(rng());
  return bytes;
}

}  // namespace

TEST_CASE("lzf_codec: repetitive text round-trips at many sizes") {
  for (size_t length : {5, 16, 60, 100, 1000, 4096, 65536, 100 * 1024}) {
    CAPTURE(length);
    std::string original = repetitive_text(length);
    std::optional<std::string> compressed = lzf_compress_bytes(original);
    if (length >= 100) REQUIRE(compressed.has_value());
    if (!compressed) continue;
    CHECK(compressed->size() + 4 <= original.size());
    CHECK(lzf_decompress_bytes(*compressed, original.size()) == original);
  }
}

TEST_CASE("lzf_codec: 30 'a' then 30 'b' compresses") {
  std::string original = std::string(30, 'a') + std::string(30, 'b');
  std::optional<std::string> compressed = lzf_compress_bytes(original);
  REQUIRE(compressed.has_value());
  CHECK(compressed->size() + 4 <= original.size());
  CHECK(lzf_decompress_bytes(*compressed, original.size()) == original);
}

TEST_CASE("lzf_codec: incompressible and tiny inputs stay uncompressed") {
  constexpr unsigned kSeed = 7;
  std::printf("lzf_codec incompressible seed %u\n", kSeed);
  std::mt19937_64 rng(kSeed);
  for (size_t length : {5, 20, 100, 1000, 10000}) {
    CAPTURE(length);
    CHECK_FALSE(lzf_compress_bytes(random_text(rng, length)).has_value());
  }
  // Redis never compresses a string of 4 bytes or fewer.
  for (size_t length = 0; length <= 4; ++length) {
    CHECK_FALSE(lzf_compress_bytes(std::string(length, 'a')).has_value());
  }
}

TEST_CASE("lzf_codec: the frame redis-server 7.0.15 wrote for str:lzf:small") {
  // From dump.rdb: 0xC3, compressed length 14, original length 60, then these bytes.
  std::string compressed = from_hex("016161e013000062e01200016262");
  REQUIRE(compressed.size() == 14);
  std::string original = std::string(30, 'a') + std::string(30, 'b');
  CHECK(lzf_decompress_bytes(compressed, 60) == original);
  // Debian's liblzf and the copy Redis bundles compress alike, so our RDB bytes match.
  CHECK(lzf_compress_bytes(original) == compressed);
}

TEST_CASE("lzf_codec: a wrong original length throws") {
  std::string original = repetitive_text(1000);
  std::string compressed = lzf_compress_bytes(original).value();
  CHECK_THROWS_AS(lzf_decompress_bytes(compressed, original.size() - 1), FormatError);
  CHECK_THROWS_AS(lzf_decompress_bytes(compressed, original.size() + 1), FormatError);
  CHECK_THROWS_AS(lzf_decompress_bytes(compressed, 1), FormatError);
  CHECK_THROWS_AS(lzf_decompress_bytes(compressed, 0), FormatError);
}

TEST_CASE("lzf_codec: truncated input throws") {
  std::string original = repetitive_text(1000);
  std::string compressed = lzf_compress_bytes(original).value();
  CHECK_THROWS_AS(lzf_decompress_bytes("", original.size()), FormatError);
  for (size_t length = 1; length < compressed.size(); ++length) {
    CAPTURE(length);
    CHECK_THROWS_AS(lzf_decompress_bytes(compressed.substr(0, length), original.size()),
                    FormatError);
  }
}

TEST_CASE("lzf_codec: corrupt data throws and never overruns") {
  // A back reference to before the start of the output.
  CHECK_THROWS_AS(lzf_decompress_bytes(from_hex("20ff"), 10), FormatError);
  // A literal run longer than the input that follows it.
  CHECK_THROWS_AS(lzf_decompress_bytes(from_hex("1f6161"), 32), FormatError);

  constexpr unsigned kSeed = 1234;
  std::printf("lzf_codec garbage seed %u\n", kSeed);
  std::mt19937_64 rng(kSeed);
  std::string original = repetitive_text(500);
  std::string compressed = lzf_compress_bytes(original).value();
  int failures = 0;
  for (int round = 0; round < 2000; ++round) {
    std::string garbage = (round % 2 == 0) ? random_text(rng, 1 + rng() % 64) : compressed;
    if (round % 2 == 1) garbage[rng() % garbage.size()] = static_cast<char>(rng());
    size_t original_length = 1 + rng() % 600;
    // Either a clean failure or exactly original_length bytes; nothing else.
    std::optional<std::string> decompressed;
    try {
      decompressed = lzf_decompress_bytes(garbage, original_length);
    } catch (const FormatError&) {
      ++failures;
    }
    if (decompressed) REQUIRE(decompressed->size() == original_length);
  }
  // Random bytes almost never decode to exactly the stated length.
  CHECK(failures > 1500);
}
