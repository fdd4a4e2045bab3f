#include "util/sha1.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace fkvs {
namespace {

constexpr size_t kBlockSize = 64;
// The padding ends with the message length in bits as a 64-bit big-endian number.
constexpr size_t kLengthFieldSize = 8;

uint32_t load_big_endian32(const uint8_t* bytes) {
  return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) |
         uint32_t{bytes[3]};
}

}  // namespace

Sha1::Sha1() : state_{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0} {}

void Sha1::process_block(const uint8_t* block) {
  uint32_t schedule[80];
  for (int t = 0; t < 16; ++t) schedule[t] = load_big_endian32(block + 4 * t);
  for (int t = 16; t < 80; ++t) {
    schedule[t] =
        std::rotl(schedule[t - 3] ^ schedule[t - 8] ^ schedule[t - 14] ^ schedule[t - 16], 1);
  }

  uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3], e = state_[4];
  for (int t = 0; t < 80; ++t) {
    uint32_t mixed, constant;
    if (t < 20) {
      mixed = (b & c) | (~b & d);
      constant = 0x5a827999;
    } else if (t < 40) {
      mixed = b ^ c ^ d;
      constant = 0x6ed9eba1;
    } else if (t < 60) {
      mixed = (b & c) | (b & d) | (c & d);
      constant = 0x8f1bbcdc;
    } else {
      mixed = b ^ c ^ d;
      constant = 0xca62c1d6;
    }
    uint32_t next = std::rotl(a, 5) + mixed + e + constant + schedule[t];
    e = d;
    d = c;
    c = std::rotl(b, 30);
    b = a;
    a = next;
  }
  state_[0] += a;
  state_[1] += b;
  state_[2] += c;
  state_[3] += d;
  state_[4] += e;
}

void Sha1::update(const void* data, size_t length) {
  // An empty update may come with a null pointer, which memcpy must not see.
  if (length == 0) return;
  const auto* bytes = static_cast<const uint8_t*>(data);
  length_bytes_ += length;
  if (buffered_ > 0) {
    size_t taken = std::min(length, kBlockSize - buffered_);
    std::memcpy(buffer_ + buffered_, bytes, taken);
    buffered_ += taken;
    bytes += taken;
    length -= taken;
    if (buffered_ < kBlockSize) return;
    process_block(buffer_);
    buffered_ = 0;
  }
  // Whole blocks straight from the input, without copying them.
  for (; length >= kBlockSize; bytes += kBlockSize, length -= kBlockSize) process_block(bytes);
  if (length > 0) {
    std::memcpy(buffer_, bytes, length);
    buffered_ = length;
  }
}

Sha1::Digest Sha1::finish() {
  uint64_t length_bits = length_bytes_ * 8;
  buffer_[buffered_++] = 0x80;
  if (buffered_ > kBlockSize - kLengthFieldSize) {
    std::memset(buffer_ + buffered_, 0, kBlockSize - buffered_);
    process_block(buffer_);
    buffered_ = 0;
  }
  std::memset(buffer_ + buffered_, 0, kBlockSize - kLengthFieldSize - buffered_);
  for (size_t i = 0; i < kLengthFieldSize; ++i) {
    buffer_[kBlockSize - 1 - i] = static_cast<uint8_t>(length_bits >> (8 * i));
  }
  process_block(buffer_);
  buffered_ = 0;

  Digest digest;
  for (size_t word = 0; word < 5; ++word) {
    for (size_t i = 0; i < 4; ++i) {
      digest[4 * word + i] = static_cast<uint8_t>(state_[word] >> (24 - 8 * i));
    }
  }
  return digest;
}

Sha1::Digest Sha1::of(std::string_view bytes) {
  Sha1 sha1;
  sha1.update(bytes);
  return sha1.finish();
}

std::string Sha1::hex(const Digest& digest) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(2 * digest.size());
  for (uint8_t byte : digest) {
    text.push_back(kDigits[byte >> 4]);
    text.push_back(kDigits[byte & 0xf]);
  }
  return text;
}

}  // namespace fkvs
