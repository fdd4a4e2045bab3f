#include "util/murmurhash64a.h"

#include "util/bytes.h"

namespace fkvs {

uint64_t murmurhash64a(std::string_view bytes, uint64_t seed) {
  constexpr uint64_t kMultiplier = 0xc6a4a7935bd1e995ULL;
  constexpr int kShift = 47;
  const char* data = bytes.data();
  const size_t length = bytes.size();
  uint64_t hash = seed ^ (length * kMultiplier);
  const size_t whole_words = length / 8;
  for (size_t i = 0; i < whole_words; ++i) {
    uint64_t word = load_u64(data + i * 8);
    word *= kMultiplier;
    word ^= word >> kShift;
    word *= kMultiplier;
    hash ^= word;
    hash *= kMultiplier;
  }
  // The last 1..7 bytes, each xored in at its little-endian place.
  if (const size_t tail = length % 8; tail != 0) {
    hash ^= load_up_to_8(data + whole_words * 8, tail);
    hash *= kMultiplier;
  }
  hash ^= hash >> kShift;
  hash *= kMultiplier;
  hash ^= hash >> kShift;
  return hash;
}

}  // namespace fkvs
