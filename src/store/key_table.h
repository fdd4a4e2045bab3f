#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "store/chained_table.h"
#include "store/shared_pages.h"
#include "store/value.h"

namespace fkvs {

class Db;

// One key and its value, in a single heap block: the chain pointer, the
// value, the key's slot in its Db's TTL array, the key length, its access
// stamp (see key_access: OBJECT IDLETIME / FREQ, and eviction), which forked
// child's lifetime the block was made in (see shared_pages), then the key
// bytes. 40 bytes plus the key.
class Entry {
 public:
  static constexpr uint32_t kNoTtl = UINT32_MAX;

  Entry(const Entry&) = delete;
  Entry& operator=(const Entry&) = delete;

  std::string_view key() const { return {key_bytes(), key_length_}; }
  Value& value() { return value_; }
  const Value& value() const { return value_; }
  bool has_ttl() const { return ttl_slot_ != kNoTtl; }
  // When, or how often, commands looked the key up (see key_access).
  uint32_t access_stamp() const { return access_stamp_; }

 private:
  template <ChainedNode>
  friend class ChainedTable;
  friend class Db;

  explicit Entry(std::string_view key);
  ~Entry() = default;
  static Entry* create(std::string_view key);
  static void destroy(Entry* entry);
  // A byte copy of entry in a new block, which now owns the value; entry's
  // block is left as it was, to be released without destroying it.
  static Entry* relocated(const Entry& entry);
  // Whether the block was made since the running child forked, so writing it
  // copies no page the child shares.
  bool made_since_fork() const { return fork_generation_ == shared_pages::fork_generation(); }
  const char* key_bytes() const { return reinterpret_cast<const char*>(this + 1); }
  char* key_bytes() { return reinterpret_cast<char*>(this + 1); }

  Entry* next_ = nullptr;
  Value value_;
  uint32_t ttl_slot_ = kNoTtl;
  uint32_t key_length_;
  uint32_t access_stamp_ = 0;
  uint32_t fork_generation_ = shared_pages::fork_generation();
};

static_assert(sizeof(Entry) == 40);

// The keyspace's table. Its code is compiled once, in key_table.cc.
extern template class ChainedTable<Entry>;
class KeyTable final : public ChainedTable<Entry> {};

}  // namespace fkvs
