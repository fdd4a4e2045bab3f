#pragma once

#include <bit>
#include <cassert>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string_view>
#include <utility>

#include "util/bytes.h"

namespace fkvs {

// What ChainedTable needs of its nodes: key(), and, reachable by the table
// (a friend of the node), a chain pointer `N* next_` and `static N*
// create(std::string_view key)` / `static void destroy(N*)`.
template <typename N>
concept ChainedNode = requires(const N& node) {
  { node.key() } -> std::convertible_to<std::string_view>;
};

// The keyed hash every ChainedTable places its keys by, seeded at random
// per table so that keys chosen by a client cannot be made to collide.
class SeededHash {
 public:
  SeededHash();
  // The hash that seed gives, the same in every run (for tests).
  explicit SeededHash(uint64_t seed);
  uint64_t operator()(std::string_view key) const;

 private:
  uint64_t seed_[2];
};

namespace chained_table_detail {

inline constexpr size_t kMinBuckets = 4;
// A shrink starts when fewer than one bucket in this many holds a key.
inline constexpr size_t kShrinkRatio = 8;
// While resizing is paused, the table still grows past this many keys per
// bucket (as Redis's dict_force_resize_ratio), so chains stay short.
inline constexpr size_t kPausedGrowthRatio = 5;
// Rehash steps skip empty buckets for free, up to this many per bucket moved,
// so a step over a sparse table stays short.
inline constexpr size_t kEmptyVisitsPerStep = 10;
// The chain length a random pick allows for at first after a resize. At
// the table's load (at most one key per bucket) longer chains are rare, so
// the first picks seldom miss a chain's tail; a lower start would save a
// few probes per pick in small tables and miss tails more often.
inline constexpr size_t kMinChainBound = 4;

uint64_t random_seed();

// The splitmix64 output for state: well-mixed bits from any counter.
constexpr uint64_t splitmix64(uint64_t state) {
  state = (state ^ (state >> 30)) * 0xbf58476d1ce4e5b9;
  state = (state ^ (state >> 27)) * 0x94d049bb133111eb;
  return state ^ (state >> 31);
}

template <typename Node>
Node** allocate_buckets(size_t count) {
  void* slots = std::calloc(count, sizeof(Node*));
  if (slots == nullptr) throw std::bad_alloc();
  return static_cast<Node**>(slots);
}

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

}  // namespace chained_table_detail

// A hash table of intrusive nodes: chained buckets in a power-of-two array.
// The keyspace is one (KeyTable, of Entry); the large encodings of hashes,
// sets and sorted sets are others, each with its own node.
//
// Resizing is incremental, as in Redis: a resize allocates the new array and
// then each operation moves a bucket or so from the old one, so no single
// call pays for the whole table. The table grows when it holds as many keys
// as buckets and shrinks when under one key per eight buckets.
//
// Nodes never move in memory, so a Node* stays valid until it is erased.
template <ChainedNode Node>
class ChainedTable {
 public:
  ChainedTable();
  // A table whose hash and random picks follow seed, so that the same calls
  // give the same layout and picks in every run (for tests).
  explicit ChainedTable(uint64_t seed);
  ~ChainedTable();
  ChainedTable(const ChainedTable&) = delete;
  ChainedTable& operator=(const ChainedTable&) = delete;

  Node* find(std::string_view key);
  // Adds key, which must be absent, as Node::create(key, args...) makes it
  // (a node may take more than its key, e.g. a hash field's value).
  template <typename... Args>
  Node* insert(std::string_view key, Args&&... args);
  // The node for key, adding it if absent; second is true when added.
  std::pair<Node*, bool> find_or_insert(std::string_view key) {
    return find_or_insert(key, hash(key));
  }
  // The same with key_hash, hash(key), computed ahead (for prefetching).
  std::pair<Node*, bool> find_or_insert(std::string_view key, uint64_t key_hash);
  bool erase(std::string_view key);
  // Erases a node this table holds.
  void erase(Node* node);
  // Replaces node and each node before it in its chain with what
  // renew(n) returns: n itself, or a byte copy of n (same key, same chain
  // pointer), after which the table never reads n. Only the bucket's slot
  // and the nodes renew returns are written. Returns node's replacement.
  template <typename Renew>
  Node* renew_chain_to(Node* node, Renew&& renew);
  void clear();
  // Exchanges contents with other (FLUSHALL ASYNC takes a table's nodes
  // away whole); each keeps its own resizing pause.
  void swap(ChainedTable& other);

