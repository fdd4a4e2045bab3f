#include "store/quick_list.h"

#include <algorithm>
#include <cstddef>

namespace fkvs {
namespace {

// Node byte limits for fills -1 .. -5, as Redis's list-max-listpack-size.
constexpr size_t kByteLimits[] = {4096, 8192, 16384, 32768, 65536};
// With a count limit (positive fill) a node still stays under 8 KB.
constexpr size_t kCountFillByteLimit = 8192;
// Redis's quicklist clamps its fill and compress depth into 16 bits.
constexpr int64_t kMinFill = -5;
constexpr int64_t kMaxFill = 32767;
constexpr int64_t kMaxCompressDepth = 65535;

}  // namespace

QuickList::QuickList(int64_t fill, int64_t compress_depth)
    : fill_(static_cast<int16_t>(std::clamp(fill, kMinFill, kMaxFill))),
      compress_depth_(
          static_cast<uint16_t>(std::clamp<int64_t>(compress_depth, 0, kMaxCompressDepth))) {}

QuickList::~QuickList() {
  Node* node = head_;
  while (node != nullptr) {
    Node* next = node->next;
    delete node;
    node = next;
  }
}

QuickList::QuickList(const QuickList& other)
    : count_(other.count_), fill_(other.fill_), compress_depth_(other.compress_depth_) {
  for (const Node* node = other.head_; node != nullptr; node = node->next) {
    auto* copy = new Node{tail_, nullptr, PackedList(), node->compressed.copy()};
    if (!copy->compressed) copy->items = node->items;
    (tail_ != nullptr ? tail_->next : head_) = copy;
    tail_ = copy;
  }
}

// Redis's estimates, applied to the bytes Redis's listpack of the node's items
// would take, so nodes split where Redis's do (DEBUG OBJECT shows it); the
// PackedList itself is smaller, lacking the back-lengths.
bool QuickList::within_fill(size_t bytes, size_t items) const {
  if (fill_ < 0) return bytes <= kByteLimits[-fill_ - 1];
  return bytes <= kCountFillByteLimit && items <= static_cast<size_t>(fill_);
}

bool QuickList::is_plain(const PackedList& items) {
  if (items.size() != 1) return false;
  IntScratch scratch;
  return items.get(items.begin()).bytes(scratch).size() >= packed_threshold_;
}

bool QuickList::fits(const PackedList& node, std::string_view bytes) const {
  if (node.empty()) return true;
  if (bytes.size() >= packed_threshold_ || is_plain(node)) return false;
  // Redis 7.0 still estimates an entry's overhead as a ziplist's: the
  // previous entry's length (1 or 5 bytes) and its own (1, 2 or 5).
  const size_t length = bytes.size();
  const size_t overhead = (length < 254 ? 1 : 5) + (length < 64 ? 1 : length < 16384 ? 2 : 5);
  return within_fill(node.listpack_bytes() + length + overhead, node.size() + 1);
}

bool QuickList::fits_merged(Node* node, Node* next) const {
  // Redis takes off 11 bytes for the header and end marker one of them drops.
  constexpr size_t kMergeSaving = 11;
  if (!within_fill(listpack_bytes(node) + listpack_bytes(next) - kMergeSaving,
                   item_count(node) + item_count(next))) {
    return false;
  }
  // Only a node of one item can be plain; opening it costs little then.
  if (item_count(node) == 1) {
    open(node);
    if (is_plain(node->items)) return false;
  }
  if (item_count(next) == 1) {
    open(next);
    if (is_plain(next->items)) return false;
  }
  return true;
}

void QuickList::open(Node* node) const {
  if (open_ != nullptr && open_ != node) close(open_);
  if (!is_closed(node)) return;
  node->items = node->compressed.decompress();
  open_ = node;
}

void QuickList::close(Node* node) const {
  if (node == open_) open_ = nullptr;
  if (node->compressed) {
    if (!node->items.empty()) node->items.clear();
    return;
  }
  if (!beyond_depth(node)) return;
  if (auto compressed = CompressedPackedList::compress(node->items)) {
    node->compressed = std::move(*compressed);
    node->items.clear();
  }
}

PackedList& QuickList::edit(Node* node) const {
  if (is_closed(node)) node->items = node->compressed.decompress();
  node->compressed = CompressedPackedList();
  return node->items;
}

bool QuickList::beyond_depth(const Node* node) const {
  if (compress_depth_ == 0) return false;
  const Node* before = node;
  const Node* after = node;
  for (size_t i = 0; i < compress_depth_; ++i) {
    before = before->prev;
    after = after->next;
    if (before == nullptr || after == nullptr) return false;
  }
  return true;
}

void QuickList::settle(Node* from, size_t span) {
  if (compress_depth_ == 0) return;
  Node* node = from != nullptr ? from : head_;
  for (size_t i = 0; i < span && node != nullptr; ++i, node = node->next) {
    if (beyond_depth(node)) {
      close(node);
    } else {
      edit(node);
    }
  }
}

void QuickList::settle_ends() {
  if (compress_depth_ == 0) return;
  Node* forward = head_;
  Node* backward = tail_;
  for (size_t i = 0; i < compress_depth_ && forward != nullptr; ++i) {
    edit(forward);
    edit(backward);
    forward = forward->next;
    backward = backward->prev;
  }
  // Each add or removal at an end moves the boundary by one node.
  if (forward != nullptr && beyond_depth(forward)) close(forward);
  if (backward != nullptr && beyond_depth(backward)) close(backward);
}

void QuickList::recompress() const {
  if (open_ != nullptr) close(open_);
}

QuickList::Node* QuickList::link_new(Node* after, std::string_view bytes) {
  Node* next = after != nullptr ? after->next : head_;
  auto* node = new Node{after, next, PackedList(), CompressedPackedList()};
  node->items.push_back(bytes);
  (after != nullptr ? after->next : head_) = node;
  (next != nullptr ? next->prev : tail_) = node;
  return node;
}

void QuickList::unlink(Node* node) {
  if (node == open_) open_ = nullptr;
  (node->prev != nullptr ? node->prev->next : head_) = node->next;
  (node->next != nullptr ? node->next->prev : tail_) = node->prev;
  delete node;
}

// The end nodes are never compressed: pushes and pops touch only them, and
// settle the ends only when a node comes or goes.
void QuickList::push_front(std::string_view bytes) {
  ++count_;
  if (head_ != nullptr && fits(head_->items, bytes)) return head_->items.push_front(bytes);
  link_new(nullptr, bytes);
  settle_ends();
}

void QuickList::push_back(std::string_view bytes) {
  ++count_;
  if (tail_ != nullptr && fits(tail_->items, bytes)) return tail_->items.push_back(bytes);
  link_new(tail_, bytes);
  settle_ends();
}

void QuickList::pop_front() {
  --count_;
  head_->items.erase(head_->items.begin());
  if (!head_->items.empty()) return;
  unlink(head_);
  settle_ends();
}

void QuickList::pop_back(Cursor last) {
  --count_;
  tail_->items.pop_back(last.position);
  if (!tail_->items.empty()) return;
  unlink(tail_);
  settle_ends();
}

QuickList::Cursor QuickList::first() const {
  if (head_ == nullptr) return {};
  open(head_);
  return {head_, head_->items.begin()};
}

QuickList::Cursor QuickList::last() const {
  if (tail_ == nullptr) return {};
  open(tail_);
  return {tail_, tail_->items.last()};
}

QuickList::Cursor QuickList::at(int64_t index) const {
  const auto count = static_cast<int64_t>(count_);
  if (index < 0) index += count;
  if (index < 0 || index >= count) return {};
  auto remaining = static_cast<size_t>(index);
  if (remaining < count_ / 2) {
    Node* node = head_;
    while (remaining >= item_count(node)) {
      remaining -= item_count(node);
      node = node->next;
    }
    open(node);
    return {node, node->items.seek(static_cast<int64_t>(remaining))};
  }
  // From the tail: remaining counts items after the one wanted.
  remaining = count_ - 1 - remaining;
  Node* node = tail_;
  while (remaining >= item_count(node)) {
    remaining -= item_count(node);
    node = node->prev;
  }
  open(node);
  return {node, node->items.seek(-1 - static_cast<int64_t>(remaining))};
}

void QuickList::next(Cursor& cursor) const {
  cursor.position = cursor.node->items.next(cursor.position);
  if (cursor.position != cursor.node->items.end()) return;
  cursor.node = cursor.node->next;
  if (cursor.node == nullptr) return recompress();
  open(cursor.node);
  cursor.position = cursor.node->items.begin();
}

void QuickList::prev(Cursor& cursor) const {
  if (cursor.position != cursor.node->items.begin()) {
    cursor.position = cursor.node->items.prev(cursor.position);
    return;
  }
  cursor.node = cursor.node->prev;
  if (cursor.node == nullptr) return recompress();
  open(cursor.node);
  cursor.position = cursor.node->items.last();
}

void QuickList::BackwardWalk::step() {
  if (cached_ == 0 && cursor_.position != cursor_.node->items.begin()) {
    cached_ = cursor_.node->items.positions_before(cursor_.position, positions_);
  }
  if (cached_ > 0) {
    cursor_.position = positions_[--cached_];
    return;
  }
  list_.prev(cursor_);
}

QuickList::Node* QuickList::split(Node* node, size_t position) {
  // The copy keeps the same positions: each half drops the other's items.
  size_t before = 0;
  for (size_t p = node->items.begin(); p != position; p = node->items.next(p)) ++before;
  auto* right = new Node{node, node->next, node->items, CompressedPackedList()};
  (node->next != nullptr ? node->next->prev : tail_) = right;
  node->next = right;
  node->items.erase(position, node->items.size() - before);
  right->items.erase(right->items.begin(), before);
  return right;
}

void QuickList::insert_in(Node* node, size_t position, std::string_view bytes) {
  ++count_;
  // Every node this insert may change or add lies within a few nodes after
  // anchor, which survives the merges below.
  Node* anchor = node->prev;
  PackedList& items = edit(node);
  if (fits(items, bytes)) {
    items.insert(position, bytes);
    return settle(node, 1);
  }
  if (position == items.end()) {
    if (node->next != nullptr && fits(edit(node->next), bytes)) {
      node->next->items.push_front(bytes);
      return settle(node, 2);
    }
    link_new(node, bytes);
  } else if (position == items.begin()) {
    if (anchor != nullptr && fits(edit(anchor), bytes)) {
      anchor->items.push_back(bytes);
      return settle(anchor, 2);
    }
    link_new(anchor, bytes);
  } else {
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
  settle_ends();
  settle(anchor, 5);
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
  edit(node).replace(cursor.position, bytes);
  settle(node, 1);
}

QuickList::Cursor QuickList::erase(Cursor cursor, bool toward_head) {
  Node* node = cursor.node;
  --count_;
  PackedList& items = edit(node);
  // Kept open: the walk goes on in it, and compact() settles it.
  open_ = node;
  const size_t position = items.erase(cursor.position);
  Node* neighbour = nullptr;
  if (items.empty()) {
    neighbour = toward_head ? node->prev : node->next;
    unlink(node);
    // An end node must stay plain for pushes and pops.
    settle_ends();
  } else if (toward_head) {
    if (position != items.begin()) return {node, items.prev(position)};
    neighbour = node->prev;
  } else {
    if (position != items.end()) return {node, position};
    neighbour = node->next;
  }
  if (neighbour == nullptr) return {};
  open(neighbour);
  return {neighbour, toward_head ? neighbour->items.last() : neighbour->items.begin()};
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
    const size_t take = std::min(count, item_count(node) - skip);
    if (skip == 0 && take == item_count(node)) {
      unlink(node);
    } else {
      PackedList& items = edit(node);
      items.erase(items.seek(static_cast<int64_t>(skip)), take);
      before = node;
    }
    count -= take;
    skip = 0;
    node = next;
  }
  // Only the nodes at the range's two edges changed.
  Node* anchor = before != nullptr ? before->prev : nullptr;
  if (node != nullptr) merge_around(node);
  if (before != nullptr && before != node) merge_around(before);
  settle_ends();
  settle(anchor, 4);
}

bool QuickList::merge_next(Node* node) {
  Node* next = node->next;
  if (next == nullptr) return false;
  if (!fits_merged(node, next)) return false;
  PackedList& items = edit(node);
  const PackedList& added = edit(next);
  items.insert_items(items.end(), added, added.begin(), added.end());
  unlink(next);
  return true;
}

void QuickList::merge_around(Node* node) {
  Node* prev = node->prev;
  if (prev != nullptr && merge_next(prev)) node = prev;
  merge_next(node);
}

void QuickList::compact() {
  recompress();
  Node* node = head_;
  bool merged = false;
  while (node != nullptr) {
    if (merge_next(node)) {
      merged = true;
      continue;
    }
    if (merged) settle(node, 1);
    merged = false;
    node = node->next;
  }
  settle_ends();
}

QuickList::Shape QuickList::shape() const {
  Shape shape;
  for (const Node* node = head_; node != nullptr; node = node->next) {
    ++shape.nodes;
    shape.listpack_bytes += listpack_bytes(node);
  }
  return shape;
}

size_t QuickList::heap_bytes() const {
  size_t bytes = 0;
  for (const Node* node = head_; node != nullptr; node = node->next) {
    bytes += sizeof(Node) + (node->items.empty() ? 0 : node->items.bytes());
    if (node->compressed) bytes += node->compressed.heap_bytes();
  }
  return bytes;
}

}  // namespace fkvs
