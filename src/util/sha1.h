#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace fkvs {

// SHA-1 (FIPS 180-1), for what Redis computes with it: DEBUG DIGEST and
// script names. Not for security.
class Sha1 {
 public:
  using Digest = std::array<uint8_t, 20>;

  Sha1();
  void update(const void* data, size_t length);
  void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
  // The digest of everything updated so far; the object is not to be used after.
  Digest finish();

  static Digest of(std::string_view bytes);
  // 40 lowercase hex digits.
  static std::string hex(const Digest& digest);

 private:
  void process_block(const uint8_t* block);

  uint32_t state_[5];
  uint64_t length_bytes_ = 0;
  uint8_t buffer_[64];
  size_t buffered_ = 0;
};

}  // namespace fkvs
