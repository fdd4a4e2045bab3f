#include "persistence/crc64.h"

#include <array>
#include <bit>
#include <cstring>

namespace fkvs::persistence {
namespace {

constexpr uint64_t kJonesPolynomial = 0xad93d23594c935a9;

constexpr uint64_t reverse_bits(uint64_t value) {
  uint64_t reversed = 0;
  for (int bit = 0; bit < 64; ++bit) {
    reversed = (reversed << 1) | (value & 1);
    value >>= 1;
  }
  return reversed;
}

// Slice-by-8: tables[k][b] is the CRC contribution of byte b followed by k
// zero bytes, so eight input bytes fold into the CRC with eight independent
// lookups instead of a chain of eight dependent ones.
using SliceTables = std::array<std::array<uint64_t, 256>, 8>;

constexpr SliceTables make_slice_tables() {
  // The CRC is reflected, so the shift register runs right and uses the
  // polynomial with its bits reversed.
  constexpr uint64_t reflected_polynomial = reverse_bits(kJonesPolynomial);
  SliceTables tables{};
  for (uint64_t byte = 0; byte < 256; ++byte) {
    uint64_t crc = byte;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1) ? (crc >> 1) ^ reflected_polynomial : crc >> 1;
    }
    tables[0][byte] = crc;
  }
  for (size_t slice = 1; slice < 8; ++slice) {
    for (size_t byte = 0; byte < 256; ++byte) {
      uint64_t previous = tables[slice - 1][byte];
      tables[slice][byte] = (previous >> 8) ^ tables[0][previous & 0xff];
    }
  }
  return tables;
}

// Built by the compiler, so there is no start-up cost and no race.
constexpr SliceTables kTables = make_slice_tables();

uint64_t update_byte(uint64_t crc, uint8_t byte) {
  return kTables[0][(crc ^ byte) & 0xff] ^ (crc >> 8);
}

uint64_t load_little_endian64(const uint8_t* bytes) {
  uint64_t value;
  std::memcpy(&value, bytes, sizeof value);
  if constexpr (std::endian::native == std::endian::big) value = __builtin_bswap64(value);
  return value;
}

}  // namespace

uint64_t crc64(uint64_t crc, const void* data, size_t length) {
  const auto* bytes = static_cast<const uint8_t*>(data);
  // Byte-wise up to an 8-byte boundary so the wide loads below are aligned.
  while (length > 0 && reinterpret_cast<uintptr_t>(bytes) % 8 != 0) {
    crc = update_byte(crc, *bytes++);
    --length;
  }
  while (length >= 8) {
    crc ^= load_little_endian64(bytes);
    crc = kTables[7][crc & 0xff] ^ kTables[6][(crc >> 8) & 0xff] ^ kTables[5][(crc >> 16) & 0xff] ^
          kTables[4][(crc >> 24) & 0xff] ^ kTables[3][(crc >> 32) & 0xff] ^
          kTables[2][(crc >> 40) & 0xff] ^ kTables[1][(crc >> 48) & 0xff] ^ kTables[0][crc >> 56];
    bytes += 8;
    length -= 8;
  }
  while (length > 0) {
    crc = update_byte(crc, *bytes++);
    --length;
  }
  return crc;
}

}  // namespace fkvs::persistence
