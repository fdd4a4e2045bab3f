#include "store/key_table.h"

#include <bit>
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>
#include <random>

#include "util/bytes.h"

namespace fkvs {
namespace {

constexpr size_t kMinBuckets = 4;
// A shrink starts when fewer than one bucket in this many holds a key.
constexpr size_t kShrinkRatio = 8;
// Rehash steps skip empty buckets for free, up to this many per bucket moved,
// so a step over a sparse table stays short.
constexpr size_t kEmptyVisitsPerStep = 10;

// Any odd constant with well-mixed bits (here the 64-bit golden ratio).
constexpr uint64_t kFinalMultiplier = 0x9e3779b97f4a7c15;

// The 128-bit product folded to 64 bits: every input bit reaches every
// output bit, including the low ones the bucket index is taken from.
__extension__ using Uint128 = unsigned __int128;

uint64_t fold_multiply(uint64_t a, uint64_t b) {
  const Uint128 product = static_cast<Uint128>(a) * b;
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}

uint64_t random_seed() {
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) | device();
}

Entry** allocate_buckets(size_t count) {
  void* slots = std::calloc(count, sizeof(Entry*));
  if (slots == nullptr) throw std::bad_alloc();
  return static_cast<Entry**>(slots);
}

}  // namespace

Entry::Entry(std::string_view key) : key_length_(static_cast<uint32_t>(key.size())) {
  std::memcpy(key_bytes(), key.data(), key.size());
}

Entry* Entry::create(std::string_view key) {
  assert(key.size() <= UINT32_MAX);
  void* block = std::malloc(sizeof(Entry) + key.size());
  if (block == nullptr) throw std::bad_alloc();
  return new (block) Entry(key);
}

void Entry::destroy(Entry* entry) {
  entry->~Entry();
  std::free(entry);
}

KeyTable::KeyTable() : seed_{random_seed(), random_seed()}, random_state_(random_seed()) {}

KeyTable::~KeyTable() { clear(); }

uint64_t KeyTable::hash(std::string_view key) const {
  const char* bytes = key.data();
  const size_t length = key.size();
  uint64_t first;
  uint64_t second;
  uint64_t state = seed_[0] ^ length;
  // Short keys take one or two loads that may overlap; with the length mixed
  // in, they still determine the key.
  if (length <= 16) {
    if (length >= 8) {
      first = load_u64(bytes);
      second = load_u64(bytes + length - 8);
    } else if (length >= 4) {
      first = (load_u32(bytes) << 32) | load_u32(bytes + length - 4);
      second = 0;
    } else if (length > 0) {
      first = (uint64_t{static_cast<unsigned char>(bytes[0])} << 16) |
              (uint64_t{static_cast<unsigned char>(bytes[length / 2])} << 8) |
              static_cast<unsigned char>(bytes[length - 1]);
      second = 0;
    } else {
      first = 0;
      second = 0;
    }
  } else {
    size_t remaining = length;
    while (remaining > 16) {
      state = fold_multiply(load_u64(bytes) ^ seed_[1], load_u64(bytes + 8) ^ state);
      bytes += 16;
      remaining -= 16;
    }
    first = load_u64(bytes + remaining - 16);
    second = load_u64(bytes + remaining - 8);
  }
  // The second fold spreads inputs that vary in only a few bytes (as
  // counters in keys do) over all the bits.
  return fold_multiply(fold_multiply(first ^ seed_[1], second ^ state), kFinalMultiplier);
}

void KeyTable::prefetch_bucket(uint64_t key_hash) const {
  for (const Table& table : tables_) {
    if (table.slots == nullptr) break;
    __builtin_prefetch(&table.slots[key_hash & table.mask]);
  }
}

void KeyTable::prefetch_chain(uint64_t key_hash) const {
  for (const Table& table : tables_) {
    if (table.slots == nullptr) break;
    // The entry's header and its first key bytes share this line.
    if (const Entry* head = table.slots[key_hash & table.mask]) __builtin_prefetch(head);
  }
}

Entry* KeyTable::find_in(std::string_view key, uint64_t key_hash) const {
  for (const Table& table : tables_) {
    if (table.slots == nullptr) break;
    for (Entry* entry = table.slots[key_hash & table.mask]; entry != nullptr;
         entry = entry->next_) {
      if (entry->key_length_ == key.size() &&
          bytes_equal(entry->key_bytes(), key.data(), key.size())) {
        return entry;
      }
    }
  }
  return nullptr;
}

Entry* KeyTable::find(std::string_view key) {
  if (is_rehashing()) rehash_buckets(1);
  if (empty()) return nullptr;
  return find_in(key, hash(key));
}

Entry* KeyTable::insert(std::string_view key) {
  if (is_rehashing()) rehash_buckets(1);
  grow_if_full();
  return add(key, hash(key));
}

std::pair<Entry*, bool> KeyTable::find_or_insert(std::string_view key) {
  if (is_rehashing()) rehash_buckets(1);
  const uint64_t key_hash = hash(key);
  if (Entry* entry = find_in(key, key_hash)) return {entry, false};
  grow_if_full();
  return {add(key, key_hash), true};
}

