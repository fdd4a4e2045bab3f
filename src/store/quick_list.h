#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "store/compressed_packed_list.h"
#include "store/packed_list.h"

namespace fkvs {

// A list as Redis 7.0 keeps every list: a doubly linked chain of nodes, each
// a PackedList bounded by list-max-listpack-size (the fill). A positive fill
// caps the items per node (and, as Redis does, 8 KB per node); -1 .. -5 cap
// the bytes per node at 4, 8, 16, 32 or 64 KB. The limits use Redis's own
// size estimates, so nodes split where Redis's do (but for the 2 bytes a
// PackedList header has over a listpack's). An item too big for any
// node gets a node of its own, so a node is never empty; as in Redis, LSET
// replaces an item in place even when that takes its node past the limit.
//
// Pushes and pops at either end are O(1); reaching an index walks nodes by
// their item counts from the nearer end. An insert into a full node splits
// it; erasing merges neighbours that fit in one node, so memory per item
// stays close to Redis's quicklist.
//
// With a compress depth N > 0 (list-compress-depth), the nodes more than N
// nodes from either end are kept LZF-compressed, as Redis does; the N nodes
// at each end stay plain, so pushes and pops change only plain nodes, and
// compress or open the one node crossing the depth only when they add or
// remove a node. A walk opens a compressed node when it steps into it and
// closes it (compressing it again if it changed) when it steps out, so one
// node per list is open at a time; recompress() closes it when the walk is
// done.
//
// A Cursor names one item; any change to the list invalidates cursors except
// the one a function returns.
class QuickList {
  struct Node;

 public:
  using Item = PackedList::Item;

  struct Cursor {
    Node* node = nullptr;  // null: past either end
    size_t position = 0;   // the item's position in node's PackedList
    explicit operator bool() const { return node != nullptr; }
  };

  // Items of at least this many bytes get a node of their own that nothing
  // joins, as Redis 7.0's "plain" nodes (1 GB unless DEBUG
  // QUICKLIST-PACKED-THRESHOLD changes it, for every list in the process).
  static void set_packed_threshold(size_t bytes) { packed_threshold_ = bytes; }

  // fill: list-max-listpack-size; depth: list-compress-depth (0: none).
  QuickList(int64_t fill, int64_t compress_depth);
  ~QuickList();
  QuickList(const QuickList& other);
  QuickList& operator=(const QuickList&) = delete;

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }

  void push_front(std::string_view bytes);
  void push_back(std::string_view bytes);
  // The end items and their removal; the list must not be empty.
  Item front() const { return get(first()); }
  Item back() const { return get(last()); }
  void pop_front();
  void pop_back() { pop_back(last()); }
  // Removes the last item, which last names: a pop that read the item first
  // need not look for it again.
  void pop_back(Cursor last);

  Cursor first() const;
  Cursor last() const;
  // The index-th item, counting from the tail when index is negative (-1 is
  // the last); a null cursor when out of range.
  Cursor at(int64_t index) const;
  Item get(Cursor cursor) const { return cursor.node->items.get(cursor.position); }
  // Compresses again the node a walk left open; call when done with cursors.
  void recompress() const;
  // Steps to the following (next) or preceding (prev) item; a null cursor
  // past the end.
  void next(Cursor& cursor) const;
  void prev(Cursor& cursor) const;

  // A walk toward the head (LPOS and LREM from the tail): prev() scans a
  // group for every step (the packed lists keep no back-lengths); this reads
  // the positions of each group once. After a change to the list, restart it
  // at the cursor the change returned.
  class BackwardWalk {
   public:
    BackwardWalk(const QuickList& list, Cursor start) : list_(list), cursor_(start) {}
    Cursor cursor() const { return cursor_; }
    void restart(Cursor at) {
      cursor_ = at;
      cached_ = 0;
    }
    void step();

   private:
    const QuickList& list_;
    Cursor cursor_;
    uint32_t positions_[PackedList::kGroupMax];
    size_t cached_ = 0;  // positions_[0..cached_) are the items before cursor_ in its group
  };