  size_t size() const { return tables_[0].used + tables_[1].used; }
  bool empty() const { return size() == 0; }
  size_t bucket_count() const { return tables_[0].buckets() + tables_[1].buckets(); }
  bool is_rehashing() const { return rehash_index_ >= 0; }

  // Visits the nodes of one or more buckets and returns the cursor for the
  // next call (0 when the whole table has been covered). Cursors count in
  // reversed bit order, so every key present for a whole scan is visited at
  // least once however the table resizes between calls (some may be visited
  // twice). The visitor must not change the table.
  template <typename Visitor>
  uint64_t scan(uint64_t cursor, Visitor&& visit);

  // Visits every node; the visitor must not change the table.
  template <typename Visitor>
  void for_each(Visitor&& visit);

  // A uniformly random node, or nullptr if empty. Costs about
  // bucket_count() * chain bound / size() bucket probes (see the definition).
  Node* random_entry();
  // Visits up to count nodes of consecutive buckets from a random one (in
  // both tables while resizing), skipping at most 10 empty buckets per node
  // wanted; returns how many it visited. Not uniform, and a small table may
  // show a node twice, but it costs about one probe per node: eviction's
  // sampling, as Redis's, wants many cheap candidates more than fair ones.
  template <typename Visitor>
  size_t sample(size_t count, Visitor&& visit);

  // An empty table makes room for count nodes at once, so filling it (a
  // snapshot loading) does not resize it step by step. Does nothing to a
  // table that holds nodes.
  void reserve(size_t count);

  // Moves up to `buckets` buckets of a resize in progress, and starts a
  // pending shrink. Returns true while a resize remains in progress.
  bool rehash_step(size_t buckets);
  // While a forked child shares the nodes' pages, moving them would copy
  // those pages: lookups then move no buckets, no shrink starts, and the
  // table grows only past kPausedGrowthRatio keys per bucket.
  void set_resizing_paused(bool paused) { resizing_paused_ = paused; }

  // The seeded hash the table places keys by.
  uint64_t hash(std::string_view key) const { return hash_(key); }

  // Hints for a lookup of the key with this hash that comes soon, so its
  // cache misses overlap with other work: first the bucket, then, once the
  // bucket has had time to arrive, the first node of its chain (this one
  // reads the bucket). Neither changes anything.
  void prefetch_bucket(uint64_t key_hash) const;
  void prefetch_chain(uint64_t key_hash) const;

 private:
  struct Table {
    Node** slots = nullptr;
    uint64_t mask = 0;  // bucket count - 1; meaningless when slots is null
    size_t used = 0;
    size_t buckets() const { return slots == nullptr ? 0 : mask + 1; }
  };

  Node* find_in(std::string_view key, uint64_t key_hash) const;
  template <typename... Args>
  Node* add(std::string_view key, uint64_t key_hash, Args&&... args);
  // The link (bucket slot or chain pointer) that points to node, and the
  // table holding it.
  std::pair<Node**, Table*> link_to(Node* node, uint64_t key_hash);
  void unlink(Node* node, uint64_t key_hash);
  void rehash_on_access() {
    if (is_rehashing() && !resizing_paused_) [[unlikely]]
      rehash_buckets(1);
  }
  void rehash_buckets(size_t buckets);
  void start_resize(size_t buckets);
  void grow_if_full();
  void shrink_if_sparse();
  void finish_rehash();
  uint64_t next_random();
  // Uniform in [0, bound), bound > 0.
  uint64_t random_below(uint64_t bound);

  template <typename Visitor>
  static void visit_chain(Node* head, Visitor& visit);

