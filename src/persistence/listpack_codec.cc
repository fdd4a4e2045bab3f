#include "persistence/listpack_codec.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "persistence/format_error.h"
#include "util/number.h"

namespace fkvs::persistence {
namespace {

constexpr size_t kListpackHeaderSize = 6;  // u32 total bytes, u16 entry count
constexpr size_t kZiplistHeaderSize = 10;  // u32 bytes, u32 tail offset, u16 count
constexpr size_t kIntsetHeaderSize = 8;    // u32 encoding, u32 length
constexpr uint16_t kCountUnknown = 65535;
constexpr unsigned char kEnd = 0xFF;

[[noreturn]] void fail(const char* reason) { throw FormatError(reason); }

unsigned char byte_at(std::string_view blob, size_t pos) {
  return static_cast<unsigned char>(blob[pos]);
}

uint64_t load_le(std::string_view blob, size_t pos, size_t width) {
  uint64_t value = 0;
  for (size_t i = width; i-- > 0;) value = (value << 8) | byte_at(blob, pos + i);
  return value;
}

uint64_t load_be(std::string_view blob, size_t pos, size_t width) {
  uint64_t value = 0;
  for (size_t i = 0; i < width; ++i) value = (value << 8) | byte_at(blob, pos + i);
  return value;
}

void append_le(std::string& out, uint64_t value, size_t width) {
  for (size_t i = 0; i < width; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

void store_le(std::string& out, size_t pos, uint64_t value, size_t width) {
  for (size_t i = 0; i < width; ++i) out[pos + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}

// Reads the low `bits` bits of raw as a two's complement number.
int64_t sign_extend(uint64_t raw, unsigned bits) {
  const uint64_t sign_bit = uint64_t{1} << (bits - 1);
  return static_cast<int64_t>((raw ^ sign_bit) - sign_bit);
}

// --- listpack ---

// The backlen after each entry holds the entry's size 7 bits per byte, the
// lowest bits last, each byte but the first flagged with 0x80, so it reads
// right to left. The size thresholds are Redis's own (16383 takes 3 bytes).
size_t encode_backlen(uint64_t entry_size, unsigned char* out) {
  size_t width;
  if (entry_size <= 127) {
    width = 1;
  } else if (entry_size < 16383) {
    width = 2;
  } else if (entry_size < 2097151) {
    width = 3;
  } else if (entry_size < 268435455) {
    width = 4;
  } else {
    width = 5;
  }
  for (size_t i = 0; i < width; ++i) {
    const size_t shift = 7 * (width - 1 - i);
    unsigned char part = static_cast<unsigned char>((entry_size >> shift) & 127);
    if (i > 0) part |= 128;
    out[i] = part;
  }
  return width;
}

void append_backlen(std::string& out, uint64_t entry_size) {
  unsigned char backlen[5];
  out.append(reinterpret_cast<const char*>(backlen), encode_backlen(entry_size, backlen));
}

// One decoded entry: either text (a view into the blob) or an integer.
struct PackedEntry {
  size_t size = 0;  // bytes from the entry's start to the next entry
  bool is_integer = false;
  int64_t integer = 0;
  std::string_view text;
};

// Decodes the listpack entry at pos, which is not the terminator; `end` is
// the terminator's offset, past which no entry may reach.
PackedEntry read_listpack_entry(std::string_view blob, size_t pos, size_t end) {
  const size_t room = end - pos;
  const unsigned char first = byte_at(blob, pos);
  size_t header = 1;
  uint64_t text_size = 0;
  PackedEntry entry;
  auto need = [&](size_t bytes) {
    if (bytes > room) fail("listpack entry runs past the end of the blob");
  };
  if (first < 0x80) {
    entry.is_integer = true;
    entry.integer = first;
  } else if ((first & 0xC0) == 0x80) {
    text_size = first & 0x3F;
  } else if ((first & 0xE0) == 0xC0) {
    need(2);
    header = 2;
    entry.is_integer = true;
    entry.integer = sign_extend(((first & 0x1Fu) << 8) | byte_at(blob, pos + 1), 13);
  } else if ((first & 0xF0) == 0xE0) {
    need(2);
    header = 2;
    text_size = ((first & 0x0Fu) << 8) | byte_at(blob, pos + 1);
  } else if (first == 0xF0) {
    need(5);
    header = 5;
    text_size = load_le(blob, pos + 1, 4);
  } else if (first >= 0xF1 && first <= 0xF4) {
    constexpr size_t kWidths[] = {2, 3, 4, 8};
    const size_t width = kWidths[first - 0xF1];
    need(1 + width);
    header = 1 + width;
    entry.is_integer = true;
    entry.integer = sign_extend(load_le(blob, pos + 1, width), static_cast<unsigned>(8 * width));
  } else {
    fail("listpack entry with an invalid encoding byte");
  }
  // 64-bit arithmetic: text_size is at most 2^32 - 1, so nothing overflows.
  const uint64_t encoded_size = header + text_size;
  if (encoded_size > room) fail("listpack entry runs past the end of the blob");
  unsigned char backlen[5];
  const size_t backlen_size = encode_backlen(encoded_size, backlen);
  if (encoded_size + backlen_size > room) fail("listpack entry runs past the end of the blob");
  const std::string_view stored_backlen = blob.substr(pos + encoded_size, backlen_size);
  if (stored_backlen != std::string_view(reinterpret_cast<const char*>(backlen), backlen_size)) {
    fail("listpack entry's back length does not match its size");
  }
  if (!entry.is_integer) entry.text = blob.substr(pos + header, text_size);
  entry.size = encoded_size + backlen_size;
  return entry;
}

// Walks the whole listpack, checking it, and hands each entry to visit.
template <typename Visit>
void walk_listpack(std::string_view blob, const Visit& visit) {
  if (blob.size() < kListpackHeaderSize + 1) fail("listpack shorter than its header");
  if (load_le(blob, 0, 4) != blob.size()) fail("listpack size in its header is not the blob's");
  const uint64_t stated_count = load_le(blob, 4, 2);
  const size_t end = blob.size() - 1;
  if (byte_at(blob, end) != kEnd) fail("listpack does not end with its terminator");
  uint64_t count = 0;
  size_t pos = kListpackHeaderSize;
  while (byte_at(blob, pos) != kEnd) {
    const PackedEntry entry = read_listpack_entry(blob, pos, end);
    visit(entry);
    pos += entry.size;
    ++count;
  }
  if (pos != end) fail("listpack terminator before the end of the blob");
  if (stated_count != kCountUnknown && stated_count != count) {
    fail("listpack entry count in its header does not match its entries");
  }
}

// --- ziplist ---

PackedEntry read_ziplist_entry(std::string_view blob, size_t pos, size_t end,
                               uint64_t previous_size) {
  const size_t room = end - pos;
  auto need = [&](uint64_t bytes) {
    if (bytes > room) fail("ziplist entry runs past the end of the blob");
  };
  // The previous entry's size: one byte below 254, else 254 and a u32. Redis
  // may keep the 5-byte form for a small size, so both are accepted.
  size_t prevlen_size = 1;
  uint64_t prevlen = byte_at(blob, pos);
  if (prevlen == 254) {
    need(5);
    prevlen_size = 5;
    prevlen = load_le(blob, pos + 1, 4);
  }
  if (prevlen != previous_size) fail("ziplist entry's previous length does not match");
  need(prevlen_size + 1);
  const size_t encoding_pos = pos + prevlen_size;
  const unsigned char encoding = byte_at(blob, encoding_pos);
  size_t header = 1;
  uint64_t data_size = 0;
  PackedEntry entry;
  switch (encoding >> 6) {
    case 0:
      data_size = encoding & 0x3F;
      break;
    case 1:
      need(prevlen_size + 2);
      header = 2;
      data_size = ((encoding & 0x3Fu) << 8) | byte_at(blob, encoding_pos + 1);
      break;
    case 2:
      // Redis writes 0x80 and, reading, ignores the low six bits.
      need(prevlen_size + 5);
      header = 5;
      data_size = load_be(blob, encoding_pos + 1, 4);
      break;
    default:
      entry.is_integer = true;
      switch (encoding) {
        case 0xC0:
          data_size = 2;
          break;
        case 0xD0:
          data_size = 4;
          break;
        case 0xE0:
          data_size = 8;
          break;
        case 0xF0:
          data_size = 3;
          break;
        case 0xFE:
          data_size = 1;
          break;
        default:
          if (encoding < 0xF1 || encoding > 0xFD) fail("ziplist entry with an invalid encoding");
          entry.integer = (encoding & 0x0F) - 1;
      }
  }
  const uint64_t size = prevlen_size + header + data_size;
  need(size);
  const size_t data_pos = encoding_pos + header;
  if (entry.is_integer && data_size > 0) {
    entry.integer =
        sign_extend(load_le(blob, data_pos, data_size), static_cast<unsigned>(8 * data_size));
  } else if (!entry.is_integer) {
    entry.text = blob.substr(data_pos, data_size);
  }
  entry.size = size;
  return entry;
}

template <typename Visit>
void walk_ziplist(std::string_view blob, const Visit& visit) {
  if (blob.size() < kZiplistHeaderSize + 1) fail("ziplist shorter than its header");
  if (load_le(blob, 0, 4) != blob.size()) fail("ziplist size in its header is not the blob's");
  const uint64_t tail = load_le(blob, 4, 4);
  const uint64_t stated_count = load_le(blob, 8, 2);
  const size_t end = blob.size() - 1;
  if (byte_at(blob, end) != kEnd) fail("ziplist does not end with its terminator");
  if (tail > end) fail("ziplist tail offset past the end of the blob");
  uint64_t count = 0;
  uint64_t previous_size = 0;
  size_t last_entry = 0;
  size_t pos = kZiplistHeaderSize;
  while (byte_at(blob, pos) != kEnd) {
    const PackedEntry entry = read_ziplist_entry(blob, pos, end, previous_size);
    visit(entry);
    previous_size = entry.size;
    last_entry = pos;
    pos += entry.size;
    ++count;
  }
  if (pos != end) fail("ziplist terminator before the end of the blob");
  // Like Redis, an empty ziplist's tail offset is only range-checked.
  if (count > 0 && tail != last_entry) fail("ziplist tail offset is not its last entry");
  if (stated_count != kCountUnknown && stated_count != count) {
    fail("ziplist entry count in its header does not match its entries");
  }
}

void visit_as_text(const PackedEntry& entry, const std::function<void(std::string_view)>& visit) {
  if (!entry.is_integer) return visit(entry.text);
  char text[kInt64TextMax];
  visit(std::string_view(text, format_int64(entry.integer, text)));
}

// --- intset ---

size_t intset_width(int64_t member) {
  if (member >= std::numeric_limits<int16_t>::min() &&
      member <= std::numeric_limits<int16_t>::max()) {
    return 2;
  }
  if (member >= std::numeric_limits<int32_t>::min() &&
      member <= std::numeric_limits<int32_t>::max()) {
    return 4;
  }
  return 8;
}

}  // namespace

ListpackBuilder::ListpackBuilder() : bytes_(kListpackHeaderSize, '\0') {}

void ListpackBuilder::append(std::string_view bytes) {
  // lpAppend stores text that string2ll accepts as an integer entry.
  if (const std::optional<int64_t> integer = parse_int64(bytes)) return append_integer(*integer);
  const size_t start = bytes_.size();
  const size_t size = bytes.size();
  if (size < 64) {
    bytes_.push_back(static_cast<char>(0x80 | size));
  } else if (size < 4096) {
    bytes_.push_back(static_cast<char>(0xE0 | (size >> 8)));
    bytes_.push_back(static_cast<char>(size & 0xFF));
  } else {
    if (size > std::numeric_limits<uint32_t>::max()) fail("listpack entry over 4 GiB");
    bytes_.push_back(static_cast<char>(0xF0));
    append_le(bytes_, size, 4);
  }
  bytes_.append(bytes);
  append_backlen(bytes_, bytes_.size() - start);
  ++entries_;
}

void ListpackBuilder::append_integer(int64_t value) {
  const size_t start = bytes_.size();
  const uint64_t bits = static_cast<uint64_t>(value);
  if (value >= 0 && value <= 127) {
    bytes_.push_back(static_cast<char>(value));
  } else if (value >= -4096 && value <= 4095) {
    bytes_.push_back(static_cast<char>(0xC0 | ((bits >> 8) & 0x1F)));
    bytes_.push_back(static_cast<char>(bits & 0xFF));
  } else if (value >= std::numeric_limits<int16_t>::min() &&
             value <= std::numeric_limits<int16_t>::max()) {
    bytes_.push_back(static_cast<char>(0xF1));
    append_le(bytes_, bits, 2);
  } else if (value >= -(int64_t{1} << 23) && value < (int64_t{1} << 23)) {
    bytes_.push_back(static_cast<char>(0xF2));
    append_le(bytes_, bits, 3);
  } else if (value >= std::numeric_limits<int32_t>::min() &&
             value <= std::numeric_limits<int32_t>::max()) {
    bytes_.push_back(static_cast<char>(0xF3));
    append_le(bytes_, bits, 4);
  } else {
    bytes_.push_back(static_cast<char>(0xF4));
    append_le(bytes_, bits, 8);
  }
  append_backlen(bytes_, bytes_.size() - start);
  ++entries_;
}

std::string ListpackBuilder::finish() {
  bytes_.push_back(static_cast<char>(kEnd));
  if (bytes_.size() > std::numeric_limits<uint32_t>::max()) fail("listpack over 4 GiB");
  store_le(bytes_, 0, bytes_.size(), 4);
  store_le(bytes_, 4, entries_ < kCountUnknown ? entries_ : kCountUnknown, 2);
  std::string finished = std::move(bytes_);
  bytes_.assign(kListpackHeaderSize, '\0');
  entries_ = 0;
  return finished;
}

// Both readers check the whole blob before the first visit, so a caller never
// sees part of a malformed one.
void for_each_listpack_entry(std::string_view blob,
                             const std::function<void(std::string_view)>& visit) {
  walk_listpack(blob, [](const PackedEntry&) {});
  walk_listpack(blob, [&visit](const PackedEntry& entry) { visit_as_text(entry, visit); });
}

void for_each_ziplist_entry(std::string_view blob,
                            const std::function<void(std::string_view)>& visit) {
  walk_ziplist(blob, [](const PackedEntry&) {});
  walk_ziplist(blob, [&visit](const PackedEntry& entry) { visit_as_text(entry, visit); });
}

std::string encode_intset(std::span<const int64_t> ascending) {
  if (ascending.size() > std::numeric_limits<uint32_t>::max()) fail("intset over 2^32 members");
  size_t width = 2;
  for (size_t i = 0; i < ascending.size(); ++i) {
    if (i > 0 && ascending[i - 1] >= ascending[i]) fail("intset members not strictly ascending");
    width = std::max(width, intset_width(ascending[i]));
  }
  std::string out;
  out.reserve(kIntsetHeaderSize + ascending.size() * width);
  append_le(out, width, 4);
  append_le(out, ascending.size(), 4);
  for (const int64_t member : ascending) append_le(out, static_cast<uint64_t>(member), width);
  return out;
}

void for_each_intset_member(std::string_view blob, const std::function<void(int64_t)>& visit) {
  if (blob.size() < kIntsetHeaderSize) fail("intset shorter than its header");
  const uint64_t width = load_le(blob, 0, 4);
  if (width != 2 && width != 4 && width != 8) fail("intset with an invalid encoding");
  const uint64_t length = load_le(blob, 4, 4);
  if (blob.size() - kIntsetHeaderSize != length * width) {
    fail("intset length does not match the blob's size");
  }
  auto member = [&](size_t index) {
    return sign_extend(load_le(blob, kIntsetHeaderSize + index * width, width),
                       static_cast<unsigned>(8 * width));
  };
  for (size_t i = 1; i < length; ++i) {
    if (member(i - 1) >= member(i)) fail("intset members not strictly ascending");
  }
  for (size_t i = 0; i < length; ++i) visit(member(i));
}

}  // namespace fkvs::persistence
