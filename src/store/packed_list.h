#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "store/value.h"

namespace fkvs {

// A sequence of strings in one heap block, as Redis's listpack keeps small
// lists, hashes and sorted sets. Each item costs its bytes plus 1 byte for
// items under 64 bytes; integers that are canonical int64 text ("12", "-7",
// not "012") are stored as numbers in 1 to 9 bytes and read back as the same
// text.
//
// Layout: u32 offset where the items end, u32 item count, the items, then
// an index of groups of up to 32 consecutive items (each group's end offset
// and item count, about a byte per ten items). An item is a header byte
// (with the length or the number) and the payload, with no back-length as a
// listpack has: a step backwards scans forward from the start of its group,
// and seek skips whole groups by their counts. The block is fkvs's own (RDB
// files get real listpacks, converted item by item).
//
// A list is one pointer, never odd (HashValue tags its word with the low
// bit); empty, it allocates nothing. It holds at most 4 GB:
// callers keep items far smaller (list nodes, hash and zset limits).
//
// Positions are byte offsets into the block; any change invalidates them
// except where a function returns a new one.
class PackedList {
 public:
  // One item as read: its text, or its number when stored as an integer.
  struct Item {
    std::string_view text;  // valid when !is_integer, until the list changes
    int64_t integer = 0;
    bool is_integer = false;
    // The item's bytes; an integer is formatted into scratch.
    std::string_view bytes(IntScratch& scratch) const;
    bool equals(std::string_view other) const;
  };

  PackedList();
  ~PackedList();
  PackedList(const PackedList& other);
  PackedList& operator=(const PackedList& other);
  PackedList(PackedList&& other) noexcept;
  PackedList& operator=(PackedList&& other) noexcept;

  size_t size() const;
  bool empty() const { return size() == 0; }
  // Bytes of the block, header and index included.
  size_t bytes() const;

  // Position of the first item; end() when empty.
  size_t begin() const;
  // One past the last item.
  size_t end() const;
  // Position of the last item, found by a scan of the last group; end()
  // when empty.
  size_t last() const;
  size_t next(size_t position) const;
  // The item before position (position may be end()); end() when position is
  // the first item. Scans forward from the start of position's group.
  size_t prev(size_t position) const;
  // Items a group of the index holds at most.
  static constexpr size_t kGroupMax = 32;
  // Writes the positions of the items before position (position may be
  // end()) that share a group with the item just before it, in order, to
  // out, and returns how many (0 when position is the first item): a walk
  // backwards steps through them without a scan per step.
  size_t positions_before(size_t position, uint32_t (&out)[kGroupMax]) const;
  // The index-th item, counting from the tail when index is negative (-1 is
  // the last); end() when out of range. Skips groups from the nearer end.
  size_t seek(int64_t index) const;

  Item get(size_t position) const;
  // The first position at or after from whose item equals bytes, stepping
  // stride items at a time (2 to look at hash fields only); end() if none.
  size_t find(std::string_view bytes, size_t from, size_t stride = 1) const;

  // Inserts bytes before position (end() appends) and returns the new
  // item's position.
  size_t insert(size_t position, std::string_view bytes);
  void push_back(std::string_view bytes) { insert(end(), bytes); }
  void push_front(std::string_view bytes) { insert(begin(), bytes); }
  // Inserts copies of source's items from position from up to (not
  // including) position to, before position, in one resize; returns
  // position. Lets a list node be merged with its neighbour in one copy.
  // source must be another list.
  size_t insert_items(size_t position, const PackedList& source, size_t from, size_t to);
  // Replaces the item at position; returns its (unchanged) position.
  size_t replace(size_t position, std::string_view bytes);
  // Removes count items from position on (fewer if the list ends first) and
  // returns the position of the item that followed them.
  size_t erase(size_t position, size_t count = 1);
  // Removes the last item (the list must not be empty), last() being its
  // position; the last group stays short, so last() scans few items.
  void pop_back(size_t last);
  void pop_back() { pop_back(last()); }
  void clear();

  // Bytes an item of these bytes would take, header included (the index
  // adds about a tenth of a byte per item): lets a caller check a size limit
  // before inserting.
  static size_t encoded_size(std::string_view bytes);

  // Bytes Redis's listpack of the same items would take: a list node fills
  // by Redis's estimates applied to this.
  size_t listpack_bytes() const;

  // The whole block, header and index included, and a list rebuilt
  // from such bytes: a compressed list node keeps its block this way.
  std::string_view block() const;
  static PackedList from_block(std::string_view block);

 private:
  void release();

  // Never null: an empty list points at a shared, read-only empty block.
  unsigned char* block_;
};

}  // namespace fkvs
