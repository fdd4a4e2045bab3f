#include "store/packed_list.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

#include "util/number.h"

namespace fkvs {
namespace {

// Block header: total bytes, then item count, each a little-endian u32.
constexpr size_t kHeaderBytes = 8;
constexpr unsigned char kEndMarker = 0xFF;

// Header byte forms. The top bits tell the form, as in Redis's listpack:
// 0xxxxxxx a number 0..127; 10xxxxxx a string of up to 63 bytes; 110xxxxx
// plus a byte a 13-bit signed number; 1110xxxx plus a byte a string of up to
// 4095 bytes; 0xF0..0xF3 a 16, 24, 32 or 64-bit number; 0xF4 a string with a
// 4-byte length.
constexpr unsigned char kSmallString = 0x80;
constexpr unsigned char kInt13 = 0xC0;
constexpr unsigned char kMediumString = 0xE0;
constexpr unsigned char kInt16 = 0xF0;
constexpr unsigned char kInt24 = 0xF1;
constexpr unsigned char kInt32 = 0xF2;
constexpr unsigned char kInt64 = 0xF3;
constexpr unsigned char kLargeString = 0xF4;

uint32_t read_u32(const unsigned char* p) {
  uint32_t value;
  std::memcpy(&value, p, 4);
  return value;
}

void write_u32(unsigned char* p, uint32_t value) { std::memcpy(p, &value, 4); }

// Sign-extends the low `bits` bits of raw.
int64_t sign_extend(uint64_t raw, int bits) {
  const uint64_t sign = uint64_t{1} << (bits - 1);
  return static_cast<int64_t>((raw ^ sign) - sign);
}

uint64_t read_le(const unsigned char* p, size_t n) {
  uint64_t value = 0;
  for (size_t i = 0; i < n; ++i) value |= uint64_t{p[i]} << (8 * i);
  return value;
}

void write_le(unsigned char* p, uint64_t value, size_t n) {
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<unsigned char>(value >> (8 * i));
}

// Bytes of header plus payload of the item at p.
size_t body_size(const unsigned char* p) {
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
      return 5 + read_u32(p + 1);
  }
}

// The back-length: the body size in 7-bit groups, least significant group in
// the last byte, each byte but the first of the group flagged 0x80 so a
// reader walking backwards knows to go on.
size_t back_length_size(size_t body) {
  size_t n = 1;
  while (body >= 128) {
    body >>= 7;
    ++n;
  }
  return n;
}

void write_back_length(unsigned char* p, size_t body) {
  const size_t n = back_length_size(body);
  for (size_t i = 0; i < n; ++i) {
    const auto group = static_cast<unsigned char>((body >> (7 * i)) & 0x7F);
    p[n - 1 - i] = group | (i + 1 < n ? 0x80 : 0);
  }
}

// Reads the back-length that ends just before p.
size_t read_back_length(const unsigned char* p) {
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

// An item ready to be written: its header and payload (numbers are encoded
// here; string bytes are copied from the source).
struct Encoded {
  unsigned char head[9];
  size_t head_size;
  std::string_view payload;
  size_t body() const { return head_size + payload.size(); }
  size_t total() const { return body() + back_length_size(body()); }
};

Encoded encode(std::string_view bytes) {
  Encoded e{};
  if (auto number = parse_int64(bytes)) {
    const int64_t v = *number;
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
      write_le(e.head + 1, static_cast<uint64_t>(v), 2);
      e.head_size = 3;
    } else if (v >= -(1 << 23) && v < (1 << 23)) {
      e.head[0] = kInt24;
      write_le(e.head + 1, static_cast<uint64_t>(v), 3);
      e.head_size = 4;
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      e.head[0] = kInt32;
      write_le(e.head + 1, static_cast<uint64_t>(v), 4);
      e.head_size = 5;
    } else {
      e.head[0] = kInt64;
      write_le(e.head + 1, static_cast<uint64_t>(v), 8);
      e.head_size = 9;
    }
    return e;
  }
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
    write_u32(e.head + 1, static_cast<uint32_t>(n));
    e.head_size = 5;
  }
  e.payload = bytes;
  return e;
}