  // Inserts bytes before the item at cursor, or after it.
  void insert(Cursor cursor, std::string_view bytes, bool after);
  // Inserts bytes so that it becomes the index-th item (0 <= index <= size()).
  void insert_at(size_t index, std::string_view bytes);
  void replace(Cursor cursor, std::string_view bytes);
  // Removes the item at cursor and returns the cursor of the item that
  // followed it (toward the tail) or, with toward_head, the one before it.
  // Nodes are not merged here, so a walk that erases can go on; call
  // compact() after it.
  Cursor erase(Cursor cursor, bool toward_head = false);
  // Removes count items from index start on (fewer if the list ends first).
  void erase_range(size_t start, size_t count);
  // Merges every pair of neighbouring nodes that fits in one.
  void compact();

  // Heap bytes of the nodes and their items (the list object itself excluded).
  size_t heap_bytes() const;

  // What DEBUG OBJECT reports of a quicklist.
  struct Shape {
    size_t nodes = 0;
    // The nodes' bytes as plain listpacks, sized as Redis's (6-byte header).
    size_t listpack_bytes = 0;
  };
  Shape shape() const;
  int64_t fill() const { return fill_; }
  int64_t compress_depth() const { return compress_depth_; }

  // Visits each node's items in order, a compressed node's decompressed.
  template <typename Visit>
  void for_each_node(Visit&& visit) const {
    for (const Node* node = head_; node != nullptr; node = node->next) {
      if (is_closed(node)) {
        visit(node->compressed.decompress());
      } else {
        visit(node->items);
      }
    }
  }
  // Whether each node, head to tail, is compressed (tests check the depth).
  template <typename Visit>
  void for_each_node_compression(Visit&& visit) const {
    for (const Node* node = head_; node != nullptr; node = node->next) {
      visit(static_cast<bool>(node->compressed));
    }
  }

 private:
  // 32 bytes, as Redis's quicklistNode: memory per item is compared with it.
  // A compressed node's items are empty unless the node is open; an open
  // node that has not changed keeps its compressed form to close cheaply.
  struct Node {
    Node* prev = nullptr;
    Node* next = nullptr;
    PackedList items;
    CompressedPackedList compressed;
  };

  static bool is_closed(const Node* node) { return node->compressed && node->items.empty(); }
  static size_t item_count(const Node* node) {
    return is_closed(node) ? node->compressed.size() : node->items.size();
  }
  static size_t listpack_bytes(const Node* node) {
    return is_closed(node) ? node->compressed.listpack_bytes() : node->items.listpack_bytes();
  }

  // Whether a node of (an estimate of) bytes and items keeps within the fill.
  bool within_fill(size_t bytes, size_t items) const;
  // Whether bytes may join node, or next join node, by Redis 7.0's estimates.
  bool fits(const PackedList& node, std::string_view bytes) const;
  bool fits_merged(Node* node, Node* next) const;

  // Makes node readable, closing the node opened before it.
  void open(Node* node) const;
  // Compresses node if it lies beyond the depth, drops its plain copy if it
  // is unchanged, or leaves it plain.
  void close(Node* node) const;
  // Makes node plain for good, to change it or because it is near an end.
  PackedList& edit(Node* node) const;
  // Whether node has compress_depth_ nodes on each side.
  bool beyond_depth(const Node* node) const;
  // Brings up to span nodes from `from` (nullptr: the head) to the state
  // their place asks for, after an edit there.
  void settle(Node* from, size_t span);
  // After nodes were added or removed: the depth nodes at each end become
  // plain and the next ones compressed.
  void settle_ends();
  // A new node holding bytes, linked after `after` (nullptr: at the head).
  Node* link_new(Node* after, std::string_view bytes);
  void unlink(Node* node);
  // Inserts bytes before position in node, splitting it when full.
  void insert_in(Node* node, size_t position, std::string_view bytes);
  // Splits node before position (neither its first item nor its end) and
  // returns the new node that holds the items from position on.
  Node* split(Node* node, size_t position);
  // Merges next into node if together they fit in one node; returns whether
  // they did.
  bool merge_next(Node* node);
  // Merges node with its neighbours where they fit.
  void merge_around(Node* node);

  // Whether a node of these items is a plain node: one item at or past
  // packed_threshold_.
  static bool is_plain(const PackedList& items);

  static inline size_t packed_threshold_ = size_t{1} << 30;

  Node* head_ = nullptr;
  Node* tail_ = nullptr;
  size_t count_ = 0;
  // Redis keeps both in 16 bits: fill within -5 .. 32767, depth up to 65535.
  int16_t fill_;
  uint16_t compress_depth_;
  mutable Node* open_ = nullptr;  // the compressed node a walk opened
};

}  // namespace fkvs
