#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace fkvs {

class Db;
class Entry;
class Server;

// maxmemory: before a command runs, keys are evicted under maxmemory-policy
// until the memory counted against the limit fits again, as Redis does.
//
// The LRU, LFU and TTL policies sample maxmemory-samples keys of each
// database per round into a pool of the best candidates seen so far (the
// longest idle, least used or soonest to expire), and evict the best of the
// pool: an approximation that gets closer to the exact policy as the pool
// carries good candidates over from round to round. The random policies
// evict a random key from each database in turn.
//
// One call evicts for at most the time maxmemory-eviction-tenacity allows;
// what is left is evicted between loop iterations, and commands run in the
// meantime (as Redis's eviction time proc).
class Eviction {
 public:
  enum class Outcome {
    kWithinLimit,  // nothing to do, or enough was evicted
    kEvicting,     // over the limit, and eviction goes on after this command
    kOutOfMemory,  // over the limit with nothing to evict (or noeviction)
  };

  explicit Eviction(Server& server) : server_(server) {}

  // Evicts until used memory fits maxmemory or this call's time runs out.
  Outcome make_room();
  // An earlier make_room ran out of time over the limit.
  bool unfinished() const { return unfinished_; }
  // Reads maxmemory-policy and the LFU settings (at start and on CONFIG SET).
  void apply_settings();
  // While clients are paused (CLIENT PAUSE) nothing is evicted and no
  // command is refused for memory: the paused writes run after the pause.
  void set_held(bool held) { held_ = held; }

  // Memory that counts against maxmemory: used_memory less the AOF buffer,
  // which eviction cannot shrink (Redis leaves it out too), and less the
  // blocks freed while a child saves (see shared_pages).
  uint64_t counted_memory() const;

  // INFO stats.
  uint64_t evicted_keys() const { return evicted_keys_; }
  // Milliseconds spent over the limit in total, and in the current stretch.
  uint64_t total_exceeded_ms() const;
  uint64_t current_exceeded_ms() const;
  void reset_stats();

 private:
  enum class Policy {
    kNoEviction,
    kAllKeysLru,
    kAllKeysLfu,
    kAllKeysRandom,
    kVolatileLru,
    kVolatileLfu,
    kVolatileRandom,
    kVolatileTtl,
  };
  // A sampled key and how good a choice it is (higher evicts first).
  struct Candidate {
    uint64_t score = 0;
    int db = 0;
    std::string key;
  };
  static constexpr size_t kPoolSize = 16;

  bool volatile_only() const;
  // Each evicts one key, its value freed on the lazy-free thread when lazily.
  bool evict_one(bool lazily);
  bool evict_random(bool lazily);
  bool evict_from_pool(bool lazily);
  Outcome out_of_keys(uint64_t limit);
  // Samples keys of db into the pool; returns how many keys db could offer.
  size_t sample_into_pool(int db_index);
  uint64_t score(const Db& db, const Entry& entry) const;
  void consider(int db_index, const Entry& entry, uint64_t score);
  void evict(int db_index, Entry* entry, bool lazily);
  void exceeded(bool over_limit);
  // How long one make_room may evict, from maxmemory-eviction-tenacity.
  int64_t time_limit_us() const;

  Server& server_;
  Policy policy_ = Policy::kNoEviction;
  // Sorted by score, best last; pool_size_ of them in use.
  std::array<Candidate, kPoolSize> pool_;
  size_t pool_size_ = 0;
  int next_random_db_ = 0;
  bool unfinished_ = false;
  bool held_ = false;
  uint64_t evicted_keys_ = 0;
  // Monotonic start of the current stretch over the limit (0: under it).
  int64_t exceeded_since_us_ = 0;
  uint64_t total_exceeded_us_ = 0;
};

}  // namespace fkvs
