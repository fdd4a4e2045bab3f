#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fkvs::persistence {

// The CRC-64 Redis puts at the end of an RDB file and a DUMP payload:
// Jones polynomial (0xad93d23594c935a9), reflected, initial value 0, no
// final xor. Continue a running checksum by passing the previous result as
// crc. crc64(0, "123456789") == 0xe9c6d914c4b8d9ca.
uint64_t crc64(uint64_t crc, const void* data, size_t length);
inline uint64_t crc64(uint64_t crc, std::string_view bytes) {
  return crc64(crc, bytes.data(), bytes.size());
}

}  // namespace fkvs::persistence
