#include "store/skiplist.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace fkvs {

namespace {

size_t node_bytes(size_t member_length, int levels) {
  return sizeof(Skiplist::Node) + member_length + static_cast<size_t>(levels) * 16;
}

}  // namespace

Skiplist::Node::Node(double score, std::string_view member, int levels)
    : score_(score),
      length_(static_cast<uint32_t>(member.size())),
      levels_(static_cast<uint8_t>(levels)) {
  // An empty member may come with a null pointer, which memcpy must not see.
  if (!member.empty()) std::memcpy(reinterpret_cast<char*>(this + 1), member.data(), member.size());
  for (int i = 0; i < levels; ++i) link(i) = {nullptr, 0};
}

Skiplist::Node* Skiplist::create(double score, std::string_view member, int levels) {
  static_assert(sizeof(Node::Link) == 16);
  const size_t links = static_cast<size_t>(levels) * sizeof(Node::Link);
  void* block = std::malloc(links + sizeof(Node) + member.size());
  if (block == nullptr) throw std::bad_alloc();
  return new (static_cast<char*>(block) + links) Node(score, member, levels);
}

void Skiplist::destroy(Node* node) {
  heap_bytes_ -= node_bytes(node->length_, node->levels_);
  const size_t links = static_cast<size_t>(node->levels_) * sizeof(Node::Link);
  node->~Node();
  std::free(reinterpret_cast<char*>(node) - links);
}

Skiplist::Skiplist()
    : head_(create(0, {}, kMaxLevel)),
      random_state_(0x9e3779b97f4a7c15ULL ^ reinterpret_cast<uintptr_t>(this)),
      heap_bytes_(sizeof(Skiplist) + node_bytes(0, kMaxLevel)) {}

Skiplist::~Skiplist() {
  Node* node = head_;
  while (node != nullptr) {
    Node* next = node->link(0).forward;
    destroy(node);
    node = next;
  }
}

bool Skiplist::precedes(const Node* node, double score, std::string_view member) {
  return node->score_ < score || (node->score_ == score && node->member() < member);
}

// Each level above the first with probability 1/4 (two random bits both 0).
int Skiplist::random_level() {
  int level = 1;
  while (level < kMaxLevel) {
    random_state_ ^= random_state_ << 13;
    random_state_ ^= random_state_ >> 7;
    random_state_ ^= random_state_ << 17;
    if ((random_state_ & 3) != 0) break;
    ++level;
  }
  return level;
}

const Skiplist::Node* Skiplist::insert(double score, std::string_view member) {
  Node* node = create(score, member, random_level());
  heap_bytes_ += node_bytes(member.size(), node->levels_);
  link_node(node);
  return node;
}

void Skiplist::erase(const Node* node) {
  Node* target = const_cast<Node*>(node);
  unlink_node(target);
  destroy(target);
}

void Skiplist::update_score(const Node* node, double score) {
  Node* target = const_cast<Node*>(node);
  // Stays in place when the new score keeps it between its neighbours.
  const Node* before = target->backward_;
  const Node* after = target->link(0).forward;
  if ((before == nullptr || precedes(before, score, target->member())) &&
      (after == nullptr || !precedes(after, score, target->member()))) {
    target->score_ = score;
    return;
  }
  unlink_node(target);
  target->score_ = score;
  link_node(target);
}

void Skiplist::link_node(Node* node) {
  Node* update[kMaxLevel];
  size_t rank[kMaxLevel];
  Node* x = head_;
  for (int i = level_ - 1; i >= 0; --i) {
    rank[i] = i == level_ - 1 ? 0 : rank[i + 1];
    while (x->link(i).forward != nullptr &&
           precedes(x->link(i).forward, node->score_, node->member())) {
      rank[i] += x->link(i).span;
      x = x->link(i).forward;
    }
    update[i] = x;
  }
  const int levels = node->levels_;
  for (int i = level_; i < levels; ++i) {
    rank[i] = 0;
    update[i] = head_;
    head_->link(i).span = length_;
  }
  if (levels > level_) level_ = levels;
  for (int i = 0; i < levels; ++i) {
    Node::Link& from = update[i]->link(i);
    node->link(i).forward = from.forward;
    node->link(i).span = from.span - (rank[0] - rank[i]);
    from.forward = node;
    from.span = rank[0] - rank[i] + 1;
  }
  for (int i = levels; i < level_; ++i) update[i]->link(i).span++;
  node->backward_ = update[0] == head_ ? nullptr : update[0];
  if (node->link(0).forward != nullptr) {
    node->link(0).forward->backward_ = node;
  } else {
    tail_ = node;
  }
  ++length_;
}

void Skiplist::unlink_node(Node* node) {
  Node* update[kMaxLevel];
  Node* x = head_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->link(i).forward != nullptr && x->link(i).forward != node &&
           precedes(x->link(i).forward, node->score_, node->member())) {
      x = x->link(i).forward;
    }
    update[i] = x;
  }
  for (int i = 0; i < level_; ++i) {
    Node::Link& from = update[i]->link(i);
    if (from.forward == node) {
      from.span += node->link(i).span - 1;
      from.forward = node->link(i).forward;
    } else {
      from.span -= 1;
    }
  }
  if (node->link(0).forward != nullptr) {
    node->link(0).forward->backward_ = node->backward_;
  } else {
    tail_ = node->backward_;
  }
  while (level_ > 1 && head_->link(level_ - 1).forward == nullptr) --level_;
  --length_;
}

size_t Skiplist::rank(const Node* node) const {
  size_t rank = 0;
  const Node* x = head_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->link(i).forward != nullptr &&
           (x->link(i).forward == node ||
            precedes(x->link(i).forward, node->score_, node->member()))) {
      rank += x->link(i).span;
      x = x->link(i).forward;
      if (x == node) return rank - 1;
    }
  }
  return rank - 1;
}

const Skiplist::Node* Skiplist::at(size_t rank) const {
  if (rank >= length_) return nullptr;
  const size_t target = rank + 1;
  size_t traversed = 0;
  const Node* x = head_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->link(i).forward != nullptr && traversed + x->link(i).span <= target) {
      traversed += x->link(i).span;
      x = x->link(i).forward;
    }
    if (traversed == target) return x;
  }
  return nullptr;
}

Skiplist::ForwardWalk::ForwardWalk(const Skiplist& list) : list_(list), node_(list.first()) {
  for (int i = 0; i < list.level_; ++i) before_[i] = list.head_;
}

void Skiplist::ForwardWalk::next() {
  for (int i = 0; i < node_->levels_; ++i) before_[i] = node_;
  node_ = node_->link(0).forward;
}

void Skiplist::ForwardWalk::seek(double score) {
  if (node_ == nullptr || !(node_->score_ < score)) return;
  for (int i = 0; i < node_->levels_; ++i) before_[i] = node_;
  // Where a level's next link already reaches score, so do all higher ones':
  // only the levels below the first such one move.
  int top = 0;
  while (top < list_.level_) {
    const Node* forward = before_[top]->link(top).forward;
    if (forward == nullptr || !(forward->score_ < score)) break;
    ++top;
  }
  const Node* node = list_.head_;
  for (int i = top - 1; i >= 0; --i) {
    // Start from whichever of the two is further along (both lie before score).
    if (node == list_.head_ || (before_[i] != list_.head_ && before_[i]->score_ > node->score_)) {
      node = before_[i];
    }
    while (node->link(i).forward != nullptr && node->link(i).forward->score_ < score) {
      node = node->link(i).forward;
    }
    before_[i] = node;
  }
  node_ = before_[0]->link(0).forward;
}

}  // namespace fkvs
