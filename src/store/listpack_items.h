#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "store/value.h"
#include "util/number.h"

// The items of Redis's listpack, byte for byte: a header byte that says the
// form (and holds small numbers and lengths), the payload, then the item's
// own length written backwards in 7-bit groups so the list can be walked
// from either end. Stream nodes keep their entries in exactly this form, so
// a node is a listpack redis-server could load.
namespace fkvs::listpack {

// Header byte forms: 0xxxxxxx a number 0..127; 10xxxxxx a string of up to
// 63 bytes; 110xxxxx plus a byte a 13-bit signed number; 1110xxxx plus a
// byte a string of up to 4095 bytes; 0xF0 a string with a 4-byte length;
// 0xF1..0xF4 a 16, 24, 32 or 64-bit number. (PackedList orders the last
// five differently: it is fkvs's own block, never saved.)
inline constexpr unsigned char kSmallString = 0x80;
inline constexpr unsigned char kInt13 = 0xC0;
inline constexpr unsigned char kMediumString = 0xE0;
inline constexpr unsigned char kLargeString = 0xF0;
inline constexpr unsigned char kInt16 = 0xF1;
inline constexpr unsigned char kInt24 = 0xF2;
inline constexpr unsigned char kInt32 = 0xF3;
inline constexpr unsigned char kInt64 = 0xF4;
inline constexpr unsigned char kEnd = 0xFF;

inline uint64_t read_little_endian(const unsigned char* p, size_t n) {
  uint64_t value = 0;
  for (size_t i = 0; i < n; ++i) value |= uint64_t{p[i]} << (8 * i);
  return value;
}

inline void write_little_endian(unsigned char* p, uint64_t value, size_t n) {
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<unsigned char>(value >> (8 * i));
}

// Header plus payload bytes of the item at p.
inline size_t body_size(const unsigned char* p) {
  const unsigned char h = p[0];
  if (h < 0x80) return 1;
  if (h < 0xC0) return 1 + (h & 0x3F);
  if (h < 0xE0) return 2;
  if (h < 0xF0) return 2 + (((h & 0x0F) << 8) | p[1]);
  switch (h) {
    case kInt16:
      return 3;
    case kInt24:
      return 4;
    case kInt32:
      return 5;
    case kInt64:
      return 9;
    default:
      return 5 + read_little_endian(p + 1, 4);
  }
}

inline size_t back_length_size(size_t body) {
  size_t n = 1;
  while (body >= 128) {
    body >>= 7;
    ++n;
  }
  return n;
}

// The back-length: the body size in 7-bit groups, most significant first,
// every byte but the first flagged 0x80 so a backwards reader knows to go on.
inline void write_back_length(unsigned char* p, size_t body) {
  const size_t n = back_length_size(body);
  for (size_t i = 0; i < n; ++i) {
    const auto group = static_cast<unsigned char>((body >> (7 * i)) & 0x7F);
    p[n - 1 - i] = group | (i + 1 < n ? 0x80 : 0);
  }
}

// The body size of the item that ends just before p.
inline size_t read_back_length(const unsigned char* p) {
  size_t body = 0;
  int shift = 0;
  unsigned char byte;
  do {
    byte = *--p;
    body |= size_t{byte & 0x7Fu} << shift;
    shift += 7;
  } while (byte & 0x80);
  return body;
}

// Bytes of the whole item at p, back-length included.
inline size_t item_size(const unsigned char* p) {
  const size_t body = body_size(p);
  return body + back_length_size(body);
}

// Where the item before the one at p starts.
inline const unsigned char* previous_item(const unsigned char* p) {
  const size_t body = read_back_length(p);
  return p - back_length_size(body) - body;
}

// An item as read: its text, or its number.
struct Item {
  std::string_view text;
  int64_t integer = 0;
  bool is_integer = false;

