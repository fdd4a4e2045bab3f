#include "store/quick_list.h"

#include <algorithm>
#include <climits>
#include <cstddef>

namespace fkvs {
namespace {

// Node byte limits for fills -1 .. -5, as Redis's list-max-listpack-size.
constexpr size_t kByteLimits[] = {4096, 8192, 16384, 32768, 65536};
// With a count limit (positive fill) a node still stays under 8 KB.
constexpr size_t kCountFillByteLimit = 8192;

// The block header and end marker every node pays once.
size_t packed_overhead() {
  static const size_t overhead = PackedList().bytes();
  return overhead;
}

}  // namespace

QuickList::QuickList(int64_t fill)
    : fill_(static_cast<int>(std::clamp<int64_t>(fill, INT_MIN, INT_MAX))) {}

QuickList::~QuickList() {
  Node* node = head_;
  while (node != nullptr) {
    Node* next = node->next;
    delete node;
    node = next;
  }
}

QuickList::QuickList(const QuickList& other) : count_(other.count_), fill_(other.fill_) {
  for (const Node* node = other.head_; node != nullptr; node = node->next) {
    auto* copy = new Node{tail_, nullptr, node->items};
    (tail_ != nullptr ? tail_->next : head_) = copy;
    tail_ = copy;
  }
}

bool QuickList::allows(const PackedList& node, size_t added_bytes, size_t added_items) const {
  if (node.empty()) return true;
  const size_t bytes = node.bytes() + added_bytes;
  if (fill_ < 0) {
    const size_t level = std::min<size_t>(static_cast<size_t>(-static_cast<int64_t>(fill_)), 5);
    return bytes <= kByteLimits[level - 1];
  }
  return bytes <= kCountFillByteLimit && node.size() + added_items <= static_cast<size_t>(fill_);
}

QuickList::Node* QuickList::link_new(Node* after, std::string_view bytes) {
  Node* next = after != nullptr ? after->next : head_;
  auto* node = new Node{after, next, PackedList()};
  node->items.push_back(bytes);
  (after != nullptr ? after->next : head_) = node;
  (next != nullptr ? next->prev : tail_) = node;
  return node;
}

void QuickList::unlink(Node* node) {
  (node->prev != nullptr ? node->prev->next : head_) = node->next;
  (node->next != nullptr ? node->next->prev : tail_) = node->prev;
  delete node;
}

void QuickList::push_front(std::string_view bytes) {
  if (head_ != nullptr && fits(head_->items, bytes)) {
    head_->items.push_front(bytes);
  } else {
    link_new(nullptr, bytes);
  }
  ++count_;
}

void QuickList::push_back(std::string_view bytes) {
  if (tail_ != nullptr && fits(tail_->items, bytes)) {
    tail_->items.push_back(bytes);
  } else {
    link_new(tail_, bytes);
  }
  ++count_;
}

void QuickList::pop_front() {
  head_->items.erase(head_->items.begin());
  if (head_->items.empty()) unlink(head_);
  --count_;
}

void QuickList::pop_back() {
  tail_->items.erase(tail_->items.last());
  if (tail_->items.empty()) unlink(tail_);
  --count_;
}

QuickList::Cursor QuickList::first() const {
  if (head_ == nullptr) return {};
  return {head_, head_->items.begin()};
}

QuickList::Cursor QuickList::last() const {
  if (tail_ == nullptr) return {};
  return {tail_, tail_->items.last()};
}

QuickList::Cursor QuickList::at(int64_t index) const {
  const auto count = static_cast<int64_t>(count_);
  if (index < 0) index += count;
  if (index < 0 || index >= count) return {};
  auto remaining = static_cast<size_t>(index);
  if (remaining < count_ / 2) {
    Node* node = head_;
    while (remaining >= node->items.size()) {
      remaining -= node->items.size();
      node = node->next;
    }
    return {node, node->items.seek(static_cast<int64_t>(remaining))};
  }
  // From the tail: remaining counts items after the one wanted.
  remaining = count_ - 1 - remaining;
  Node* node = tail_;
  while (remaining >= node->items.size()) {
    remaining -= node->items.size();
    node = node->prev;
  }
  return {node, node->items.seek(-1 - static_cast<int64_t>(remaining))};
}

void QuickList::next(Cursor& cursor) const {
  cursor.position = cursor.node->items.next(cursor.position);
  if (cursor.position != cursor.node->items.end()) return;
  cursor.node = cursor.node->next;
  cursor.position = cursor.node != nullptr ? cursor.node->items.begin() : 0;
}

void QuickList::prev(Cursor& cursor) const {
  if (cursor.position != cursor.node->items.begin()) {
    cursor.position = cursor.node->items.prev(cursor.position);
    return;
  }
  cursor.node = cursor.node->prev;
  cursor.position = cursor.node != nullptr ? cursor.node->items.last() : 0;
}

QuickList::Node* QuickList::split(Node* node, size_t position) {
  // The copy keeps the same positions: each half drops the other's items.
  size_t before = 0;
  for (size_t p = node->items.begin(); p != position; p = node->items.next(p)) ++before;
  auto* right = new Node{node, node->next, node->items};
  (node->next != nullptr ? node->next->prev : tail_) = right;
  node->next = right;
  node->items.erase(position, node->items.size() - before);
  right->items.erase(right->items.begin(), before);
  return right;
}

void QuickList::insert_in(Node* node, size_t position, std::string_view bytes) {
  ++count_;
  if (fits(node->items, bytes)) {
    node->items.insert(position, bytes);
    return;
  }
  const bool at_head = position == node->items.begin();
  const bool at_tail = position == node->items.end();
  if (at_tail) {
    if (node->next != nullptr && fits(node->next->items, bytes)) {
      node->next->items.push_front(bytes);
    } else {
      link_new(node, bytes);
    }
    return;
  }
  if (at_head) {
    if (node->prev != nullptr && fits(node->prev->items, bytes)) {
      node->prev->items.push_back(bytes);
    } else {
      link_new(node->prev, bytes);
    }
    return;
  }
  Node* right = split(node, position);
  if (fits(node->items, bytes)) {
    node->items.push_back(bytes);
  } else if (fits(right->items, bytes)) {
    right->items.push_front(bytes);
  } else {
    link_new(node, bytes);
  }
  // The halves may now fit with the nodes beyond them.
  merge_around(right);
  merge_around(node);
}

void QuickList::insert(Cursor cursor, std::string_view bytes, bool after) {
  Node* node = cursor.node;
  const size_t position = after ? node->items.next(cursor.position) : cursor.position;
  insert_in(node, position, bytes);
}

void QuickList::insert_at(size_t index, std::string_view bytes) {
  if (index == count_) return push_back(bytes);
  insert(at(static_cast<int64_t>(index)), bytes, false);
}

void QuickList::replace(Cursor cursor, std::string_view bytes) {
  Node* node = cursor.node;
  PackedList& items = node->items;
  const size_t old_size = items.next(cursor.position) - cursor.position;
  const size_t new_size = PackedList::encoded_size(bytes);
  if (items.size() == 1 || (new_size <= old_size || allows(items, new_size - old_size, 0))) {
    items.replace(cursor.position, bytes);
    return;
  }
  // Too big for its node: take the item out and insert the new one in its
  // place, which splits the node as an insert does.
  const size_t position = items.erase(cursor.position);
  --count_;
  insert_in(node, position, bytes);
}

QuickList::Cursor QuickList::erase(Cursor cursor, bool toward_head) {
  Node* node = cursor.node;
  --count_;
  const size_t position = node->items.erase(cursor.position);
  if (node->items.empty()) {
    Node* neighbour = toward_head ? node->prev : node->next;
    unlink(node);
    if (neighbour == nullptr) return {};
    return {neighbour, toward_head ? neighbour->items.last() : neighbour->items.begin()};
  }
  if (toward_head) {
    if (position != node->items.begin()) return {node, node->items.prev(position)};
    if (node->prev == nullptr) return {};
    return {node->prev, node->prev->items.last()};
  }
  if (position != node->items.end()) return {node, position};
  if (node->next == nullptr) return {};
  return {node->next, node->next->items.begin()};
}

void QuickList::erase_range(size_t start, size_t count) {
  if (start >= count_ || count == 0) return;
  count = std::min(count, count_ - start);
  Cursor cursor = at(static_cast<int64_t>(start));
  Node* node = cursor.node;
  size_t skip = 0;  // items of node before the range
  for (size_t p = node->items.begin(); p != cursor.position; p = node->items.next(p)) ++skip;
  Node* before = node->prev;
  count_ -= count;
  while (count > 0) {
    Node* next = node->next;
    const size_t take = std::min(count, node->items.size() - skip);
    if (skip == 0 && take == node->items.size()) {
      unlink(node);
    } else {
      node->items.erase(node->items.seek(static_cast<int64_t>(skip)), take);
      before = node;
    }
    count -= take;
    skip = 0;
    node = next;
  }
  // Only the nodes at the range's two edges changed.
  if (node != nullptr) merge_around(node);
  if (before != nullptr && before != node) merge_around(before);
}

bool QuickList::merge_next(Node* node) {
  Node* next = node->next;
  if (next == nullptr) return false;
  if (!allows(node->items, next->items.bytes() - packed_overhead(), next->items.size())) {
    return false;
  }
  node->items.insert_items(node->items.end(), next->items, next->items.begin(), next->items.end());
  unlink(next);
  return true;
}

void QuickList::merge_around(Node* node) {
  Node* prev = node->prev;
  if (prev != nullptr && merge_next(prev)) node = prev;
  merge_next(node);
}

void QuickList::compact() {
  Node* node = head_;
  while (node != nullptr) {
    if (!merge_next(node)) node = node->next;
  }
}

size_t QuickList::heap_bytes() const {
  size_t bytes = 0;
  for (const Node* node = head_; node != nullptr; node = node->next) {
    bytes += sizeof(Node) + node->items.bytes();
  }
  return bytes;
}

}  // namespace fkvs
