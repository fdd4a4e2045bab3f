#include "server/eviction.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

#include "server/info.h"
#include "server/keyspace_events.h"
#include "server/server.h"
#include "store/db.h"
#include "store/key_access.h"
#include "store/shared_pages.h"
#include "util/clock.h"

namespace fkvs {
namespace {

// Between clock reads, keys evicted in a row.
constexpr int kEvictionsPerClockCheck = 16;

}  // namespace

void Eviction::apply_settings() {
  static constexpr std::pair<std::string_view, Policy> kPolicies[] = {
      {"noeviction", Policy::kNoEviction},          {"allkeys-lru", Policy::kAllKeysLru},
      {"allkeys-lfu", Policy::kAllKeysLfu},         {"allkeys-random", Policy::kAllKeysRandom},
      {"volatile-lru", Policy::kVolatileLru},       {"volatile-lfu", Policy::kVolatileLfu},
      {"volatile-random", Policy::kVolatileRandom}, {"volatile-ttl", Policy::kVolatileTtl},
  };
  const Config& config = server_.config();
  for (const auto& [name, policy] : kPolicies) {
    if (config.maxmemory_policy == name) policy_ = policy;
  }
  key_access::settings.lfu = policy_ == Policy::kAllKeysLfu || policy_ == Policy::kVolatileLfu;
  key_access::settings.log_factor = static_cast<int>(config.lfu_log_factor);
  key_access::settings.decay_minutes = static_cast<int>(config.lfu_decay_time);
  // Scores of another policy mean nothing to this one.
  pool_size_ = 0;
}

bool Eviction::volatile_only() const {
  return policy_ == Policy::kVolatileLru || policy_ == Policy::kVolatileLfu ||
         policy_ == Policy::kVolatileRandom || policy_ == Policy::kVolatileTtl;
}

uint64_t Eviction::counted_memory() const {
  const uint64_t used = used_memory();
  // Blocks set aside while a child saves are freed: evicting more would not
  // bring them back any sooner.
  const uint64_t not_counted = server_.aof().buffered_bytes() + shared_pages::set_aside_bytes();
  return used > not_counted ? used - not_counted : 0;
}

// Redis's progression: 50 us per step up to 10 (500 us, the default), then
// 15% more per step, and no limit at 100.
int64_t Eviction::time_limit_us() const {
  const int64_t tenacity = server_.config().maxmemory_eviction_tenacity;
  if (tenacity <= 10) return 50 * tenacity;
  if (tenacity < 100) return static_cast<int64_t>(500.0 * std::pow(1.15, tenacity - 10.0));
  return std::numeric_limits<int64_t>::max();
}

Eviction::Outcome Eviction::make_room() {
  // As Redis: skipped as if memory fitted, the stretch over the limit not counted.
  if (held_) [[unlikely]]
    return Outcome::kWithinLimit;
  const uint64_t limit = server_.config().maxmemory;
  const uint64_t used = counted_memory();
  if (limit == 0 || used <= limit) {
    unfinished_ = false;
    exceeded(false);
    return Outcome::kWithinLimit;
  }
  exceeded(true);
  unfinished_ = false;
  if (policy_ == Policy::kNoEviction) return Outcome::kOutOfMemory;
  // What each eviction frees is measured across it, as Redis does. A value
  // freed on the lazy-free thread shows up later, so then the loop also
  // stops as soon as memory is under the limit.
  const bool lazily = server_.config().lazyfree_lazy_eviction;
  const uint64_t to_free = used - limit;
  const int64_t limit_us = time_limit_us();
  const int64_t start_us = clock::monotonic_us();
  uint64_t freed = 0;
  Outcome outcome = Outcome::kWithinLimit;
  for (int evicted = 1; freed < to_free; ++evicted) {
    const uint64_t before = counted_memory();
    if (!evict_one(lazily)) {
      outcome = out_of_keys(limit);
      break;
    }
    const uint64_t after = counted_memory();
    freed += before > after ? before - after : 0;
    if (lazily && after <= limit) break;
    if (evicted % kEvictionsPerClockCheck == 0 && clock::monotonic_us() - start_us > limit_us) {
      unfinished_ = true;
      outcome = Outcome::kEvicting;
      break;
    }
  }
  server_.note_latency("eviction-cycle", clock::monotonic_us() - start_us);
  if (outcome == Outcome::kWithinLimit) exceeded(false);
  return outcome;
}

// Nothing left to evict. Values still being freed in the background may yet
// bring memory under the limit: a short wait for them, as Redis waits.
Eviction::Outcome Eviction::out_of_keys(uint64_t limit) {
  if (server_.lazy_free().pending() > 0) {
    std::this_thread::sleep_for(
        std::chrono::microseconds(std::min<int64_t>(time_limit_us(), 1000)));
    if (counted_memory() <= limit) return Outcome::kWithinLimit;
  }
  return Outcome::kOutOfMemory;
}

bool Eviction::evict_one(bool lazily) {
  if (policy_ == Policy::kAllKeysRandom || policy_ == Policy::kVolatileRandom) {
    return evict_random(lazily);
  }
  return evict_from_pool(lazily);
}

// Databases take turns, so no one database is emptied first.
bool Eviction::evict_random(bool lazily) {
  const int dbs = server_.db_count();
  for (int tried = 0; tried < dbs; ++tried) {
    const int index = next_random_db_;
    next_random_db_ = (next_random_db_ + 1) % dbs;
    Db& db = server_.db(index);
    Entry* entry = volatile_only() ? db.sample_key_with_ttl() : db.sample_key();
    if (entry != nullptr) {
      evict(index, entry, lazily);
      return true;
    }
  }
  return false;
}

bool Eviction::evict_from_pool(bool lazily) {
  for (;;) {
    size_t offered = 0;
    for (int index = 0; index < server_.db_count(); ++index) offered += sample_into_pool(index);
    if (offered == 0 && pool_size_ == 0) return false;
    // The best candidate that still exists goes; the others stay for the
    // next round. A key deleted or changed since it was sampled is dropped.
    while (pool_size_ > 0) {
      Candidate& best = pool_[--pool_size_];
      Db& db = server_.db(best.db);
      Entry* entry = db.peek(best.key);
      if (entry != nullptr && (!volatile_only() || entry->has_ttl())) {
        evict(best.db, entry, lazily);
        return true;
      }
    }
    if (offered == 0) return false;
  }
}

size_t Eviction::sample_into_pool(int db_index) {
  Db& db = server_.db(db_index);
  const size_t offered = volatile_only() ? db.expires_count() : db.size();
  if (offered == 0) return 0;
  const auto samples = static_cast<size_t>(server_.config().maxmemory_samples);
  if (volatile_only()) {
    for (size_t i = 0; i < samples; ++i) {
      const Entry* entry = db.sample_key_with_ttl();
      consider(db_index, *entry, score(db, *entry));
    }
  } else {
    db.sample_keys(samples,
                   [&](const Entry& entry) { consider(db_index, entry, score(db, entry)); });
  }
  return offered;
}

uint64_t Eviction::score(const Db& db, const Entry& entry) const {
  const uint32_t now_s = clock::now_s();
  switch (policy_) {
    case Policy::kAllKeysLfu:
    case Policy::kVolatileLfu:
      return 255 - key_access::counter(entry.access_stamp(), now_s);
    case Policy::kVolatileTtl:
      // The sooner it expires, the better.
      return std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(db.expire_at(&entry));
    default:
      return key_access::idle_seconds(entry.access_stamp(), now_s);
  }
}

void Eviction::consider(int db_index, const Entry& entry, uint64_t score) {
  const std::string_view key = entry.key();
  // Already pooled: it only moves to its new score.
  for (size_t i = 0; i < pool_size_; ++i) {
    if (pool_[i].db == db_index && pool_[i].key == key) {
      std::string held = std::move(pool_[i].key);
      std::move(pool_.begin() + i + 1, pool_.begin() + pool_size_, pool_.begin() + i);
      --pool_size_;
      pool_[pool_size_].key = std::move(held);
      break;
    }
  }
  // The first slot whose candidate is better than this one.
  size_t at = 0;
  while (at < pool_size_ && pool_[at].score < score) ++at;
  if (pool_size_ == kPoolSize) {
    if (at == 0) return;  // worse than everything pooled
    // The worst candidate makes room; the slots below at shift down.
    std::string reused = std::move(pool_[0].key);
    std::move(pool_.begin() + 1, pool_.begin() + at, pool_.begin());
    --at;
    pool_[at].key = std::move(reused);
  } else {
    // Shift the better ones up, keeping the spare slot's string buffer.
    std::string reused = std::move(pool_[pool_size_].key);
    std::move_backward(pool_.begin() + at, pool_.begin() + pool_size_,
                       pool_.begin() + pool_size_ + 1);
    pool_[at].key = std::move(reused);
    ++pool_size_;
  }
  pool_[at].score = score;
  pool_[at].db = db_index;
  pool_[at].key.assign(key);
}

// As Redis: the DEL goes out to the AOF first, then the key goes, then
// WATCH and the "evicted" event hear of it.
void Eviction::evict(int db_index, Entry* entry, bool lazily) {
  const std::string key(entry->key());
  if (server_.propagation().active()) server_.propagation().add(db_index, {"DEL", key});
  const int64_t start_us = clock::monotonic_us();
  server_.db(db_index).erase(entry, lazily);
  server_.note_latency("eviction-del", clock::monotonic_us() - start_us);
  ++evicted_keys_;
  server_.key_changed(keyspace_events::kEvicted, "evicted", key, db_index);
}

void Eviction::exceeded(bool over_limit) {
  if (over_limit == (exceeded_since_us_ != 0)) return;
  const int64_t now_us = clock::monotonic_us();
  if (over_limit) {
    exceeded_since_us_ = std::max<int64_t>(now_us, 1);
  } else {
    total_exceeded_us_ += static_cast<uint64_t>(now_us - exceeded_since_us_);
    exceeded_since_us_ = 0;
  }
}

uint64_t Eviction::current_exceeded_ms() const {
  if (exceeded_since_us_ == 0) return 0;
  return static_cast<uint64_t>(clock::monotonic_us() - exceeded_since_us_) / 1000;
}

uint64_t Eviction::total_exceeded_ms() const {
  return (total_exceeded_us_ / 1000) + current_exceeded_ms();
}

void Eviction::reset_stats() {
  evicted_keys_ = 0;
  total_exceeded_us_ = 0;
  if (exceeded_since_us_ != 0) exceeded_since_us_ = clock::monotonic_us();
}

}  // namespace fkvs
