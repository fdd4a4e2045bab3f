#include "store/packed_list.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>
#include <vector>

#include "util/number.h"

namespace fkvs {
namespace {

// Block header: the offset where the items end, then the item count, each a
// little-endian u32.
constexpr size_t kHeaderBytes = 8;

// Items per group of the index at most (PackedList::kGroupMax): a step
// backwards scans no more than this many items, and the index costs about
// one byte per ten items.
constexpr size_t kGroupMax = PackedList::kGroupMax;
// Neighbouring groups that erases leave holding this many items together
// become one, so the index stays small however items come and go.
constexpr size_t kGroupMerge = kGroupMax / 2;
// Items the last group takes before pushes at the end move it into the
// group before (or start a new one), and what a pop at the end leaves in it
// when it refills it from the group before: the last item is found with a
// scan of at most this many items, as RPOP, LINDEX -1 and RPUSH need.
constexpr size_t kTailGroupMax = 8;

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

void write_u32(unsigned char* p, size_t value) {
  const auto narrow = static_cast<uint32_t>(value);
  std::memcpy(p, &narrow, 4);
}

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

// Bytes of the item at p: header plus payload.
size_t item_size(const unsigned char* p) {
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

// An item ready to be written: its header and payload (numbers are encoded
// here; string bytes are copied from the source).
struct Encoded {
  unsigned char head[9];
  size_t head_size;
  std::string_view payload;
  size_t size() const { return head_size + payload.size(); }
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
    write_u32(e.head + 1, n);
    e.head_size = 5;
  }
  e.payload = bytes;
  return e;
}

void write_item(unsigned char* p, const Encoded& e) {
  std::memcpy(p, e.head, e.head_size);
  if (!e.payload.empty()) std::memcpy(p + e.head_size, e.payload.data(), e.payload.size());
}

// The group index after the items: the group count, each group's end (the
// offset just past its last item), then each group's item count in a byte,
// then, only where the count's top bit says so, the long-item bytes (below).
// The count, ends and long-item bytes take 2 bytes while the items end below
// 64 KiB, else 4.
size_t offset_width(size_t items_end) { return items_end <= 0xFFFF ? 2 : 4; }

// The group count's top bit: the long-item bytes follow the counts.
size_t long_flag(size_t width) { return size_t{1} << (8 * width - 1); }

// Bytes a listpack's back-length for an item of size bytes takes past the
// first: kept per block (as "long-item bytes") so listpack_bytes() is exact.
size_t long_item_bytes(size_t size) {
  size_t extra = 0;
  for (size_t limit = 128; size >= limit && extra < 4; limit <<= 7) ++extra;
  return extra;
}

size_t index_size(size_t groups, size_t width) { return width + groups * (width + 1); }

size_t read_offset(const unsigned char* p, size_t width) {
  if (width == 2) {
    uint16_t value;
    std::memcpy(&value, p, 2);
    return value;
  }
  return read_u32(p);
}

void write_offset(unsigned char* p, size_t width, size_t value) {
  if (width == 2) {
    const auto narrow = static_cast<uint16_t>(value);
    std::memcpy(p, &narrow, 2);
    return;
  }
  write_u32(p, value);
}

// One group of consecutive items, as the slower edits rebuild the index.
struct Group {
  size_t count;
  size_t end;
};

// The index of a block, located from its header.
struct GroupIndex {
  explicit GroupIndex(const unsigned char* block)
      : items_end(read_u32(block)),
        width(offset_width(items_end)),
        groups(read_offset(block + items_end, width) & (long_flag(width) - 1)),
        ends(const_cast<unsigned char*>(block) + items_end + width),
        counts(ends + groups * width),
        long_bytes((read_offset(block + items_end, width) & long_flag(width)) != 0
                       ? read_offset(counts + groups, width)
                       : 0) {}

  size_t end(size_t k) const { return read_offset(ends + k * width, width); }
  size_t start(size_t k) const { return k == 0 ? kHeaderBytes : end(k - 1); }
  size_t count(size_t k) const { return counts[k]; }
  size_t total() const {
    return items_end + index_size(groups, width) + (long_bytes != 0 ? width : 0);
  }

