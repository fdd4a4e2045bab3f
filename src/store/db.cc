#include "store/db.h"

#include <algorithm>

#include "util/clock.h"

namespace fkvs {
namespace {

// Keys with a TTL the active cycle draws per round.
constexpr size_t kExpireSampleSize = 20;
// Another round follows only while more than 1 in this many of a sample had
// expired; below that, the rest waits for the next cycle.
constexpr size_t kExpireContinueRatio = 4;
// The weight of one cycle in the running expired_stale_perc estimate.
constexpr double kStalePercWeight = 0.05;
// SCAN visits at most this many buckets per key asked for, so a sparse
// table still answers promptly.
constexpr size_t kScanBucketsPerKey = 10;
// Buckets moved between clock reads when rehashing in idle time.
constexpr size_t kRehashBucketsPerCheck = 100;

}  // namespace

Db::Db(KeyspaceStats& stats, int index, KeyspaceListener* listener)
    : stats_(stats), index_(index), listener_(listener), random_(std::random_device{}()) {}

Db::~Db() = default;

bool Db::is_expired(const Entry& entry, int64_t now_ms) const {
  return entry.has_ttl() && ttl_slots_[entry.ttl_slot_].expire_at_ms < now_ms && !expiry_paused_;
}

void Db::expire(Entry* entry) {
  if (reclaiming_held_) [[unlikely]]
    return;
  // The listener hears before the entry (and its key bytes) go.
  reclaimed(entry->key());
  erase(entry, expire_lazily_);
}

void Db::reclaimed(std::string_view key) {
  if (listener_ != nullptr) listener_->key_expired(index_, key);
  ++stats_.expired_keys;
}

void Db::created(const Entry* entry) {
  if (listener_ != nullptr) listener_->key_created(index_, entry->key());
}

Entry* Db::find_live(std::string_view key) {
  Entry* entry = table_.find(key);
  if (entry != nullptr && is_expired(*entry, clock::now_ms())) {
    expire(entry);
    return nullptr;
  }
  return entry;
}

Entry* Db::find(std::string_view key) {
  Entry* entry = find_live(key);
  if (entry != nullptr) mark_accessed(*entry);
  return entry;
}

void Db::count_miss(std::string_view key) {
  ++stats_.keyspace_misses;
  if (listener_ != nullptr) listener_->key_missed(index_, key);
}

Entry* Db::lookup_read(std::string_view key) { return count_lookup(key, find(key)); }

Entry* Db::lookup_read_no_touch(std::string_view key) { return count_lookup(key, find_live(key)); }

std::pair<Entry*, bool> Db::find_or_insert(std::string_view key) {
  auto [entry, inserted] = table_.find_or_insert(key);
  if (inserted) {
    mark_created(*entry);
  } else {
    mark_accessed(*entry);
  }
  if (!inserted && is_expired(*entry, clock::now_ms())) {
    // Reuse the entry as the new key rather than freeing and reallocating it.
    reclaimed(key);
    remove_ttl_slot(entry);
    entry->value() = Value();
    mark_created(*entry);
    inserted = true;
  }
  if (inserted) created(entry);
  return {entry, inserted};
}

std::pair<Entry*, bool> Db::insert_absent(std::string_view key, uint64_t key_hash, Value&& value) {
  auto [entry, inserted] = table_.find_or_insert(key, key_hash);
  if (!inserted) return {entry, false};
  mark_created(*entry);
  entry->value() = std::move(value);
  created(entry);
  return {entry, true};
}

Entry* Db::insert(std::string_view key, Value&& value) {
  auto [entry, inserted] = table_.find_or_insert(key);
  if (!inserted && entry->has_ttl()) {
    if (is_expired(*entry, clock::now_ms())) {
      reclaimed(key);
      inserted = true;
    }
    remove_ttl_slot(entry);
  }
  // A new value: its page is written anyway. The LFU counter of a key that
  // lives on carries over, as in Redis.
  if (inserted || !key_access::settings.lfu) {
    mark_created(*entry);
  } else {
    entry->access_stamp_ = key_access::accessed(entry->access_stamp_, clock::now_s());
  }
  if (!inserted && replace_lazily_ && lazy_free_ != nullptr) {
    lazy_free_->release(std::move(entry->value()));
  }
  entry->value() = std::move(value);
  if (inserted) created(entry);
  return entry;
}

bool Db::erase(std::string_view key, bool lazily) {
  Entry* entry = table_.find(key);
  if (entry == nullptr) return false;
  if (is_expired(*entry, clock::now_ms())) {
    expire(entry);
    return false;
  }
  erase(entry, lazily);
  return true;
}

bool Db::holds_expired(std::string_view key) {
  Entry* entry = table_.find(key);
  return entry != nullptr && is_expired(*entry, clock::now_ms());
}

void Db::erase(Entry* entry, bool lazily) {
  if (lazily && lazy_free_ != nullptr) lazy_free_->release(std::move(entry->value()));
  if (entry->has_ttl()) remove_ttl_slot(entry);
  table_.erase(entry);
}

void Db::clear(bool lazily) {
  if (lazily && lazy_free_ != nullptr && !table_.empty()) {
    auto taken = std::make_unique<KeyTable>();
    taken->swap(table_);
    lazy_free_->release(std::move(taken));
  } else {
    table_.clear();
  }
  std::vector<TtlSlot>().swap(ttl_slots_);
}

int64_t Db::expire_at(const Entry* entry) const {
  return entry->has_ttl() ? ttl_slots_[entry->ttl_slot_].expire_at_ms : -1;
}

void Db::set_idle_seconds(Entry* entry, int64_t seconds) {
  const int64_t now_s = clock::now_s();
  entry->access_stamp_ = static_cast<uint32_t>(std::max<int64_t>(now_s - seconds, 0));
}

void Db::set_access_counter(Entry* entry, uint8_t counter) {
  entry->access_stamp_ = key_access::with_counter(counter, clock::now_s());
}

void Db::set_expire(Entry* entry, int64_t unix_ms) {
  if (entry->has_ttl()) {
    ttl_slots_[entry->ttl_slot_].expire_at_ms = unix_ms;
    return;
  }
  entry->ttl_slot_ = static_cast<uint32_t>(ttl_slots_.size());
  ttl_slots_.push_back({entry, unix_ms});
}

bool Db::persist(Entry* entry) {
  if (!entry->has_ttl()) return false;
  remove_ttl_slot(entry);
  return true;
}

void Db::remove_ttl_slot(Entry* entry) {
  // Fill the hole with the last slot, so the array stays dense.
  const uint32_t slot = entry->ttl_slot_;
  const TtlSlot last = ttl_slots_.back();
  ttl_slots_[slot] = last;
  last.entry->ttl_slot_ = slot;
  ttl_slots_.pop_back();
  entry->ttl_slot_ = Entry::kNoTtl;
  // Give memory back after mass expiry; shrinking at a quarter keeps the
  // copying amortised O(1).
  if (ttl_slots_.capacity() > 1024 && ttl_slots_.size() < ttl_slots_.capacity() / 4) {
    ttl_slots_.shrink_to_fit();
  }
}

// The entries before entry in its chain move too: otherwise the one that
// points to it would be written, copying its page.
Entry* Db::relocate(Entry* entry) {
  return table_.renew_chain_to(entry, [this](Entry* node) {
    if (node->made_since_fork()) return node;
    Entry* copy = Entry::relocated(*node);
    if (copy->has_ttl()) ttl_slots_[copy->ttl_slot_].entry = copy;
    // The bytes only: the copy owns the value now.
    shared_pages::release(node);
    return copy;
  });
}

uint64_t Db::scan(uint64_t cursor, size_t count, const std::function<void(Entry&)>& visit) {
  const int64_t now_ms = clock::now_ms();
  std::vector<Entry*> expired;
  size_t visited = 0;
  size_t buckets_left = std::max<size_t>(count, 1) * kScanBucketsPerKey;
  do {
    cursor = table_.scan(cursor, [&](Entry& entry) {
      if (is_expired(entry, now_ms)) {
        expired.push_back(&entry);
      } else {
        visit(entry);
        ++visited;
      }
    });
  } while (cursor != 0 && visited < count && --buckets_left > 0);
  // Deleting may move rehashing along, which the table allows only between
  // scan calls.
  for (Entry* entry : expired) expire(entry);
  return cursor;
}

void Db::for_each(const std::function<void(Entry&)>& visit) {
  const int64_t now_ms = clock::now_ms();
  std::vector<Entry*> expired;
  table_.for_each([&](Entry& entry) {
    if (is_expired(entry, now_ms)) {
      expired.push_back(&entry);
    } else {
      visit(entry);
    }
  });
  for (Entry* entry : expired) expire(entry);
}

void Db::for_each_held(const std::function<void(const Entry&)>& visit) const {
  // ChainedTable's walk is not const, but it changes nothing.
  const_cast<KeyTable&>(table_).for_each([&](const Entry& entry) { visit(entry); });
}

Entry* Db::random_entry() {
  const int64_t now_ms = clock::now_ms();
  // While expired keys are not reclaimed, a table full of them would keep
  // offering them: after this many draws, any live key will do.
  constexpr int kDrawsWhileHeld = 100;
  int draws_left = kDrawsWhileHeld;
  while (Entry* entry = table_.random_entry()) {
    if (!is_expired(*entry, now_ms)) return entry;
    expire(entry);
    if (reclaiming_held_ && --draws_left == 0) return first_live_entry(now_ms);
  }
  return nullptr;
}

Entry* Db::first_live_entry(int64_t now_ms) {
  Entry* live = nullptr;
  table_.for_each([&](Entry& entry) {
    if (live == nullptr && !is_expired(entry, now_ms)) live = &entry;
  });
  return live;
}

size_t Db::active_expire(int64_t now_ms, int64_t budget_us) {
  if (reclaiming_held_) return 0;
  const int64_t start_us = clock::monotonic_us();
  size_t sampled_total = 0;
  size_t expired_total = 0;
  while (!ttl_slots_.empty()) {
    const size_t sample = std::min(kExpireSampleSize, ttl_slots_.size());
    size_t expired = 0;
    for (size_t i = 0; i < sample; ++i) {
      const TtlSlot slot = ttl_slots_[random_() % ttl_slots_.size()];
      if (slot.expire_at_ms < now_ms) {
        expire(slot.entry);
        ++expired;
        if (ttl_slots_.empty()) break;
      }
    }
    sampled_total += sample;
    expired_total += expired;
    if (expired * kExpireContinueRatio <= sample) break;
    if (clock::monotonic_us() - start_us >= budget_us) {
      ++stats_.expired_time_cap_reached_count;
      break;
    }
  }
  if (sampled_total > 0) {
    const double stale = static_cast<double>(expired_total) / static_cast<double>(sampled_total);
    stats_.expired_stale_perc =
        stale * kStalePercWeight + stats_.expired_stale_perc * (1 - kStalePercWeight);
  }
  return expired_total;
}

void Db::rehash_step(int64_t budget_us) {
  const int64_t start_us = clock::monotonic_us();
  while (table_.rehash_step(kRehashBucketsPerCheck)) {
    if (clock::monotonic_us() - start_us >= budget_us) break;
  }
}

}  // namespace fkvs
