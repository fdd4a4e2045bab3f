#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>
#include <string_view>
#include <utility>
#include <vector>

#include "store/key_access.h"
#include "store/key_table.h"
#include "store/lazy_free.h"
#include "store/shared_pages.h"
#include "store/value.h"
#include "util/clock.h"

namespace fkvs {

// Counters the keyspace feeds into INFO stats.
struct KeyspaceStats {
  uint64_t expired_keys = 0;
  // Running estimate (0..1) of the share of keys with a TTL that are expired,
  // as the active cycle sees them; INFO prints it as a percentage.
  double expired_stale_perc = 0;
  // Active cycles that stopped because their time budget ran out.
  uint64_t expired_time_cap_reached_count = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
};

// What a Db tells its owner about keys it creates, reclaims or misses on
// its own account: keyspace notifications ("new", "expired", "keymiss"),
// and WATCH, which a reclaimed key breaks.
class KeyspaceListener {
 public:
  virtual void key_created(int db, std::string_view key) = 0;
  virtual void key_expired(int db, std::string_view key) = 0;
  virtual void key_missed(int db, std::string_view key) = 0;

 protected:
  ~KeyspaceListener() = default;
};

// One logical database (SELECT n): the key table plus expiry.
//
// Every lookup applies lazy expiry against the cached clock (util/clock.h):
// an expired key is deleted and reported missing. Keys with a TTL are also
// reachable from a dense array so the active cycle can sample them in O(1).
class Db {
 public:
  // index is its number (SELECT index); listener, if any, hears of its keys.
  explicit Db(KeyspaceStats& stats, int index = 0, KeyspaceListener* listener = nullptr);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // The live entry for key, or nullptr; marks it accessed now. Does not
  // touch hit/miss counters.
  Entry* find(std::string_view key);
  // find() that also counts a keyspace hit or miss (read commands).
  Entry* lookup_read(std::string_view key);
  // lookup_read() that leaves the access time alone, as OBJECT needs to.
  Entry* lookup_read_no_touch(std::string_view key);
  // The live entry, creating it (holding an empty string, no TTL) if absent.
  // second is true when it was created.
  std::pair<Entry*, bool> find_or_insert(std::string_view key);
  // Inserts key with value, replacing any existing entry and its TTL.
  Entry* insert(std::string_view key, Value&& value);
  // Inserts key with value unless the table holds it (expired or not):
  // second is false then, and nothing changed. One lookup (loading).
  std::pair<Entry*, bool> insert_absent(std::string_view key, Value&& value) {
    return insert_absent(key, table_.hash(key), std::move(value));
  }
  // The same with key_hash, keys().hash(key), computed ahead (for prefetching).
  std::pair<Entry*, bool> insert_absent(std::string_view key, uint64_t key_hash, Value&& value);
  // An empty Db makes room for this many keys (a snapshot's RESIZEDB).
  void reserve(size_t keys) { table_.reserve(keys); }

  // The entry a write of the key's string should go to: entry itself, or,
  // while a forked child shares the page entry is on, a copy of it on a page
  // of this process that takes its place. Writing the old page would copy
  // it, and the entry's key and neighbours with it. Entries before it in its
  // chain may move too, so call this just before the write, holding no other
  // Entry*; entry is invalid afterwards.
  Entry* writable(Entry* entry) {
    if (!shared_pages::shared_with_child() || entry->made_since_fork()) [[likely]]
      return entry;
    return relocate(entry);
  }

  // Deleting a key frees its value on lazy_free's thread when lazily is set
  // and the value is big (see LazyFree).
  bool erase(std::string_view key, bool lazily = false);
  void erase(Entry* entry, bool lazily = false);
  void clear(bool lazily = false);

  // Where values freed lazily go (none: every free is immediate), and
  // whether expired keys and values replaced by insert() are freed so
  // (lazyfree-lazy-expire, lazyfree-lazy-server-del).
  void set_lazy_free(LazyFree* lazy_free) { lazy_free_ = lazy_free; }
  void set_free_lazily(bool expired, bool replaced) {
    expire_lazily_ = expired;
    replace_lazily_ = replaced;
  }

  // Whether key is in the table, expired or not; no lazy expiry (WATCH).
  bool holds(std::string_view key) { return table_.find(key) != nullptr; }
  // The entry for key, expired or not, counting and touching nothing (MEMORY USAGE).
  Entry* peek(std::string_view key) { return table_.find(key); }
  // Whether key is in the table but past its TTL, not yet reclaimed.
  bool holds_expired(std::string_view key);

  // While the AOF is replayed no key expires, as in Redis: a PEXPIREAT
  // already past followed by a PERSIST must leave the key.
  void set_expiry_paused(bool paused) { expiry_paused_ = paused; }
  // While clients are paused (CLIENT PAUSE) the dataset stays as it is, as
  // in Redis: keys past their TTL read as missing but are not reclaimed.
  void set_reclaiming_held(bool held) { reclaiming_held_ = held; }
  // While a forked child saves, nothing that only reads a key writes its
  // page, which would copy it: lookups leave access times alone (as in
  // Redis) and move no buckets of a resize (see ChainedTable).
  void set_shared_with_child(bool shared) {
    access_times_frozen_ = shared;
    table_.set_resizing_paused(shared);
  }