void write_item(unsigned char* p, const Encoded& e) {
  std::memcpy(p, e.head, e.head_size);
  if (!e.payload.empty()) std::memcpy(p + e.head_size, e.payload.data(), e.payload.size());
  write_back_length(p + e.body(), e.body());
}

unsigned char* allocate_block(size_t bytes) {
  auto* block = static_cast<unsigned char*>(std::malloc(bytes));
  if (block == nullptr) throw std::bad_alloc();
  return block;
}

// Every empty list shares this block until its first insert, so an empty
// list costs no allocation and a move never needs one.
const unsigned char kEmptyBlock[kHeaderBytes + 1] = {kHeaderBytes + 1, 0, 0, 0, 0, 0, 0, 0,
                                                     kEndMarker};

unsigned char* empty_block() { return const_cast<unsigned char*>(kEmptyBlock); }

// The block grown to new_bytes; the shared empty block is copied, never
// resized.
unsigned char* grow_block(unsigned char* block, size_t old_bytes, size_t new_bytes) {
  if (block == empty_block()) {
    unsigned char* grown = allocate_block(new_bytes);
    std::memcpy(grown, block, old_bytes);
    return grown;
  }
  auto* grown = static_cast<unsigned char*>(std::realloc(block, new_bytes));
  if (grown == nullptr) throw std::bad_alloc();
  return grown;
}

}  // namespace

std::string_view PackedList::Item::bytes(IntScratch& scratch) const {
  if (!is_integer) return text;
  return {scratch.bytes, format_int64(integer, scratch.bytes)};
}

bool PackedList::Item::equals(std::string_view other) const {
  if (!is_integer) return text == other;
  IntScratch scratch;
  return bytes(scratch) == other;
}

PackedList::PackedList() : block_(empty_block()) {}

PackedList::~PackedList() { release(); }

void PackedList::release() {
  if (block_ != empty_block()) std::free(block_);
  block_ = empty_block();
}

PackedList::PackedList(const PackedList& other) : block_(empty_block()) {
  if (other.empty()) return;
  block_ = allocate_block(other.bytes());
  std::memcpy(block_, other.block_, other.bytes());
}

PackedList& PackedList::operator=(const PackedList& other) {
  if (this != &other) *this = PackedList(other);
  return *this;
}

PackedList::PackedList(PackedList&& other) noexcept
    : block_(std::exchange(other.block_, empty_block())) {}

PackedList& PackedList::operator=(PackedList&& other) noexcept {
  std::swap(block_, other.block_);
  return *this;
}

size_t PackedList::size() const { return read_u32(block_ + 4); }

size_t PackedList::bytes() const { return read_u32(block_); }

size_t PackedList::begin() const { return kHeaderBytes; }

size_t PackedList::end() const { return bytes() - 1; }

size_t PackedList::last() const { return empty() ? end() : prev(end()); }

size_t PackedList::next(size_t position) const {
  const size_t body = body_size(block_ + position);
  return position + body + back_length_size(body);
}

size_t PackedList::prev(size_t position) const {
  if (position == kHeaderBytes) return end();
  const size_t body = read_back_length(block_ + position);
  return position - back_length_size(body) - body;
}

size_t PackedList::seek(int64_t index) const {
  const auto count = static_cast<int64_t>(size());
  if (index < 0) index += count;
  if (index < 0 || index >= count) return end();
  if (index <= count / 2) {
    size_t position = begin();
    for (int64_t i = 0; i < index; ++i) position = next(position);
    return position;
  }
  size_t position = end();
  for (int64_t i = count; i > index; --i) position = prev(position);
  return position;
}

