#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fkvs {

// The ordered half of a large sorted set: members ordered by score, then by
// their bytes, with a span on every link so that a rank is found in O(log n)
// as well as a score. Levels are drawn with p = 1/4, up to 32, as Redis does.
//
// Each node is one heap block: its links sit in front of the node (link i at
// a fixed negative offset), the member bytes behind it, so a node costs 24
// bytes plus 16 per level plus the member. A node never moves while it is in
// the list, even when its score changes, so a pointer to it stays valid
// until it is erased.
class Skiplist {
 public:
  static constexpr int kMaxLevel = 32;

  class Node {
   public:
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;

    double score() const { return score_; }
    std::string_view member() const { return {reinterpret_cast<const char*>(this + 1), length_}; }
    const Node* next() const { return link(0).forward; }
    const Node* prev() const { return backward_; }
    // Where a node's member bytes start, for a node found by them.
    static const Node* from_member(const char* bytes) {
      return reinterpret_cast<const Node*>(bytes) - 1;
    }

   private:
    friend class Skiplist;
    struct Link {
      Node* forward;
      size_t span;  // nodes passed by following forward (1 to the very next)
    };
    Node(double score, std::string_view member, int levels);
    ~Node() = default;
    Link& link(int i) { return reinterpret_cast<Link*>(this)[-1 - i]; }
    const Link& link(int i) const { return reinterpret_cast<const Link*>(this)[-1 - i]; }

    Node* backward_ = nullptr;
    double score_;
    uint32_t length_;
    uint8_t levels_;
  };

  Skiplist();
  ~Skiplist();
  Skiplist(const Skiplist&) = delete;
  Skiplist& operator=(const Skiplist&) = delete;

  size_t size() const { return length_; }
  const Node* first() const { return head_->link(0).forward; }
  const Node* last() const { return tail_; }

  // Adds a member that is not in the list.
  const Node* insert(double score, std::string_view member);
  void erase(const Node* node);
  // Gives node a new score, moving it if its place changes.
  void update_score(const Node* node, double score);

  // 0-based rank of a node in the list.
  size_t rank(const Node* node) const;
  // The node at a 0-based rank, nullptr past the end.
  const Node* at(size_t rank) const;
  // How many nodes from the start satisfy before(node), a predicate that
  // holds for a prefix of the list (e.g. "score below the range's min").
  template <typename Predicate>
  size_t count_while(Predicate before) const;
  // The first node that does not satisfy before (the same kind of
  // predicate), nullptr if all do: one descent, no ranks counted.
  template <typename Predicate>
  const Node* first_not(Predicate before) const;

  size_t heap_bytes() const { return heap_bytes_; }

 private:
  static bool precedes(const Node* node, double score, std::string_view member);
  static Node* create(double score, std::string_view member, int levels);
  void destroy(Node* node);
  int random_level();
  void link_node(Node* node);
  void unlink_node(Node* node);

  Node* head_;  // a node of kMaxLevel links that holds no member
  Node* tail_ = nullptr;
  size_t length_ = 0;
  int level_ = 1;
  uint64_t random_state_;
  size_t heap_bytes_;
};

template <typename Predicate>
size_t Skiplist::count_while(Predicate before) const {
  size_t count = 0;
  const Node* node = head_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (node->link(i).forward != nullptr && before(*node->link(i).forward)) {
      count += node->link(i).span;
      node = node->link(i).forward;
    }
  }
  return count;
}

template <typename Predicate>
const Skiplist::Node* Skiplist::first_not(Predicate before) const {
  const Node* node = head_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (node->link(i).forward != nullptr && before(*node->link(i).forward)) {
      node = node->link(i).forward;
    }
  }
  return node->link(0).forward;
}

}  // namespace fkvs