  // SWAPDB moved this Db to another number.
  void renumber(int index) { index_ = index; }

  // The table itself, for lookahead hints (KeyTable::prefetch_bucket).
  const KeyTable& keys() const { return table_; }
  // Keys held, including expired ones not yet reclaimed (as DBSIZE counts).
  size_t size() const { return table_.size(); }
  size_t expires_count() const { return ttl_slots_.size(); }
  // What the table itself holds apart from key bytes and values: the bucket array and each
  // entry's header (MEMORY STATS's overhead.hashtable.main).
  size_t table_overhead_bytes() const {
    return table_.bucket_count() * sizeof(Entry*) + table_.size() * sizeof(Entry);
  }
  // The index of the keys with a TTL (overhead.hashtable.expires).
  size_t expires_overhead_bytes() const { return ttl_slots_.capacity() * sizeof(TtlSlot); }

  // Absolute unix time in milliseconds; -1 when the key has no TTL. A key
  // expires once the clock is past this time, as in Redis.
  int64_t expire_at(const Entry* entry) const;
  void set_expire(Entry* entry, int64_t unix_ms);
  // RESTORE ... IDLETIME: the key was last accessed this many seconds ago.
  void set_idle_seconds(Entry* entry, int64_t seconds);
  // RESTORE ... FREQ: the key's LFU counter.
  void set_access_counter(Entry* entry, uint8_t counter);
  // Returns true when a TTL was removed.
  bool persist(Entry* entry);

  // Redis's SCAN contract: every key present for the whole scan is returned
  // at least once, even across a rehash. Returns the next cursor (0 = done).
  // Expired keys are skipped (and reclaimed). count is a hint for how many
  // keys one call should visit, as SCAN's COUNT. The visitor must not change
  // the Db.
  uint64_t scan(uint64_t cursor, size_t count, const std::function<void(Entry&)>& visit);
  // Visits every live key (KEYS); expired keys are skipped (and reclaimed).
  // The visitor must not change the Db.
  void for_each(const std::function<void(Entry&)>& visit);
  // Visits every key held, expired or not, changing nothing: a snapshot
  // (which runs in a forked child, or must not disturb the keyspace) and
  // DEBUG DIGEST.
  void for_each_held(const std::function<void(const Entry&)>& visit) const;
  // A uniformly random live key (RANDOMKEY), or nullptr when empty.
  // Expired keys it draws are reclaimed.
  Entry* random_entry();
  // For eviction: a random key held (expired or not), or one of those with a
  // TTL; nullptr when there is none. Nothing is reclaimed or touched.
  Entry* sample_key() { return table_.random_entry(); }
  // Up to count keys held, cheaply and not uniformly (see ChainedTable::sample).
  template <typename Visitor>
  size_t sample_keys(size_t count, Visitor&& visit) {
    return table_.sample(count, visit);
  }
  Entry* sample_key_with_ttl() {
    return ttl_slots_.empty() ? nullptr : ttl_slots_[random_() % ttl_slots_.size()].entry;
  }

  // One bounded step of the active expiry cycle: samples keys with a TTL and
  // deletes the expired ones until the time budget ends or few are expiring.
  // Returns how many keys were deleted.
  size_t active_expire(int64_t now_ms, int64_t budget_us);
  // Moves incremental rehashing along when the server is idle.
  void rehash_step(int64_t budget_us);

 private:
  // find() without marking the entry accessed.
  Entry* find_live(std::string_view key);
  void mark_accessed(Entry& entry) const {
    if (!access_times_frozen_) [[likely]]
      entry.access_stamp_ = key_access::accessed(entry.access_stamp_, clock::now_s());
  }
  static void mark_created(Entry& entry) {
    entry.access_stamp_ = key_access::created(clock::now_s());
  }
  // Counts a hit, or a miss (which the listener hears of); returns entry.
  Entry* count_lookup(std::string_view key, Entry* entry) {
    if (entry != nullptr) [[likely]] {
      ++stats_.keyspace_hits;
      return entry;
    }
    count_miss(key);
    return nullptr;
  }
  void count_miss(std::string_view key);
  void created(const Entry* entry);
  struct TtlSlot {
    Entry* entry;
    int64_t expire_at_ms;
  };

  bool is_expired(const Entry& entry, int64_t now_ms) const;
  // Some key not past its TTL, or nullptr (a walk of the whole table).
  Entry* first_live_entry(int64_t now_ms);
  // Deletes an entry found expired, counting it.
  void expire(Entry* entry);
  // An expired key is being reclaimed (erased, or its entry reused):
  // counted, and the listener told.
  void reclaimed(std::string_view key);
  void remove_ttl_slot(Entry* entry);
  Entry* relocate(Entry* entry);

  KeyspaceStats& stats_;
  int index_ = 0;
  KeyspaceListener* listener_ = nullptr;
  bool expiry_paused_ = false;
  bool reclaiming_held_ = false;
  bool access_times_frozen_ = false;
  LazyFree* lazy_free_ = nullptr;
  bool expire_lazily_ = false;
  bool replace_lazily_ = false;
  KeyTable table_;
  // Every entry with a TTL, in no order; each such entry holds its index.
  std::vector<TtlSlot> ttl_slots_;
  std::mt19937_64 random_;
};

}  // namespace fkvs
