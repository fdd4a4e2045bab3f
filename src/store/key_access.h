#pragma once

#include <cstdint>

namespace fkvs::key_access {

// What a key's 32-bit access stamp records, for OBJECT IDLETIME / FREQ and
// for the eviction of maxmemory-policy:
// - LRU (every policy but the LFU ones): the unix second of the last access.
// - LFU: Redis's logarithmic access counter in the low 8 bits (a key read
//   often saturates near 255; new keys start at kNewKeyCounter so they are
//   not evicted at once), and above it the 16-bit minute the counter last
//   decayed at: it loses one per lfu-decay-time minutes without access.
// Switching policy at runtime reads the old stamps the other way until keys
// are touched again, as in Redis.
struct Settings {
  bool lfu = false;
  int log_factor = 10;    // lfu-log-factor: higher needs more hits per count
  int decay_minutes = 1;  // lfu-decay-time: 0 never decays
};
inline Settings settings;

inline constexpr uint8_t kNewKeyCounter = 5;

// The stamp of a key created now.
uint32_t created(uint32_t now_s);
// The stamp of an LFU key accessed now: decayed, then counted.
uint32_t accessed_lfu(uint32_t stamp, uint32_t now_s);
// The stamp of a key accessed now, under the current settings.
inline uint32_t accessed(uint32_t stamp, uint32_t now_s) {
  return settings.lfu ? accessed_lfu(stamp, now_s) : now_s;
}

// LRU: seconds since the last access.
uint32_t idle_seconds(uint32_t stamp, uint32_t now_s);
// LFU: the counter as it stands now, after decay.
uint8_t counter(uint32_t stamp, uint32_t now_s);
// LFU: a stamp holding counter as of now (RESTORE ... FREQ).
uint32_t with_counter(uint8_t counter, uint32_t now_s);

}  // namespace fkvs::key_access
