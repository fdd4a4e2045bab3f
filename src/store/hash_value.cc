#include "store/hash_value.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <random>
#include <stdexcept>

namespace fkvs {
namespace {

// A value rewritten in place keeps its block while the block wastes no more
// than this much beyond twice the new length; otherwise it gets a block of
// its size.
constexpr size_t kReuseSlack = 16;

// A listpack never grows past this, whatever the limits say: Redis's
// lpSafeToAdd converts a hash whose listpack would pass 1 GiB.
constexpr size_t kListpackSafeBytes = size_t{1} << 30;

uint64_t random_index(uint64_t bound) {
  static thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_int_distribution<uint64_t>(0, bound - 1)(generator);
}

}  // namespace

// ---- HashNode ----

HashNode::HashNode(std::string_view field, std::string_view value)
    : field_length_(static_cast<uint32_t>(field.size())),
      value_length_(static_cast<uint32_t>(value.size())) {
  if (!field.empty()) std::memcpy(bytes(), field.data(), field.size());
  if (!value.empty()) std::memcpy(bytes() + field.size(), value.data(), value.size());
}

HashNode* HashNode::create(std::string_view field, std::string_view value) {
  // Lengths are 32-bit; only a proto-max-bulk-len raised past 4 GiB could
  // send more, and then failing loudly beats truncating.
  if (field.size() > UINT32_MAX || value.size() > UINT32_MAX) {
    throw std::length_error("hash field or value of 4 GiB or more");
  }
  void* block = std::malloc(sizeof(HashNode) + field.size() + value.size());
  if (block == nullptr) throw std::bad_alloc();
  return new (block) HashNode(field, value);
}

void HashNode::destroy(HashNode* node) {
  node->~HashNode();
  std::free(node);
}

size_t HashNode::block_bytes() const { return malloc_usable_size(const_cast<HashNode*>(this)); }

size_t HashNode::value_capacity() const { return block_bytes() - sizeof(HashNode) - field_length_; }

template class ChainedTable<HashNode>;

// ---- HashValue ----

HashValue::~HashValue() {
  if (HashTable* table = this->table()) {
    delete table;
  } else {
    listpack_.~PackedList();
  }
}

std::unique_ptr<Collection> HashValue::clone() const {
  auto copy = std::make_unique<HashValue>();
  if (!table()) {
    copy->listpack_ = listpack_;
    return copy;
  }
  copy->convert_to_table();
  table()->for_each([&](HashNode& node) { copy->insert_node(node.field(), node.value()); });
  return copy;
}

size_t HashValue::heap_bytes() const {
  size_t bytes = sizeof(*this);
  if (!table()) return bytes + (listpack_.empty() ? 0 : listpack_.bytes());
  return bytes + sizeof(HashTable) + table()->bucket_count() * sizeof(HashNode*) +
         table()->node_bytes;
}

std::optional<std::string_view> HashValue::get(std::string_view field, IntScratch& scratch) {
  if (table()) {
    HashNode* node = table()->find(field);
    if (node == nullptr) return std::nullopt;
    return node->value();
  }
  const size_t pos = listpack_.find(field, listpack_.begin(), 2);
  if (pos == listpack_.end()) return std::nullopt;
  return listpack_.get(listpack_.next(pos)).bytes(scratch);
}

bool HashValue::contains(std::string_view field) {
  if (table()) return table()->find(field) != nullptr;
  return listpack_.find(field, listpack_.begin(), 2) != listpack_.end();
}

void HashValue::convert_if_any_long(std::span<const std::string_view> strings,
                                    const HashLimits& limits) {
  if (table()) return;
  size_t total = 0;
  for (std::string_view s : strings) {
    if (s.size() > limits.max_listpack_value) return convert_to_table();
    total += s.size();
  }
  if (listpack_.bytes() + total > kListpackSafeBytes) convert_to_table();
}

bool HashValue::set(std::string_view field, std::string_view value, const HashLimits& limits) {
  if (!table() &&
      (field.size() > limits.max_listpack_value || value.size() > limits.max_listpack_value ||
       listpack_.bytes() + field.size() + value.size() > kListpackSafeBytes)) {
    convert_to_table();
  }
  bool added = false;
  if (table()) {
    set_in_table(field, value, added);
    return added;
  }
  const size_t pos = listpack_.find(field, listpack_.begin(), 2);
  if (pos == listpack_.end()) {
    listpack_.push_back(field);
    listpack_.push_back(value);
    added = true;
  } else {
    listpack_.replace(listpack_.next(pos), value);
  }
  // Redis checks the count after every set, an update included, so a lowered
  // hash-max-listpack-entries applies on the next write of any kind.
  if (size() > limits.max_listpack_entries) convert_to_table();
  return added;
}

void HashValue::set_in_table(std::string_view field, std::string_view value, bool& added) {
  HashNode* node = table()->find(field);
  if (node == nullptr) {
    insert_node(field, value);
    added = true;
    return;
  }
  const size_t capacity = node->value_capacity();
  if (value.size() <= capacity && capacity <= value.size() * 2 + kReuseSlack) {
    if (!value.empty())
      std::memmove(node->bytes() + node->field_length_, value.data(), value.size());
    node->value_length_ = static_cast<uint32_t>(value.size());
    return;
  }
  // Neither field nor value may point into the node (callers pass client
  // arguments or their own buffers).
  erase_node(node);
  insert_node(field, value);
}

bool HashValue::erase(std::string_view field) {
  if (table()) {
    HashNode* node = table()->find(field);
    if (node == nullptr) return false;
    erase_node(node);
    return true;
  }
  const size_t pos = listpack_.find(field, listpack_.begin(), 2);
  if (pos == listpack_.end()) return false;
  listpack_.erase(pos, 2);
  return true;
}

HashNode* HashValue::insert_node(std::string_view field, std::string_view value) {
  HashNode* node = table()->insert(field, value);
  table()->node_bytes += node->block_bytes();
  return node;
}

void HashValue::erase_node(HashNode* node) {
  table()->node_bytes -= node->block_bytes();
  table()->erase(node);
}

void HashValue::convert_to_table() {
  if (table()) return;
  const PackedList items = std::move(listpack_);
  listpack_.~PackedList();
  table_word_ = reinterpret_cast<uintptr_t>(new HashTable()) | 1;
  Scratch scratch;
  for (size_t pos = items.begin(); pos != items.end();) {
    const size_t value_pos = items.next(pos);
    insert_node(items.get(pos).bytes(scratch.field), items.get(value_pos).bytes(scratch.value));
    pos = items.next(value_pos);
  }
}

void HashValue::refs(std::vector<Ref>& out) {
  out.reserve(out.size() + size());
  if (table()) {
    table()->for_each([&](HashNode& node) { out.push_back(Ref{0, &node}); });
    return;
  }
  for (size_t pos = listpack_.begin(); pos != listpack_.end();
       pos = listpack_.next(listpack_.next(pos))) {
    out.push_back(Ref{pos, nullptr});
  }
}

HashValue::Ref HashValue::random_ref() {
  if (table()) return Ref{0, table()->random_entry()};
  if (listpack_.empty()) return Ref{};
  const auto index = static_cast<int64_t>(random_index(size()));
  return Ref{listpack_.seek(index * 2), nullptr};
}

HashValue::Pair HashValue::read(Ref ref, Scratch& scratch) const {
  if (ref.node != nullptr) return Pair{ref.node->field(), ref.node->value()};
  return Pair{listpack_.get(ref.position).bytes(scratch.field),
              listpack_.get(listpack_.next(ref.position)).bytes(scratch.value)};
}

}  // namespace fkvs