  // The item's bytes; a number is formatted into scratch.
  std::string_view bytes(IntScratch& scratch) const {
    if (!is_integer) return text;
    return {scratch.bytes, format_int64(integer, scratch.bytes)};
  }
  // Whether the item reads as bytes (a number equals its canonical text).
  bool equals(std::string_view bytes) const {
    if (!is_integer) return text == bytes;
    IntScratch scratch;
    return this->bytes(scratch) == bytes;
  }
};

inline int64_t sign_extend(uint64_t raw, int bits) {
  const uint64_t sign = uint64_t{1} << (bits - 1);
  return static_cast<int64_t>((raw ^ sign) - sign);
}

inline Item read_item(const unsigned char* p) {
  const unsigned char h = p[0];
  Item item;
  const auto number = [&item](int64_t value) {
    item.is_integer = true;
    item.integer = value;
    return item;
  };
  const auto text = [&item](const unsigned char* bytes, size_t length) {
    item.text = {reinterpret_cast<const char*>(bytes), length};
    return item;
  };
  if (h < 0x80) return number(h);
  if (h < 0xC0) return text(p + 1, h & 0x3F);
  if (h < 0xE0) return number(sign_extend((size_t{h & 0x1Fu} << 8) | p[1], 13));
  if (h < 0xF0) return text(p + 2, (size_t{h & 0x0Fu} << 8) | p[1]);
  switch (h) {
    case kInt16:
      return number(sign_extend(read_little_endian(p + 1, 2), 16));
    case kInt24:
      return number(sign_extend(read_little_endian(p + 1, 3), 24));
    case kInt32:
      return number(sign_extend(read_little_endian(p + 1, 4), 32));
    case kInt64:
      return number(static_cast<int64_t>(read_little_endian(p + 1, 8)));
    default:
      return text(p + 5, read_little_endian(p + 1, 4));
  }
}

// The number an item holds (stream nodes store their counters and ID
// deltas as numbers).
inline int64_t read_integer(const unsigned char* p) { return read_item(p).integer; }

// An item ready to be written: its header (with a number's bytes) and, for
// text, the payload to copy.
struct Encoded {
  unsigned char head[9];
  size_t head_size = 0;
  std::string_view payload;
  size_t body() const { return head_size + payload.size(); }
  size_t size() const { return body() + back_length_size(body()); }
};

inline Encoded encode_integer(int64_t v) {
  Encoded e{};
  if (v >= 0 && v <= 127) {
    e.head[0] = static_cast<unsigned char>(v);
    e.head_size = 1;
  } else if (v >= -4096 && v <= 4095) {
    const auto raw = static_cast<uint64_t>(v) & 0x1FFF;
    e.head[0] = static_cast<unsigned char>(kInt13 | (raw >> 8));
    e.head[1] = static_cast<unsigned char>(raw);
    e.head_size = 2;
  } else if (v >= INT16_MIN && v <= INT16_MAX) {
    e.head[0] = kInt16;
    write_little_endian(e.head + 1, static_cast<uint64_t>(v), 2);
    e.head_size = 3;
  } else if (v >= -(1 << 23) && v < (1 << 23)) {
    e.head[0] = kInt24;
    write_little_endian(e.head + 1, static_cast<uint64_t>(v), 3);
    e.head_size = 4;
  } else if (v >= INT32_MIN && v <= INT32_MAX) {
    e.head[0] = kInt32;
    write_little_endian(e.head + 1, static_cast<uint64_t>(v), 4);
    e.head_size = 5;
  } else {
    e.head[0] = kInt64;
    write_little_endian(e.head + 1, static_cast<uint64_t>(v), 8);
    e.head_size = 9;
  }
  return e;
}

// Text that is a canonical int64 ("12", "-7"; not "012" or "+1") becomes a
// number, as lpAppend stores it.
inline Encoded encode_text(std::string_view bytes) {
  if (auto number = parse_int64(bytes)) return encode_integer(*number);
  Encoded e{};
  const size_t n = bytes.size();
  if (n <= 63) {
    e.head[0] = static_cast<unsigned char>(kSmallString | n);
    e.head_size = 1;
  } else if (n <= 4095) {
    e.head[0] = static_cast<unsigned char>(kMediumString | (n >> 8));
    e.head[1] = static_cast<unsigned char>(n);
    e.head_size = 2;
  } else {
    e.head[0] = kLargeString;
    write_little_endian(e.head + 1, n, 4);
    e.head_size = 5;
  }
  e.payload = bytes;
  return e;
}

// Writes the item at p (which has e.size() bytes of room); returns the
// byte after it.
inline unsigned char* write_item(unsigned char* p, const Encoded& e) {
  std::memcpy(p, e.head, e.head_size);
  if (!e.payload.empty()) std::memcpy(p + e.head_size, e.payload.data(), e.payload.size());
  write_back_length(p + e.body(), e.body());
  return p + e.size();
}

}  // namespace fkvs::listpack