PackedList::Item PackedList::get(size_t position) const {
  const unsigned char* p = block_ + position;
  const unsigned char h = p[0];
  Item item;
  auto number = [&item](int64_t value) {
    item.is_integer = true;
    item.integer = value;
    return item;
  };
  auto text = [&item](const unsigned char* bytes, size_t length) {
    item.text = {reinterpret_cast<const char*>(bytes), length};
    return item;
  };
  if (h < 0x80) return number(h);
  if (h < 0xC0) return text(p + 1, h & 0x3F);
  if (h < 0xE0) return number(sign_extend((size_t{h & 0x1Fu} << 8) | p[1], 13));
  if (h < 0xF0) return text(p + 2, (size_t{h & 0x0Fu} << 8) | p[1]);
  switch (h) {
    case kInt16:
      return number(sign_extend(read_le(p + 1, 2), 16));
    case kInt24:
      return number(sign_extend(read_le(p + 1, 3), 24));
    case kInt32:
      return number(sign_extend(read_le(p + 1, 4), 32));
    case kInt64:
      return number(static_cast<int64_t>(read_le(p + 1, 8)));
    default:
      return text(p + 5, read_u32(p + 1));
  }
}

size_t PackedList::find(std::string_view bytes, size_t from, size_t stride) const {
  // A canonical integer is always stored as a number and anything else as
  // text, so each item is compared in its own form without formatting.
  const std::optional<int64_t> number = parse_int64(bytes);
  const size_t stop = end();
  size_t position = from;
  while (position != stop) {
    const Item item = get(position);
    if (number ? item.is_integer && item.integer == *number
               : !item.is_integer && item.text == bytes) {
      return position;
    }
    for (size_t i = 0; i < stride && position != stop; ++i) position = next(position);
  }
  return stop;
}

size_t PackedList::insert(size_t position, std::string_view bytes) {
  const Encoded item = encode(bytes);
  const size_t added = item.total();
  const size_t old_bytes = this->bytes();
  block_ = grow_block(block_, old_bytes, old_bytes + added);
  std::memmove(block_ + position + added, block_ + position, old_bytes - position);
  write_item(block_ + position, item);
  write_u32(block_, static_cast<uint32_t>(old_bytes + added));
  write_u32(block_ + 4, static_cast<uint32_t>(size() + 1));
  return position;
}

size_t PackedList::insert_items(size_t position, const PackedList& source, size_t from, size_t to) {
  if (from == to) return position;
  size_t count = 0;
  for (size_t p = from; p != to; p = source.next(p)) ++count;
  const size_t added = to - from;
  const size_t old_bytes = bytes();
  block_ = grow_block(block_, old_bytes, old_bytes + added);
  std::memmove(block_ + position + added, block_ + position, old_bytes - position);
  // Items hold no offsets to their neighbours, so their bytes move as they are.
  std::memcpy(block_ + position, source.block_ + from, added);
  write_u32(block_, static_cast<uint32_t>(old_bytes + added));
  write_u32(block_ + 4, static_cast<uint32_t>(size() + count));
  return position;
}

size_t PackedList::replace(size_t position, std::string_view bytes) {
  erase(position);
  return insert(position, bytes);
}

size_t PackedList::erase(size_t position, size_t count) {
  const size_t stop = end();
  size_t after = position;
  size_t removed = 0;
  while (removed < count && after != stop) {
    after = next(after);
    ++removed;
  }
  if (removed == 0) return position;
  if (removed == size()) {
    release();
    return begin();
  }
  const size_t old_bytes = bytes();
  std::memmove(block_ + position, block_ + after, old_bytes - after);
  const size_t new_bytes = old_bytes - (after - position);
  write_u32(block_, static_cast<uint32_t>(new_bytes));
  write_u32(block_ + 4, static_cast<uint32_t>(size() - removed));
  // Shrinking in place cannot fail; keep the larger block if it does.
  if (auto* shrunk = static_cast<unsigned char*>(std::realloc(block_, new_bytes))) block_ = shrunk;
  return position;
}

void PackedList::clear() { erase(begin(), size()); }

size_t PackedList::encoded_size(std::string_view bytes) { return encode(bytes).total(); }

std::string_view PackedList::block() const {
  return {reinterpret_cast<const char*>(block_), bytes()};
}

PackedList PackedList::from_block(std::string_view block) {
  PackedList list;
  if (read_u32(reinterpret_cast<const unsigned char*>(block.data()) + 4) == 0) return list;
  list.block_ = allocate_block(block.size());
  std::memcpy(list.block_, block.data(), block.size());
  return list;
}

}  // namespace fkvs