  // The first group ending after position (or at it, with at_end): the
  // group of the item at position (of the item just before it).
  size_t find(size_t position, bool at_end) const {
    size_t low = 0;
    size_t high = groups - 1;
    while (low < high) {
      const size_t mid = (low + high) / 2;
      const size_t e = end(mid);
      if (e > position || (at_end && e == position)) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return low;
  }
  size_t group_of(size_t position) const {
    if (end(0) > position) return 0;
    if (end(groups - 2) <= position) return groups - 1;
    return find(position, false);
  }
  size_t group_before(size_t position) const {
    if (groups > 1 && end(groups - 2) < position) return groups - 1;
    return find(position, true);
  }

  // Adds delta (wrapping, for a shrink) to the ends of groups from on.
  void shift_ends(size_t from, size_t delta) {
    if (width == 2) {
      for (size_t k = from; k < groups; ++k) {
        uint16_t value;
        std::memcpy(&value, ends + 2 * k, 2);
        value = static_cast<uint16_t>(value + delta);
        std::memcpy(ends + 2 * k, &value, 2);
      }
      return;
    }
    for (size_t k = from; k < groups; ++k) write_u32(ends + 4 * k, read_u32(ends + 4 * k) + delta);
  }

  std::vector<Group> read() const {
    std::vector<Group> all(groups);
    for (size_t k = 0; k < groups; ++k) all[k] = {count(k), end(k)};
    return all;
  }

  size_t items_end;
  size_t width;
  size_t groups;
  unsigned char* ends;
  unsigned char* counts;
  size_t long_bytes;
};

unsigned char* allocate_block(size_t bytes) {
  auto* block = static_cast<unsigned char*>(std::malloc(bytes));
  if (block == nullptr) throw std::bad_alloc();
  return block;
}

// Every empty list shares this block until its first insert, so an empty
// list costs no allocation and a move never needs one: no items, no groups.
alignas(8) const
    unsigned char kEmptyBlock[kHeaderBytes + 2] = {kHeaderBytes, 0, 0, 0, 0, 0, 0, 0, 0, 0};

unsigned char* empty_block() { return const_cast<unsigned char*>(kEmptyBlock); }

// The block resized to new_bytes; the shared empty block is copied, never
// resized. A shrink that fails keeps the larger block.
unsigned char* resize_block(unsigned char* block, size_t old_bytes, size_t new_bytes) {
  if (block == empty_block()) {
    unsigned char* grown = allocate_block(new_bytes);
    std::memcpy(grown, block, std::min(old_bytes, new_bytes));
    return grown;
  }
  // A block that still fits its allocation and fills at least half of it
  // stays: that is all realloc would do (mimalloc keeps such a block in
  // place), at less cost than the call, which a push or pop makes each time.
  const size_t usable = malloc_usable_size(block);
  if (new_bytes <= usable && new_bytes >= usable / 2) return block;
  auto* resized = static_cast<unsigned char*>(std::realloc(block, new_bytes));
  if (resized == nullptr) {
    if (new_bytes > old_bytes) throw std::bad_alloc();
    return block;
  }
  return resized;
}

// Appends the groups of kGroupMax items that the items from position to
// items_end make.
void group_items(const unsigned char* block, size_t position, size_t items_end,
                 std::vector<Group>& groups) {
  size_t count = 0;
  while (position != items_end) {
    position += item_size(block + position);
    if (++count == kGroupMax || position == items_end) {
      groups.push_back({count, position});
      count = 0;
    }
  }
}

// Merges neighbours small enough to share a group.
void merge_small_groups(std::vector<Group>& groups) {
  size_t kept = 0;
  for (size_t k = 1; k < groups.size(); ++k) {
    if (groups[kept].count + groups[k].count <= kGroupMerge) {
      groups[kept] = {groups[kept].count + groups[k].count, groups[k].end};
    } else {
      groups[++kept] = groups[k];
    }
  }
  groups.resize(groups.empty() ? 0 : kept + 1);
}

// Replaces the item bytes [from, to) of a block of old_total bytes with
// added bytes for the caller to write, carrying the index bytes along (so
// they stay readable while the offsets keep their width), and returns the
// block's new size.
size_t splice_items(unsigned char*& block, size_t old_total, size_t from, size_t to, size_t added) {
  const size_t removed = to - from;
  const size_t new_total = old_total + added - removed;
  if (added > removed) block = resize_block(block, old_total, new_total);
  std::memmove(block + from + added, block + to, old_total - to);
  if (added < removed) block = resize_block(block, old_total, new_total);
  write_u32(block, read_u32(block) + added - removed);
  return new_total;
}

// Writes the index of groups (and the long-item bytes) after the items of a
// block of allocated bytes.
void write_group_index(unsigned char*& block, size_t allocated, const std::vector<Group>& groups,
                       size_t long_bytes) {
  const size_t items_end = read_u32(block);
  const size_t width = offset_width(items_end);
  const size_t size = items_end + index_size(groups.size(), width) + (long_bytes != 0 ? width : 0);
  block = resize_block(block, allocated, size);
  unsigned char* p = block + items_end;
  write_offset(p, width, groups.size() | (long_bytes != 0 ? long_flag(width) : 0));
  p += width;
  for (const Group& group : groups) {
    write_offset(p, width, group.end);
    p += width;
  }
  for (const Group& group : groups) *p++ = static_cast<unsigned char>(group.count);
  if (long_bytes != 0) write_offset(p, width, long_bytes);
}

// Adds a group of count items ending at end before group k (k == groups
// appends) to the index in place: the block grows by one offset and one count.
void add_group(unsigned char*& block, size_t k, size_t count, size_t end) {
  const GroupIndex index(block);
  const size_t w = index.width;
  const size_t g = index.groups;
  const size_t ends = index.items_end + w;
  const size_t counts = ends + g * w;
  const size_t tail = counts + g;  // the long-item bytes, if any
  const size_t total = index.total();
  block = resize_block(block, total, total + w + 1);
  const size_t new_counts = counts + w;
  std::memmove(block + tail + w + 1, block + tail, total - tail);
  std::memmove(block + new_counts + k + 1, block + counts + k, g - k);
  std::memmove(block + new_counts, block + counts, k);
  std::memmove(block + ends + (k + 1) * w, block + ends + k * w, (g - k) * w);
  write_offset(block + ends + k * w, w, end);
  block[new_counts + k] = static_cast<unsigned char>(count);
  write_offset(block + index.items_end, w, (g + 1) | (index.long_bytes != 0 ? long_flag(w) : 0));
}

// Removes group k from the index in place, its items having gone or joined
// a neighbour: the block shrinks by one offset and one count.
void remove_group(unsigned char*& block, size_t k) {
  const GroupIndex index(block);
  const size_t w = index.width;
  const size_t g = index.groups;
  const size_t ends = index.items_end + w;
  const size_t counts = ends + g * w;
  const size_t tail = counts + g;
  const size_t total = index.total();
  const size_t new_counts = counts - w;
  std::memmove(block + ends + k * w, block + ends + (k + 1) * w, (g - k - 1) * w);
  std::memmove(block + new_counts, block + counts, k);
  std::memmove(block + new_counts + k, block + counts + k + 1, g - k - 1);
  std::memmove(block + tail - w - 1, block + tail, total - tail);
  write_offset(block + index.items_end, w, (g - 1) | (index.long_bytes != 0 ? long_flag(w) : 0));
  block = resize_block(block, total, total - w - 1);
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

size_t PackedList::bytes() const { return GroupIndex(block_).total(); }

size_t PackedList::begin() const { return kHeaderBytes; }

size_t PackedList::end() const { return read_u32(block_); }

size_t PackedList::last() const {
  if (empty()) return end();
  const GroupIndex index(block_);
  const size_t k = index.groups - 1;
  size_t position = index.start(k);
  for (size_t i = index.count(k); i > 1; --i) position += item_size(block_ + position);
  return position;
}

size_t PackedList::next(size_t position) const { return position + item_size(block_ + position); }

size_t PackedList::prev(size_t position) const {
  if (position == kHeaderBytes) return end();
  const GroupIndex index(block_);
  size_t p = index.start(index.group_before(position));
  for (size_t after = p + item_size(block_ + p); after != position;
       after += item_size(block_ + after)) {
    p = after;
  }
  return p;
}

size_t PackedList::positions_before(size_t position, uint32_t (&out)[kGroupMax]) const {
  if (position == kHeaderBytes) return 0;
  const GroupIndex index(block_);
  size_t count = 0;
  for (size_t p = index.start(index.group_before(position)); p != position;
       p += item_size(block_ + p)) {
    out[count++] = static_cast<uint32_t>(p);
  }
  return count;
}

size_t PackedList::seek(int64_t index) const {
  const auto count = static_cast<int64_t>(size());
  if (index < 0) index += count;
  if (index < 0 || index >= count) return end();
  // Whole groups are skipped by their counts, from the nearer end.
  const GroupIndex groups(block_);
  size_t k = 0;
  auto first = static_cast<size_t>(index);  // items to step over within group k
  if (index <= count / 2) {
    while (first >= groups.count(k)) first -= groups.count(k++);
  } else {
    k = groups.groups - 1;
    size_t from_tail = static_cast<size_t>(count - index);  // 1 for the last item
    while (from_tail > groups.count(k)) from_tail -= groups.count(k--);
    first = groups.count(k) - from_tail;
  }
  size_t position = groups.start(k);
  for (size_t i = 0; i < first; ++i) position += item_size(block_ + position);
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
  const size_t added = item.size();
  GroupIndex index(block_);
  const bool in_place =
      long_item_bytes(added) == 0 && offset_width(index.items_end + added) == index.width;
  // The item joins the group it lands in, or the one before when it lands
  // at a group's start and only that one has room.
  size_t k = 0;
  if (index.groups != 0) {
    const bool at_end = position == index.items_end;
    k = at_end ? index.groups - 1 : index.group_of(position);
    if (in_place && at_end && index.count(k) >= kTailGroupMax) {
      // The last group stays short: it joins the group before when both
      // fit in one, else the item starts a new last group.
      if (k > 0 && index.count(k - 1) + index.count(k) <= kGroupMax) {
        index.counts[k - 1] = static_cast<unsigned char>(index.count(k - 1) + index.count(k));
        write_offset(index.ends + (k - 1) * index.width, index.width, index.items_end);
        index.counts[k] = 0;
      } else {
        add_group(block_, ++k, 0, index.items_end);
        index = GroupIndex(block_);
      }
    } else if (index.count(k) == kGroupMax && k > 0 && position == index.start(k) &&
               index.count(k - 1) < kGroupMax) {
      --k;
    } else if (in_place && index.count(k) == kGroupMax && position == index.start(k)) {
      add_group(block_, k, 0, position);
      index = GroupIndex(block_);
    }
    if (in_place && index.count(k) < kGroupMax) {
      splice_items(block_, index.total(), position, position, added);
      write_item(block_ + position, item);
      GroupIndex grown(block_);
      ++grown.counts[k];
      grown.shift_ends(k, added);
      write_u32(block_ + 4, size() + 1);
      return position;
    }
  }
  // A new group, a full group split in two, or offsets of another width.
  std::vector<Group> groups = index.read();
  if (groups.empty()) {
    groups.push_back({0, kHeaderBytes});
  } else if (groups[k].count == kGroupMax) {
    if (position == index.start(k)) {
      groups.insert(groups.begin() + static_cast<ptrdiff_t>(k), Group{0, position});
    } else if (position == index.items_end) {
      groups.push_back({0, position});
      ++k;
    } else {
      size_t middle = index.start(k);
      for (size_t i = 0; i < kGroupMax / 2; ++i) middle = next(middle);
      groups[k].count -= kGroupMax / 2;
      groups.insert(groups.begin() + static_cast<ptrdiff_t>(k), Group{kGroupMax / 2, middle});
      if (position > middle) ++k;
    }
  }
  ++groups[k].count;
  for (size_t j = k; j < groups.size(); ++j) groups[j].end += added;
  const size_t allocated = splice_items(block_, index.total(), position, position, added);
  write_item(block_ + position, item);
  write_group_index(block_, allocated, groups, index.long_bytes + long_item_bytes(added));
  write_u32(block_ + 4, size() + 1);
  return position;
}

size_t PackedList::insert_items(size_t position, const PackedList& source, size_t from, size_t to) {
  if (from == to) return position;
  size_t count = 0;
  size_t long_bytes = GroupIndex(block_).long_bytes;
  for (size_t p = from; p != to; p = source.next(p)) {
    ++count;
    long_bytes += long_item_bytes(source.next(p) - p);
  }
  const size_t added = to - from;
  const size_t allocated = splice_items(block_, bytes(), position, position, added);
  // Items hold no offsets to their neighbours, so their bytes move as they
  // are; the groups are made afresh.
  std::memcpy(block_ + position, source.block_ + from, added);
  std::vector<Group> groups;
  group_items(block_, kHeaderBytes, end(), groups);
  write_group_index(block_, allocated, groups, long_bytes);
  write_u32(block_ + 4, size() + count);
  return position;
}

size_t PackedList::replace(size_t position, std::string_view bytes) {
  const Encoded item = encode(bytes);
  const GroupIndex index(block_);
  const size_t k = index.group_of(position);
  const size_t old_end = next(position);
  const size_t added = item.size();
  const size_t removed = old_end - position;
  if (long_item_bytes(added) == 0 && long_item_bytes(removed) == 0 &&
      offset_width(index.items_end + added - removed) == index.width) {
    splice_items(block_, index.total(), position, old_end, added);
    write_item(block_ + position, item);
    GroupIndex(block_).shift_ends(k, added - removed);
    return position;
  }
  std::vector<Group> groups = index.read();
  for (size_t j = k; j < groups.size(); ++j) groups[j].end += added - removed;
  const size_t allocated = splice_items(block_, index.total(), position, old_end, added);
  write_item(block_ + position, item);
  write_group_index(block_, allocated, groups,
                    index.long_bytes + long_item_bytes(added) - long_item_bytes(removed));
  return position;
}

size_t PackedList::erase(size_t position, size_t count) {
  const GroupIndex index(block_);
  size_t after = position;
  size_t removed = 0;
  size_t removed_long_bytes = 0;
  while (removed < count && after != index.items_end) {
    const size_t item_end = after + item_size(block_ + after);
    removed_long_bytes += long_item_bytes(item_end - after);
    after = item_end;
    ++removed;
  }
  if (removed == 0) return position;
  if (removed == size()) {
    release();
    return begin();
  }
  const size_t k = index.group_of(position);
  const size_t gone = after - position;
  const size_t left = index.count(k) - std::min(removed, index.count(k));
  const bool in_place = after <= index.end(k) && removed_long_bytes == 0 &&
                        offset_width(index.items_end - gone) == index.width;
  if (in_place && left == 0) {
    // Exactly group k's items: the group goes, unless its neighbours would
    // then be small enough to merge.
    const bool neighbours_merge =
        k > 0 && k + 1 < index.groups && index.count(k - 1) + index.count(k + 1) <= kGroupMerge;
    if (!neighbours_merge) {
      splice_items(block_, index.total(), position, after, 0);
      remove_group(block_, k);
      GroupIndex(block_).shift_ends(k, 0 - gone);
      write_u32(block_ + 4, size() - removed);
      return position;
    }
  }
  const bool merges = (k > 0 && index.count(k - 1) + left <= kGroupMerge) ||
                      (k + 1 < index.groups && index.count(k + 1) + left <= kGroupMerge);
  if (in_place && left > 0 && !merges) {
    splice_items(block_, index.total(), position, after, 0);
    GroupIndex shrunk(block_);
    shrunk.counts[k] = static_cast<unsigned char>(left);
    shrunk.shift_ends(k, 0 - gone);
    write_u32(block_ + 4, size() - removed);
    return position;
  }
  // Groups emptied, merged, or offsets of another width.
  std::vector<Group> groups = index.read();
  size_t group = k;
  for (size_t p = position; p != after; p = next(p)) {
    while (groups[group].end <= p) ++group;
    --groups[group].count;
  }
  std::vector<Group> kept;
  kept.reserve(groups.size());
  for (const Group& g : groups) {
    if (g.count == 0) continue;
    const size_t end = g.end <= position ? g.end : g.end < after ? position : g.end - gone;
    kept.push_back({g.count, end});
  }
  merge_small_groups(kept);
  const size_t allocated = splice_items(block_, index.total(), position, after, 0);
  write_group_index(block_, allocated, kept, index.long_bytes - removed_long_bytes);
  write_u32(block_ + 4, size() - removed);
  return position;
}

void PackedList::pop_back(size_t last) {
  const GroupIndex index(block_);
  const size_t k = index.groups - 1;
  const size_t count = index.count(k);
  const size_t gone = index.items_end - last;
  if (size() == 1 || long_item_bytes(gone) != 0 || offset_width(last) != index.width ||
      (count == 1 && index.count(k - 1) <= 2 * kTailGroupMax)) {
    erase(last);
    return;
  }
  // Taking the last group's last item: the group shrinks, or, when that was
  // its only item, takes the last kTailGroupMax items of the group before.
  size_t split = 0;
  if (count == 1) {
    split = index.start(k - 1);
    for (size_t i = index.count(k - 1); i > kTailGroupMax; --i) split += item_size(block_ + split);
  }
  splice_items(block_, index.total(), last, index.items_end, 0);
  GroupIndex shrunk(block_);
  if (count == 1) {
    shrunk.counts[k - 1] = static_cast<unsigned char>(shrunk.count(k - 1) - kTailGroupMax);
    write_offset(shrunk.ends + (k - 1) * shrunk.width, shrunk.width, split);
    shrunk.counts[k] = kTailGroupMax;
  } else {
    shrunk.counts[k] = static_cast<unsigned char>(count - 1);
  }
  write_offset(shrunk.ends + k * shrunk.width, shrunk.width, last);
  write_u32(block_ + 4, size() - 1);
}

void PackedList::clear() { release(); }

size_t PackedList::encoded_size(std::string_view bytes) { return encode(bytes).size(); }

size_t PackedList::listpack_bytes() const {
  // Redis's listpack: a 6-byte header, each item with its back-length (a
  // byte, more for long items), an end marker.
  constexpr size_t kListpackHeaderAndEnd = 7;
  return kListpackHeaderAndEnd + (end() - kHeaderBytes) + size() + GroupIndex(block_).long_bytes;
}

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
