#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "store/chained_table.h"
#include "store/collection.h"
#include "store/packed_list.h"

namespace fkvs {

// One field of a large hash and its value, in a single heap block: the chain
// pointer, the two lengths, then the field bytes and the value bytes. 16
// bytes plus the strings (Redis spends a 24-byte dictEntry and two sds).
class HashNode {
 public:
  HashNode(const HashNode&) = delete;
  HashNode& operator=(const HashNode&) = delete;

  std::string_view key() const { return {bytes(), field_length_}; }
  std::string_view field() const { return key(); }
  std::string_view value() const { return {bytes() + field_length_, value_length_}; }

 private:
  template <ChainedNode>
  friend class ChainedTable;
  friend class HashValue;

  HashNode(std::string_view field, std::string_view value);
  ~HashNode() = default;
  static HashNode* create(std::string_view field, std::string_view value = {});
  static void destroy(HashNode* node);
  // Bytes the block can hold for the value without reallocating.
  size_t value_capacity() const;
  // Heap bytes of the block, as the allocator counts them.
  size_t block_bytes() const;
  const char* bytes() const { return reinterpret_cast<const char*>(this + 1); }
  char* bytes() { return reinterpret_cast<char*>(this + 1); }

  HashNode* next_ = nullptr;
  uint32_t field_length_;
  uint32_t value_length_;
};

static_assert(sizeof(HashNode) == 16);

// Compiled once, in hash_value.cc.
extern template class ChainedTable<HashNode>;
// The table also counts its nodes' bytes: kept here rather than in every
// HashValue, a small (listpack) hash object stays 24 bytes.
struct HashTable final : ChainedTable<HashNode> {
  size_t node_bytes = 0;
};

// hash-max-listpack-entries and hash-max-listpack-value as a write sees them.
struct HashLimits {
  size_t max_listpack_entries;
  size_t max_listpack_value;
};

// A hash key, encoded as Redis 7.0 does: a listpack of field, value, field,
// value... in insertion order while it has at most max_listpack_entries
// fields and every field and value is at most max_listpack_value bytes;
// past either limit (or past 1 GiB of listpack), a hash table. Like Redis it
// never converts back, and it checks the limits on each write with the
// limits of that moment.
class HashValue final : public Collection {
 public:
  static constexpr ValueType kType = ValueType::kHash;

  // A field and its value as read; views valid until the hash changes (and,
  // for integers kept in the listpack, while the scratch lives).
  struct Pair {
    std::string_view field;
    std::string_view value;
  };
  struct Scratch {
    IntScratch field;
    IntScratch value;
  };
  // Where one field is: a listpack position or a table node.
  struct Ref {
    size_t position = 0;
    HashNode* node = nullptr;
  };

  HashValue() : listpack_() {}
  ~HashValue() override;

  ValueType type() const override { return kType; }
  Encoding encoding() const override {
    return table() ? Encoding::kHashtable : Encoding::kListpack;
  }
  size_t size() const override { return table() ? table()->size() : listpack_.size() / 2; }
  std::unique_ptr<Collection> clone() const override;
  size_t heap_bytes() const override;

  // The value of field; an integer kept in the listpack is formatted into
  // scratch.
  std::optional<std::string_view> get(std::string_view field, IntScratch& scratch);
  bool contains(std::string_view field);
  // Sets field to value; returns true when the field is new. Converts to a
  // table first if either is longer than the value limit, and after if the
  // hash then has more fields than the entries limit.
  bool set(std::string_view field, std::string_view value, const HashLimits& limits);
  // Redis's hashTypeTryConversion: HSET looks at all its arguments before
  // setting any, and converts if one is longer than the value limit (even a
  // value for a field that exists).
  void convert_if_any_long(std::span<const std::string_view> strings, const HashLimits& limits);
  bool erase(std::string_view field);

  // Visits every pair as visit(field, value), in listpack order or table
  // order. The visitor must not change the hash.
  template <typename Visitor>
  void for_each(Visitor&& visit);

  // Every field's Ref, in for_each order.
  void refs(std::vector<Ref>& out);
  // A random field, or an empty Ref when the hash is empty. O(size) for a
  // listpack (callers wanting many take refs() once).
  Ref random_ref();
  Pair read(Ref ref, Scratch& scratch) const;

  // HSCAN over a table: visits one or more buckets' nodes and returns the
  // next cursor (0 when done), with SCAN's guarantees. Only for a table.
  template <typename Visitor>
  uint64_t scan_table(uint64_t cursor, Visitor&& visit);

  // Moves the encoding to a hash table (the conversion Redis makes).
  void convert_to_table();

 private:
  HashNode* insert_node(std::string_view field, std::string_view value);
  void erase_node(HashNode* node);
  void set_in_table(std::string_view field, std::string_view value, bool& added);

  // The table once the hash has outgrown the listpack, else null.
  HashTable* table() const {
    return (table_word_ & 1) != 0 ? reinterpret_cast<HashTable*>(table_word_ - 1) : nullptr;
  }

  // The listpack while the hash is small, the table once it has outgrown it:
  // one word either way, the table's pointer tagged in its low bit (which a
  // listpack's block pointer never has), so a small hash object is 16 bytes,
  // in the allocator's 16-byte class rather than its 32.
  union {
    PackedList listpack_;
    uintptr_t table_word_;
  };
};

template <typename Visitor>
void HashValue::for_each(Visitor&& visit) {
  if (table()) {
    table()->for_each([&](HashNode& node) { visit(node.field(), node.value()); });
    return;
  }
  Scratch scratch;
  for (size_t pos = listpack_.begin(); pos != listpack_.end();) {
    const size_t value_pos = listpack_.next(pos);
    visit(listpack_.get(pos).bytes(scratch.field), listpack_.get(value_pos).bytes(scratch.value));
    pos = listpack_.next(value_pos);
  }
}

template <typename Visitor>
uint64_t HashValue::scan_table(uint64_t cursor, Visitor&& visit) {
  return table()->scan(cursor, [&](HashNode& node) { visit(node.field(), node.value()); });
}

// A vtable pointer and one word: small collections are counted per key.
static_assert(sizeof(HashValue) == 16);

}  // namespace fkvs
