#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace fkvs {

// Unaligned little-endian loads; memcpy of a fixed size compiles to one move.
inline uint64_t load_u64(const char* bytes) {
  uint64_t word;
  std::memcpy(&word, bytes, sizeof(word));
  return word;
}

inline uint64_t load_u32(const char* bytes) {
  uint32_t word;
  std::memcpy(&word, bytes, sizeof(word));
  return word;
}

// The first n (at most 8) bytes as a word, zero above them, without reading
// past them: overlapping loads instead of a loop or a call.
inline uint64_t load_up_to_8(const char* bytes, size_t n) {
  if (n >= 8) return load_u64(bytes);
  if (n >= 4) return load_u32(bytes) | (load_u32(bytes + n - 4) << (8 * (n - 4)));
  if (n == 0) return 0;
  auto byte = [bytes](size_t i) { return uint64_t{static_cast<unsigned char>(bytes[i])}; };
  return byte(0) | (byte(n / 2) << (8 * (n / 2))) | (byte(n - 1) << (8 * (n - 1)));
}

// Equality of keys and names on the hot path. Most are short, and a call to
// memcmp costs more than comparing them in a couple of words here.
inline bool bytes_equal(const char* a, const char* b, size_t n) {
  if (n <= 8) return load_up_to_8(a, n) == load_up_to_8(b, n);
  if (n <= 16) {
    return load_u64(a) == load_u64(b) && load_u64(a + n - 8) == load_u64(b + n - 8);
  }
  return std::memcmp(a, b, n) == 0;
}

inline bool bytes_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && bytes_equal(a.data(), b.data(), a.size());
}

}  // namespace fkvs
