#include "persistence/crc64.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

using fkvs::persistence::crc64;

namespace {

// The definition, one bit at a time: reflected Jones polynomial, init 0, no final xor.
uint64_t bitwise_crc64(uint64_t crc, const uint8_t* bytes, size_t length) {
  constexpr uint64_t kReflectedJones = 0x95ac9329ac4bc9b5;
  for (size_t i = 0; i < length; ++i) {
    crc ^= bytes[i];
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ kReflectedJones : crc >> 1;
  }
  return crc;
}

std::vector<uint8_t> random_bytes(std::mt19937_64& rng, size_t length) {
  std::vector<uint8_t> bytes(length);
  for (uint8_t& byte : bytes) byte = static_cast<uint8_t>(rng());
  return bytes;
}

}  // namespace

TEST_CASE("crc64: check value of \"123456789\"") {
  CHECK(crc64(0, "123456789") == 0xe9c6d914c4b8d9ca);
  const uint8_t digits[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  CHECK(bitwise_crc64(0, digits, sizeof digits) == 0xe9c6d914c4b8d9ca);
}

TEST_CASE("crc64: empty input leaves the crc unchanged") {
  CHECK(crc64(0, "") == 0);
  CHECK(crc64(0x0123456789abcdef, "") == 0x0123456789abcdef);
  CHECK(crc64(0xe9c6d914c4b8d9ca, nullptr, 0) == 0xe9c6d914c4b8d9ca);
}

TEST_CASE("crc64: continuing a checksum equals one pass, at every split and alignment") {
  constexpr unsigned kSeed = 64;
  std::printf("crc64 continuation seed %u\n", kSeed);
  std::mt19937_64 rng(kSeed);
  // Room for every start offset within a word so the head, body and tail all vary.
  std::vector<uint8_t> buffer = random_bytes(rng, 100 + 8);
  for (size_t offset = 0; offset < 8; ++offset) {
    for (size_t length = 0; length <= 100; ++length) {
      const uint8_t* data = buffer.data() + offset;
      uint64_t whole = crc64(0, data, length);
      CAPTURE(offset);
      CAPTURE(length);
      REQUIRE(whole == bitwise_crc64(0, data, length));
      for (size_t split = 0; split <= length; ++split) {
        CAPTURE(split);
        REQUIRE(crc64(crc64(0, data, split), data + split, length - split) == whole);
      }
    }
  }
}

TEST_CASE("crc64: slice-by-8 matches the bitwise reference on random data") {
  constexpr unsigned kSeed = 20240601;
  std::printf("crc64 random seed %u\n", kSeed);
  std::mt19937_64 rng(kSeed);
  std::vector<size_t> lengths;
  for (size_t length = 0; length <= 300; ++length) lengths.push_back(length);
  for (size_t length : {511, 512, 513, 1000, 4095, 4096, 4097, 65536, 100003}) {
    lengths.push_back(length);
  }
  for (size_t length : lengths) {
    std::vector<uint8_t> bytes = random_bytes(rng, length + 7);
    size_t offset = rng() % 8;
    uint64_t initial = (length % 3 == 0) ? 0 : rng();
    CAPTURE(length);
    CAPTURE(offset);
    REQUIRE(crc64(initial, bytes.data() + offset, length) ==
            bitwise_crc64(initial, bytes.data() + offset, length));
  }
}

TEST_CASE("crc64: string_view overload checksums the same bytes") {
  std::string text = "fkvs keeps the Redis RDB checksum";
  CHECK(crc64(0, text) == crc64(0, text.data(), text.size()));
  CHECK(crc64(0, text) ==
        bitwise_crc64(0, reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}
