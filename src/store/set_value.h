#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "store/chained_table.h"
#include "store/collection.h"
#include "store/int_set.h"

namespace fkvs {

// One member of a hashtable-encoded set: the chain pointer, the length and
// the member bytes, in one heap block (12 bytes plus the member).
class SetNode {
 public:
  SetNode(const SetNode&) = delete;
  SetNode& operator=(const SetNode&) = delete;

  std::string_view key() const { return {bytes_, length_}; }
  // Bytes of this node's heap block.
  size_t allocation_bytes() const { return allocation_for(length_); }

 private:
  template <ChainedNode>
  friend class ChainedTable;

  explicit SetNode(std::string_view member);
  ~SetNode() = default;
  static SetNode* create(std::string_view member);
  static void destroy(SetNode* node);
  static size_t allocation_for(size_t length);

  SetNode* next_ = nullptr;
  uint32_t length_;
  char bytes_[4];  // the member continues past the end of the object
};

// Compiled once, in set_value.cc.
extern template class ChainedTable<SetNode>;
// The table also counts its nodes' bytes, so an intset-encoded SetValue
// stays 24 bytes.
struct SetTable final : ChainedTable<SetNode> {
  size_t node_bytes = 0;
};

// A set as Redis 7.0 keeps it: an intset while every member is a canonical
// int64 and there are at most set-max-intset-entries of them, otherwise a
// hashtable of member nodes. The change is one way: a set that has become a
// hashtable stays one however it shrinks. (Redis 7.0 has no listpack sets.)
class SetValue final : public Collection {
 public:
  static constexpr ValueType kType = ValueType::kSet;
  // Redis caps the intset at 2^30 members whatever the configuration says.
  static constexpr size_t kIntsetHardLimit = size_t{1} << 30;

  // An empty intset, as Redis's createIntsetObject (the STORE commands' result).
  SetValue() = default;
  ~SetValue() override;
  // The set a command creates for its first member (setTypeCreate): an
  // intset if that member is an integer, else a hashtable.
  static std::unique_ptr<SetValue> create_for(std::string_view first_member);

  ValueType type() const override { return kType; }
  Encoding encoding() const override { return table_ ? Encoding::kHashtable : Encoding::kIntset; }
  size_t size() const override { return table_ ? table_->size() : ints_.size(); }
  std::unique_ptr<Collection> clone() const override;
  size_t heap_bytes() const override;

  // Adds member; false if it was already one. Converts to a hashtable when
  // the member is not an integer or the intset would pass max_intset_entries.
  bool add(std::string_view member, size_t max_intset_entries);
  bool remove(std::string_view member);
  bool contains(std::string_view member) const;

  // Calls visit(std::string_view) for every member: in ascending order for
  // an intset, in table order for a hashtable. The visitor must not change
  // the set. Integers are formatted into a buffer that lives for the call.
  template <typename Visitor>
  void for_each(Visitor&& visit) const;

  // SSCAN: visits one or more buckets from cursor and returns the next
  // cursor (0 when done). An intset is visited whole and returns 0.
  template <typename Visitor>
  uint64_t scan(uint64_t cursor, Visitor&& visit);

  // A uniformly chosen member, passed to visit; the set must not be empty.
  template <typename Visitor>
  void random_member(Visitor&& visit);
  // random_member, then removes that member.
  template <typename Visitor>
  void pop_random(Visitor&& visit);
  // Visits count distinct random members, 0 < count < size().
  template <typename Visitor>
  void random_distinct(size_t count, Visitor&& visit);

  // The hashtable, or nullptr for an intset (for tests and SSCAN).
  const SetTable* table() const { return table_.get(); }

 private:
  // Redis's intset-to-hashtable conversion.
  void convert_to_table();
  size_t random_index(size_t bound);
  std::vector<SetNode*> table_nodes();
  static std::string_view format(int64_t value, char* out);

  IntSet ints_;
  std::unique_ptr<SetTable> table_;
  // Sum of the nodes' allocation_bytes(), so MEMORY USAGE costs O(1).
};

template <typename Visitor>
void SetValue::for_each(Visitor&& visit) const {
  if (table_) {
    table_->for_each([&](SetNode& node) { visit(node.key()); });
    return;
  }
  char buffer[24];
  for (int64_t value : ints_) visit(format(value, buffer));
}

template <typename Visitor>
uint64_t SetValue::scan(uint64_t cursor, Visitor&& visit) {
  if (!table_) {
    for_each(visit);
    return 0;
  }
  return table_->scan(cursor, [&](SetNode& node) { visit(node.key()); });
}

template <typename Visitor>
void SetValue::random_member(Visitor&& visit) {
  if (table_) {
    visit(table_->random_entry()->key());
    return;
  }
  char buffer[24];
  visit(format(ints_.at(random_index(ints_.size())), buffer));
}

template <typename Visitor>
void SetValue::pop_random(Visitor&& visit) {
  if (table_) {
    SetNode* node = table_->random_entry();
    visit(node->key());
    table_->node_bytes -= node->allocation_bytes();
    table_->erase(node);
    return;
  }
  const int64_t value = ints_.at(random_index(ints_.size()));
  char buffer[24];
  visit(format(value, buffer));
  ints_.erase(value);
}

template <typename Visitor>
void SetValue::random_distinct(size_t count, Visitor&& visit) {
  const size_t members = size();
  char buffer[24];
  if (count * 3 <= members) {
    // Few of many: draw at random and skip repeats, as Redis does; the
    // bookkeeping grows with count, not with the set.
    std::unordered_set<uintptr_t> chosen;
    while (chosen.size() < count) {
      if (table_) {
        SetNode* node = table_->random_entry();
        if (chosen.insert(reinterpret_cast<uintptr_t>(node)).second) visit(node->key());
      } else {
        const size_t index = random_index(members);
        if (chosen.insert(index).second) visit(format(ints_.at(index), buffer));
      }
    }
    return;
  }
  // Most of the set: a partial Fisher-Yates shuffle of all of it, whose
  // first count slots are a uniform sample.
  if (table_) {
    std::vector<SetNode*> nodes = table_nodes();
    for (size_t i = 0; i < count; ++i) {
      std::swap(nodes[i], nodes[i + random_index(nodes.size() - i)]);
      visit(nodes[i]->key());
    }
    return;
  }
  std::vector<uint32_t> indexes(members);
  for (size_t i = 0; i < members; ++i) indexes[i] = static_cast<uint32_t>(i);
  for (size_t i = 0; i < count; ++i) {
    std::swap(indexes[i], indexes[i + random_index(members - i)]);
    visit(format(ints_.at(indexes[i]), buffer));
  }
}

// A vtable pointer and two more: small collections are counted per key.
static_assert(sizeof(SetValue) == 24);

}  // namespace fkvs
