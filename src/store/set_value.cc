#include "store/set_value.h"

#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>
#include <random>

#include "util/number.h"

namespace fkvs {

SetNode::SetNode(std::string_view member) : length_(static_cast<uint32_t>(member.size())) {
  std::memcpy(bytes_, member.data(), member.size());
}

size_t SetNode::allocation_for(size_t length) {
  return std::max(sizeof(SetNode), offsetof(SetNode, bytes_) + length);
}

SetNode* SetNode::create(std::string_view member) {
  assert(member.size() <= UINT32_MAX);
  void* block = std::malloc(allocation_for(member.size()));
  if (block == nullptr) throw std::bad_alloc();
  return new (block) SetNode(member);
}

void SetNode::destroy(SetNode* node) {
  node->~SetNode();
  std::free(node);
}

template class ChainedTable<SetNode>;

namespace {

// Picks for SPOP and SRANDMEMBER on intsets; not for anything secret.
std::mt19937_64& random_engine() {
  static std::mt19937_64 engine{std::random_device{}()};
  return engine;
}

}  // namespace

SetValue::~SetValue() = default;

std::unique_ptr<SetValue> SetValue::create_for(std::string_view first_member) {
  auto set = std::make_unique<SetValue>();
  if (!parse_int64(first_member)) set->convert_to_table();
  return set;
}

std::string_view SetValue::format(int64_t value, char* out) {
  return {out, format_int64(value, out)};
}

size_t SetValue::random_index(size_t bound) {
  return std::uniform_int_distribution<size_t>(0, bound - 1)(random_engine());
}

std::vector<SetNode*> SetValue::table_nodes() {
  std::vector<SetNode*> nodes;
  nodes.reserve(table_->size());
  table_->for_each([&](SetNode& node) { nodes.push_back(&node); });
  return nodes;
}

void SetValue::convert_to_table() {
  auto table = std::make_unique<SetTable>();
  char buffer[24];
  for (int64_t value : ints_) {
    SetNode* node = table->insert(format(value, buffer));
    table->node_bytes += node->allocation_bytes();
  }
  table_ = std::move(table);
  ints_ = IntSet();
}

bool SetValue::add(std::string_view member, size_t max_intset_entries) {
  if (!table_) {
    if (auto number = parse_int64(member)) {
      if (!ints_.insert(*number)) return false;
      if (ints_.size() > std::min(max_intset_entries, kIntsetHardLimit)) convert_to_table();
      return true;
    }
    convert_to_table();
  }
  auto [node, added] = table_->find_or_insert(member);
  if (added) table_->node_bytes += node->allocation_bytes();
  return added;
}

bool SetValue::remove(std::string_view member) {
  if (!table_) {
    auto number = parse_int64(member);
    return number && ints_.erase(*number);
  }
  SetNode* node = table_->find(member);
  if (node == nullptr) return false;
  table_->node_bytes -= node->allocation_bytes();
  table_->erase(node);
  return true;
}

bool SetValue::contains(std::string_view member) const {
  if (!table_) {
    auto number = parse_int64(member);
    return number && ints_.contains(*number);
  }
  return table_->find(member) != nullptr;
}

std::unique_ptr<Collection> SetValue::clone() const {
  auto copy = std::make_unique<SetValue>();
  if (table_) {
    copy->convert_to_table();
    table_->for_each([&](SetNode& node) { copy->add(node.key(), 0); });
  } else {
    // Ascending order appends at the end: no member moves.
    for (int64_t value : ints_) copy->ints_.insert(value);
  }
  return copy;
}

size_t SetValue::heap_bytes() const {
  if (!table_) return sizeof(SetValue) + ints_.bytes();
  return sizeof(SetValue) + sizeof(SetTable) + table_->bucket_count() * sizeof(SetNode*) +
         table_->node_bytes;
}

}  // namespace fkvs
