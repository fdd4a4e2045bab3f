#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "store/packed_list.h"

namespace fkvs {

// A list as Redis 7.0 keeps every list: a doubly linked chain of nodes, each
// a PackedList bounded by list-max-listpack-size (the fill). A positive fill
// caps the items per node (and, as Redis does, 8 KB per node); -1 .. -5 cap
// the bytes per node at 4, 8, 16, 32 or 64 KB. An item too big for any node
// gets a node of its own, so a node is never empty.
//
// Pushes and pops at either end are O(1); reaching an index walks nodes by
// their item counts from the nearer end. An insert into a full node splits
// it; erasing merges neighbours that fit in one node, so memory per item
// stays close to Redis's quicklist.
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

  explicit QuickList(int64_t fill);
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
  void pop_back();

  Cursor first() const;
  Cursor last() const;
  // The index-th item, counting from the tail when index is negative (-1 is
  // the last); a null cursor when out of range.
  Cursor at(int64_t index) const;
  Item get(Cursor cursor) const { return cursor.node->items.get(cursor.position); }
  // Steps to the following (next) or preceding (prev) item; a null cursor
  // past the end.
  void next(Cursor& cursor) const;
  void prev(Cursor& cursor) const;

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

  // Visits each node's items in order (tests check the node limits).
  template <typename Visit>
  void for_each_node(Visit&& visit) const {
    for (const Node* node = head_; node != nullptr; node = node->next) visit(node->items);
  }

 private:
  // 24 bytes: memory per item is compared with Redis's quicklist.
  struct Node {
    Node* prev = nullptr;
    Node* next = nullptr;
    PackedList items;
  };

  // Whether node may take added_items more items of added_bytes in all.
  bool allows(const PackedList& node, size_t added_bytes, size_t added_items) const;
  bool fits(const PackedList& node, std::string_view bytes) const {
    return allows(node, PackedList::encoded_size(bytes), 1);
  }
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

  Node* head_ = nullptr;
  Node* tail_ = nullptr;
  size_t count_ = 0;
  int fill_;
};

}  // namespace fkvs