  Table tables_[2];
  // The next bucket of tables_[0] to move while resizing; -1 otherwise.
  int64_t rehash_index_ = -1;
  bool resizing_paused_ = false;
  SeededHash hash_;
  uint64_t random_state_;
  // No chain is longer than this, as far as random_entry has seen; it rises
  // when a pick meets a longer chain and starts over at each resize.
  size_t chain_bound_ = chained_table_detail::kMinChainBound;
};

template <ChainedNode Node>
template <typename Visitor>
void ChainedTable<Node>::visit_chain(Node* head, Visitor& visit) {
  for (Node* node = head; node != nullptr; node = node->next_) visit(*node);
}

template <ChainedNode Node>
template <typename Visitor>
uint64_t ChainedTable<Node>::scan(uint64_t cursor, Visitor&& visit) {
  using chained_table_detail::next_cursor;
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

template <ChainedNode Node>
template <typename Visitor>
void ChainedTable<Node>::for_each(Visitor&& visit) {
  for (Table& table : tables_) {
    for (size_t bucket = 0; bucket < table.buckets(); ++bucket) {
      visit_chain(table.slots[bucket], visit);
    }
  }
}

template <ChainedNode Node>
template <typename Visitor>
size_t ChainedTable<Node>::sample(size_t count, Visitor&& visit) {
  if (empty()) return 0;
  size_t visited = 0;
  size_t empty_left = count * 10;
  for (uint64_t cursor = next_random(); visited < count && empty_left > 0; ++cursor) {
    for (size_t i = 0; i < 2 && visited < count; ++i) {
      const Table& table = tables_[i];
      if (table.slots == nullptr) continue;
      const uint64_t bucket = cursor & table.mask;
      // The old table's buckets before the rehash point are empty already.
      if (i == 0 && is_rehashing() && bucket < static_cast<uint64_t>(rehash_index_)) continue;
      Node* node = table.slots[bucket];
      if (node == nullptr && --empty_left == 0) break;
      for (; node != nullptr && visited < count; node = node->next_, ++visited) visit(*node);
    }
  }
  return visited;
}

template <ChainedNode Node>
ChainedTable<Node>::ChainedTable() : random_state_(chained_table_detail::random_seed()) {}

template <ChainedNode Node>
ChainedTable<Node>::ChainedTable(uint64_t seed)
    : hash_(seed), random_state_(chained_table_detail::splitmix64(~seed)) {}

template <ChainedNode Node>
ChainedTable<Node>::~ChainedTable() {
  clear();
}

template <ChainedNode Node>
void ChainedTable<Node>::prefetch_bucket(uint64_t key_hash) const {
  for (const Table& table : tables_) {
    if (table.slots == nullptr) break;
    __builtin_prefetch(&table.slots[key_hash & table.mask]);
  }
}

template <ChainedNode Node>
void ChainedTable<Node>::prefetch_chain(uint64_t key_hash) const {
  for (const Table& table : tables_) {
    if (table.slots == nullptr) break;
    // A node's header and its first key bytes share this line.
    if (const Node* head = table.slots[key_hash & table.mask]) __builtin_prefetch(head);
  }
}

template <ChainedNode Node>
Node* ChainedTable<Node>::find_in(std::string_view key, uint64_t key_hash) const {
  for (const Table& table : tables_) {
    if (table.slots == nullptr) break;
    for (Node* node = table.slots[key_hash & table.mask]; node != nullptr; node = node->next_) {
      const std::string_view candidate = node->key();
      if (candidate.size() == key.size() && bytes_equal(candidate.data(), key.data(), key.size())) {
        return node;
      }
    }
  }
  return nullptr;
}

template <ChainedNode Node>
Node* ChainedTable<Node>::find(std::string_view key) {
  rehash_on_access();
  if (empty()) return nullptr;
  return find_in(key, hash(key));
}

template <ChainedNode Node>
template <typename... Args>
Node* ChainedTable<Node>::insert(std::string_view key, Args&&... args) {
  rehash_on_access();
  grow_if_full();
  return add(key, hash(key), std::forward<Args>(args)...);
}

template <ChainedNode Node>
std::pair<Node*, bool> ChainedTable<Node>::find_or_insert(std::string_view key, uint64_t key_hash) {
  rehash_on_access();
  if (Node* node = find_in(key, key_hash)) return {node, false};
  grow_if_full();
  return {add(key, key_hash), true};
}

template <ChainedNode Node>
template <typename... Args>
Node* ChainedTable<Node>::add(std::string_view key, uint64_t key_hash, Args&&... args) {
  // While resizing, new keys go to the new table so the old one only empties.
  Table& table = tables_[is_rehashing() ? 1 : 0];
  Node* node = Node::create(key, std::forward<Args>(args)...);
  Node*& head = table.slots[key_hash & table.mask];
  node->next_ = head;
  head = node;
  ++table.used;
  return node;
}

template <ChainedNode Node>
bool ChainedTable<Node>::erase(std::string_view key) {
  rehash_on_access();
  if (empty()) return false;
  const uint64_t key_hash = hash(key);
  Node* node = find_in(key, key_hash);
  if (node == nullptr) return false;
  unlink(node, key_hash);
  Node::destroy(node);
  shrink_if_sparse();
  return true;
}

template <ChainedNode Node>
void ChainedTable<Node>::erase(Node* node) {
  rehash_on_access();
  unlink(node, hash(node->key()));
  Node::destroy(node);
  shrink_if_sparse();
}

template <ChainedNode Node>
template <typename Renew>
Node* ChainedTable<Node>::renew_chain_to(Node* node, Renew&& renew) {
  const uint64_t key_hash = hash(node->key());
  Table* table = link_to(node, key_hash).second;
  for (Node** link = &table->slots[key_hash & table->mask];; link = &(*link)->next_) {
    Node* current = *link;
    Node* renewed = renew(current);
    if (renewed != current) *link = renewed;
    if (current == node) return renewed;
  }
}

template <ChainedNode Node>
std::pair<Node**, typename ChainedTable<Node>::Table*> ChainedTable<Node>::link_to(
    Node* node, uint64_t key_hash) {
  for (Table& table : tables_) {
    if (table.slots == nullptr) break;
    for (Node** link = &table.slots[key_hash & table.mask]; *link != nullptr;
         link = &(*link)->next_) {
      if (*link == node) return {link, &table};
    }
  }
  assert(false && "looking for a node the table does not hold");
  return {nullptr, nullptr};
}

template <ChainedNode Node>
void ChainedTable<Node>::unlink(Node* node, uint64_t key_hash) {
  auto [link, table] = link_to(node, key_hash);
  *link = node->next_;
  --table->used;
}

template <ChainedNode Node>
void ChainedTable<Node>::clear() {
  for (Table& table : tables_) {
    for (size_t bucket = 0; bucket < table.buckets(); ++bucket) {
      Node* node = table.slots[bucket];
      while (node != nullptr) {
        Node* next = node->next_;
        Node::destroy(node);
        node = next;
      }
    }
    std::free(table.slots);
    table = Table{};
  }
  rehash_index_ = -1;
  chain_bound_ = chained_table_detail::kMinChainBound;
}

template <ChainedNode Node>
void ChainedTable<Node>::swap(ChainedTable& other) {
  std::swap(tables_, other.tables_);
  std::swap(rehash_index_, other.rehash_index_);
  std::swap(hash_, other.hash_);
  std::swap(random_state_, other.random_state_);
  std::swap(chain_bound_, other.chain_bound_);
}

template <ChainedNode Node>
void ChainedTable<Node>::grow_if_full() {
  if (is_rehashing()) return;
  Table& table = tables_[0];
  if (table.slots == nullptr) {
    table.slots = chained_table_detail::allocate_buckets<Node>(chained_table_detail::kMinBuckets);
    table.mask = chained_table_detail::kMinBuckets - 1;
  } else if (table.used >=
             table.buckets() * (resizing_paused_ ? chained_table_detail::kPausedGrowthRatio : 1)) {
    start_resize(table.buckets() * 2);
  }
}

template <ChainedNode Node>
void ChainedTable<Node>::reserve(size_t count) {
  if (size() != 0 || is_rehashing()) return;
  const size_t buckets = std::bit_ceil(std::max(count, chained_table_detail::kMinBuckets));
  Table& table = tables_[0];
  if (table.slots != nullptr && buckets <= table.buckets()) return;
  Node** slots = chained_table_detail::allocate_buckets<Node>(buckets);
  std::free(table.slots);
  table.slots = slots;
  table.mask = buckets - 1;
}

template <ChainedNode Node>
void ChainedTable<Node>::shrink_if_sparse() {
  if (is_rehashing() || resizing_paused_) return;
  const Table& table = tables_[0];
  if (table.buckets() <= chained_table_detail::kMinBuckets ||
      table.used * chained_table_detail::kShrinkRatio >= table.buckets())
    return;
  start_resize(std::max(chained_table_detail::kMinBuckets, std::bit_ceil(table.used)));
}

template <ChainedNode Node>
void ChainedTable<Node>::start_resize(size_t buckets) {
  tables_[1].slots = chained_table_detail::allocate_buckets<Node>(buckets);
  tables_[1].mask = buckets - 1;
  tables_[1].used = 0;
  rehash_index_ = 0;
  if (tables_[0].used == 0) finish_rehash();
}

template <ChainedNode Node>
void ChainedTable<Node>::rehash_buckets(size_t buckets) {
  Table& from = tables_[0];
  Table& to = tables_[1];
  size_t empty_visits_left = buckets * chained_table_detail::kEmptyVisitsPerStep;
  for (; buckets > 0 && from.used > 0; --buckets) {
    while (from.slots[rehash_index_] == nullptr) {
      ++rehash_index_;
      if (--empty_visits_left == 0) return;
    }
    Node* node = from.slots[rehash_index_];
    while (node != nullptr) {
      Node* next = node->next_;
      Node*& head = to.slots[hash(node->key()) & to.mask];
      node->next_ = head;
      head = node;
      --from.used;
      ++to.used;
      node = next;
    }
    from.slots[rehash_index_++] = nullptr;
  }
  if (from.used == 0) finish_rehash();
}

template <ChainedNode Node>
void ChainedTable<Node>::finish_rehash() {
  std::free(tables_[0].slots);
  tables_[0] = tables_[1];
  tables_[1] = Table{};
  rehash_index_ = -1;
  // The chains are all new: the bound learns them again.
  chain_bound_ = chained_table_detail::kMinChainBound;
  // Keys erased while resizing could not start a shrink; start it now.
  shrink_if_sparse();
}

template <ChainedNode Node>
bool ChainedTable<Node>::rehash_step(size_t buckets) {
  if (!is_rehashing()) shrink_if_sparse();
  if (is_rehashing()) rehash_buckets(buckets);
  return is_rehashing();
}

template <ChainedNode Node>
uint64_t ChainedTable<Node>::next_random() {
  return chained_table_detail::splitmix64(random_state_ += 0x9e3779b97f4a7c15);
}

template <ChainedNode Node>
uint64_t ChainedTable<Node>::random_below(uint64_t bound) {
  // The high half of a 64x64-bit product: no division, and a bias of at
  // most bound / 2^64.
  __extension__ using Uint128 = unsigned __int128;
  return static_cast<uint64_t>((static_cast<Uint128>(next_random()) * bound) >> 64);
}

// Rejection sampling: a uniform bucket and a uniform position below
// chain_bound_, drawn again until the position falls inside the bucket's
// chain. While no chain is longer than the bound, every node has the same
// chance per draw, 1 / (buckets * bound), whatever its chain's length; a
// walk that finds a longer chain raises the bound and draws again (until
// then that chain's tail was missed, a rare and passing bias). A pick
// costs about buckets * bound / size() draws: about 6 up to thousands of
// keys, 8 to 10 for a million (whose longest chains reach 8), 32 in a table
// just sparse enough to shrink.
template <ChainedNode Node>
Node* ChainedTable<Node>::random_entry() {
  rehash_on_access();
  if (empty()) return nullptr;
  // While resizing, buckets of the old table before rehash_index_ are
  // empty; draw from the rest of it and the whole new table.
  const size_t first = is_rehashing() ? static_cast<size_t>(rehash_index_) : 0;
  const size_t old_buckets = tables_[0].buckets();
  const size_t candidates = old_buckets - first + tables_[1].buckets();
  for (;;) {
    const size_t bucket = first + random_below(candidates);
    Node* node =
        bucket < old_buckets ? tables_[0].slots[bucket] : tables_[1].slots[bucket - old_buckets];
    if (node == nullptr) continue;
    const size_t position = random_below(chain_bound_);
    Node* picked = nullptr;
    size_t length = 0;
    for (; node != nullptr; node = node->next_, ++length) {
      if (length == position) picked = node;
    }
    if (length > chain_bound_) {
      chain_bound_ = length;
    } else if (picked != nullptr) {
      return picked;
    }
  }
}

}  // namespace fkvs