Entry* KeyTable::add(std::string_view key, uint64_t key_hash) {
  // While resizing, new keys go to the new table so the old one only empties.
  Table& table = tables_[is_rehashing() ? 1 : 0];
  Entry* entry = Entry::create(key);
  Entry*& head = table.slots[key_hash & table.mask];
  entry->next_ = head;
  head = entry;
  ++table.used;
  return entry;
}

bool KeyTable::erase(std::string_view key) {
  if (is_rehashing()) rehash_buckets(1);
  if (empty()) return false;
  const uint64_t key_hash = hash(key);
  Entry* entry = find_in(key, key_hash);
  if (entry == nullptr) return false;
  unlink(entry, key_hash);
  Entry::destroy(entry);
  shrink_if_sparse();
  return true;
}

void KeyTable::erase(Entry* entry) {
  if (is_rehashing()) rehash_buckets(1);
  unlink(entry, hash(entry->key()));
  Entry::destroy(entry);
  shrink_if_sparse();
}

void KeyTable::unlink(Entry* entry, uint64_t key_hash) {
  for (Table& table : tables_) {
    if (table.slots == nullptr) break;
    for (Entry** link = &table.slots[key_hash & table.mask]; *link != nullptr;
         link = &(*link)->next_) {
      if (*link == entry) {
        *link = entry->next_;
        --table.used;
        return;
      }
    }
  }
  assert(false && "erasing an entry the table does not hold");
}

void KeyTable::clear() {
  for (Table& table : tables_) {
    for (size_t bucket = 0; bucket < table.buckets(); ++bucket) {
      Entry* entry = table.slots[bucket];
      while (entry != nullptr) {
        Entry* next = entry->next_;
        Entry::destroy(entry);
        entry = next;
      }
    }
    std::free(table.slots);
    table = Table{};
  }
  rehash_index_ = -1;
}

void KeyTable::grow_if_full() {
  if (is_rehashing()) return;
  Table& table = tables_[0];
  if (table.slots == nullptr) {
    table.slots = allocate_buckets(kMinBuckets);
    table.mask = kMinBuckets - 1;
  } else if (table.used >= table.buckets()) {
    start_resize(table.buckets() * 2);
  }
}

void KeyTable::shrink_if_sparse() {
  if (is_rehashing()) return;
  const Table& table = tables_[0];
  if (table.buckets() <= kMinBuckets || table.used * kShrinkRatio >= table.buckets()) return;
  start_resize(std::max(kMinBuckets, std::bit_ceil(table.used)));
}

void KeyTable::start_resize(size_t buckets) {
  tables_[1].slots = allocate_buckets(buckets);
  tables_[1].mask = buckets - 1;
  tables_[1].used = 0;
  rehash_index_ = 0;
  if (tables_[0].used == 0) finish_rehash();
}

void KeyTable::rehash_buckets(size_t buckets) {
  Table& from = tables_[0];
  Table& to = tables_[1];
  size_t empty_visits_left = buckets * kEmptyVisitsPerStep;
  for (; buckets > 0 && from.used > 0; --buckets) {
    while (from.slots[rehash_index_] == nullptr) {
      ++rehash_index_;
      if (--empty_visits_left == 0) return;
    }
    Entry* entry = from.slots[rehash_index_];
    while (entry != nullptr) {
      Entry* next = entry->next_;
      Entry*& head = to.slots[hash(entry->key()) & to.mask];
      entry->next_ = head;
      head = entry;
      --from.used;
      ++to.used;
      entry = next;
    }
    from.slots[rehash_index_++] = nullptr;
  }
  if (from.used == 0) finish_rehash();
}

void KeyTable::finish_rehash() {
  std::free(tables_[0].slots);
  tables_[0] = tables_[1];
  tables_[1] = Table{};
  rehash_index_ = -1;
  // Keys erased while resizing could not start a shrink; start it now.
  shrink_if_sparse();
}

bool KeyTable::rehash_step(size_t buckets) {
  if (!is_rehashing()) shrink_if_sparse();
  if (is_rehashing()) rehash_buckets(buckets);
  return is_rehashing();
}

uint64_t KeyTable::next_random() {
  // splitmix64: cheap, and random enough to pick buckets.
  uint64_t z = (random_state_ += 0x9e3779b97f4a7c15);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

Entry* KeyTable::random_entry() {
  if (is_rehashing()) rehash_buckets(1);
  if (empty()) return nullptr;
  Entry* head = nullptr;
  if (is_rehashing()) {
    // Buckets of the old table before rehash_index_ are empty; draw from the
    // rest of it and the whole new table.
    const size_t old_buckets = tables_[0].buckets();
    const size_t first = static_cast<size_t>(rehash_index_);
    const size_t candidates = old_buckets + tables_[1].buckets() - first;
    while (head == nullptr) {
      const size_t bucket = first + next_random() % candidates;
      head =
          bucket < old_buckets ? tables_[0].slots[bucket] : tables_[1].slots[bucket - old_buckets];
    }
  } else {
    while (head == nullptr) head = tables_[0].slots[next_random() & tables_[0].mask];
  }
  size_t chain_length = 0;
  for (Entry* entry = head; entry != nullptr; entry = entry->next_) ++chain_length;
  for (size_t skip = next_random() % chain_length; skip > 0; --skip) head = head->next_;
  return head;
}

}  // namespace fkvs
