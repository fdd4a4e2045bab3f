#pragma once

#include <cstdint>
#include <string_view>

namespace fkvs {

// Austin Appleby's MurmurHash64A (64-bit, little-endian reads), the hash Redis's
// HyperLogLog uses to place elements: the same bytes and seed give Redis's value.
uint64_t murmurhash64a(std::string_view bytes, uint64_t seed);

}  // namespace fkvs
