#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "store/value.h"

namespace fkvs {

class Db;

// One key and its value, in a single heap block: the chain pointer, the
// value, the key's slot in its Db's TTL array, the key length, when the key
// was last accessed (OBJECT IDLETIME, and later LRU eviction), then the key
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
  // Unix time in seconds of the last command that looked the key up.
  uint32_t access_time_s() const { return access_time_s_; }

 private:
  friend class KeyTable;
  friend class Db;

  explicit Entry(std::string_view key);
  ~Entry() = default;
  static Entry* create(std::string_view key);
  static void destroy(Entry* entry);
  const char* key_bytes() const { return reinterpret_cast<const char*>(this + 1); }
  char* key_bytes() { return reinterpret_cast<char*>(this + 1); }

  Entry* next_ = nullptr;
  Value value_;
  uint32_t ttl_slot_ = kNoTtl;
  uint32_t key_length_;
  uint32_t access_time_s_ = 0;
};

static_assert(sizeof(Entry) == 40);

// The keyspace's hash table: chained buckets in a power-of-two array.
//
// Resizing is incremental, as in Redis: a resize allocates the new array and
// then each operation moves a bucket or so from the old one, so no single
// call pays for the whole table. The table grows when it holds as many keys
// as buckets and shrinks when under one key per eight buckets.
//
// Entries never move in memory, so an Entry* stays valid until it is erased.
class KeyTable {
 public:
  KeyTable();
  ~KeyTable();
  KeyTable(const KeyTable&) = delete;
  KeyTable& operator=(const KeyTable&) = delete;

  Entry* find(std::string_view key);
  // Adds key, which must be absent, holding an empty string.
  Entry* insert(std::string_view key);
  // The entry for key, adding it if absent; second is true when added.
  std::pair<Entry*, bool> find_or_insert(std::string_view key);
  bool erase(std::string_view key);
  // Erases an entry this table holds.
  void erase(Entry* entry);
  void clear();

  size_t size() const { return tables_[0].used + tables_[1].used; }
  bool empty() const { return size() == 0; }
  size_t bucket_count() const { return tables_[0].buckets() + tables_[1].buckets(); }
  bool is_rehashing() const { return rehash_index_ >= 0; }

  // Visits the entries of one or more buckets and returns the cursor for the
  // next call (0 when the whole table has been covered). Cursors count in
  // reversed bit order, so every key present for a whole scan is visited at
  // least once however the table resizes between calls (some may be visited
  // twice). The visitor must not change the table.
  template <typename Visitor>
  uint64_t scan(uint64_t cursor, Visitor&& visit);

  // Visits every entry; the visitor must not change the table.
  template <typename Visitor>
  void for_each(Visitor&& visit);

  // A random entry (a random non-empty bucket, then a random entry of its
  // chain: close enough to uniform with short chains), or nullptr if empty.
  Entry* random_entry();

  // Moves up to `buckets` buckets of a resize in progress, and starts a
  // pending shrink. Returns true while a resize remains in progress.
  bool rehash_step(size_t buckets);

  // The seeded hash the table places keys by.
  uint64_t hash(std::string_view key) const;

  // Hints for a lookup of the key with this hash that comes soon, so its
  // cache misses overlap with other work: first the bucket, then, once the
  // bucket has had time to arrive, the first entry of its chain (this one
  // reads the bucket). Neither changes anything.
  void prefetch_bucket(uint64_t key_hash) const;
  void prefetch_chain(uint64_t key_hash) const;

 private:
  struct Table {
    Entry** slots = nullptr;
    uint64_t mask = 0;  // bucket count - 1; meaningless when slots is null
    size_t used = 0;
    size_t buckets() const { return slots == nullptr ? 0 : mask + 1; }
  };

  Entry* find_in(std::string_view key, uint64_t key_hash) const;
  Entry* add(std::string_view key, uint64_t key_hash);
  void unlink(Entry* entry, uint64_t key_hash);
  void rehash_buckets(size_t buckets);
  void start_resize(size_t buckets);
  void grow_if_full();
  void shrink_if_sparse();
  void finish_rehash();
  uint64_t next_random();

  template <typename Visitor>
  static void visit_chain(Entry* head, Visitor& visit);

  Table tables_[2];
  // The next bucket of tables_[0] to move while resizing; -1 otherwise.
  int64_t rehash_index_ = -1;
  uint64_t seed_[2];
  uint64_t random_state_;
};

template <typename Visitor>
void KeyTable::visit_chain(Entry* head, Visitor& visit) {
  for (Entry* entry = head; entry != nullptr; entry = entry->next_) visit(*entry);
}

namespace key_table_detail {

constexpr uint64_t reverse_bits(uint64_t word) {
  word = ((word >> 1) & 0x5555555555555555) | ((word & 0x5555555555555555) << 1);
  word = ((word >> 2) & 0x3333333333333333) | ((word & 0x3333333333333333) << 2);
  word = ((word >> 4) & 0x0f0f0f0f0f0f0f0f) | ((word & 0x0f0f0f0f0f0f0f0f) << 4);
  return __builtin_bswap64(word);
}

// The next cursor in reversed bit order: adds one to the bits under mask as
// if the most significant of them were the least.
constexpr uint64_t next_cursor(uint64_t cursor, uint64_t mask) {
  return reverse_bits(reverse_bits(cursor | ~mask) + 1);
}

}  // namespace key_table_detail

template <typename Visitor>
uint64_t KeyTable::scan(uint64_t cursor, Visitor&& visit) {
  using key_table_detail::next_cursor;
  if (empty()) return 0;
  if (!is_rehashing()) {
    Table& table = tables_[0];
    visit_chain(table.slots[cursor & table.mask], visit);
    return next_cursor(cursor, table.mask);
  }
  // Mid-resize: visit the cursor's bucket in the smaller table, then every
  // bucket of the larger table that its keys can have moved to (those whose
  // low bits match the cursor's).
  Table* small = &tables_[0];
  Table* large = &tables_[1];
  if (small->mask > large->mask) std::swap(small, large);
  visit_chain(small->slots[cursor & small->mask], visit);
  const uint64_t expansion_bits = small->mask ^ large->mask;
  do {
    visit_chain(large->slots[cursor & large->mask], visit);
    cursor = next_cursor(cursor, large->mask);
  } while ((cursor & expansion_bits) != 0);
  return cursor;
}

template <typename Visitor>
void KeyTable::for_each(Visitor&& visit) {
  for (Table& table : tables_) {
    for (size_t bucket = 0; bucket < table.buckets(); ++bucket) {
      visit_chain(table.slots[bucket], visit);
    }
  }
}

}  // namespace fkvs
