#include "store/key_access.h"

namespace fkvs::key_access {
namespace {

constexpr uint32_t kCounterBits = 8;
constexpr uint32_t kCounterMask = (1u << kCounterBits) - 1;
constexpr uint32_t kMinuteMask = 0xFFFF;

uint32_t minute_of(uint32_t now_s) { return (now_s / 60) & kMinuteMask; }

// Minutes since a 16-bit minute stamp, across the wrap every ~45 days.
uint32_t minutes_since(uint32_t then, uint32_t now_s) {
  const uint32_t now = minute_of(now_s);
  return now >= then ? now - then : kMinuteMask + 1 - then + now;
}

// xorshift64: a counter increment needs a cheap coin, not a good one.
uint64_t next_random() {
  static thread_local uint64_t state = 0x9E3779B97F4A7C15;
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

uint8_t decayed(uint32_t stamp, uint32_t now_s) {
  const uint32_t count = stamp & kCounterMask;
  if (settings.decay_minutes <= 0) return static_cast<uint8_t>(count);
  const uint32_t periods =
      minutes_since(stamp >> kCounterBits, now_s) / static_cast<uint32_t>(settings.decay_minutes);
  return static_cast<uint8_t>(periods >= count ? 0 : count - periods);
}

}  // namespace

uint32_t with_counter(uint8_t count, uint32_t now_s) {
  return (minute_of(now_s) << kCounterBits) | count;
}

uint32_t created(uint32_t now_s) {
  return settings.lfu ? with_counter(kNewKeyCounter, now_s) : now_s;
}

uint8_t counter(uint32_t stamp, uint32_t now_s) { return decayed(stamp, now_s); }

// Each access counts with probability 1 / ((counter - kNewKeyCounter) *
// log_factor + 1), so the counter grows with the logarithm of the accesses.
uint32_t accessed_lfu(uint32_t stamp, uint32_t now_s) {
  uint32_t count = decayed(stamp, now_s);
  if (count < kCounterMask) {
    const double base = count > kNewKeyCounter ? count - kNewKeyCounter : 0;
    const double chance = 1.0 / (base * settings.log_factor + 1);
    const double coin = static_cast<double>(next_random() >> 11) * 0x1.0p-53;
    if (coin < chance) ++count;
  }
  return with_counter(static_cast<uint8_t>(count), now_s);
}

uint32_t idle_seconds(uint32_t stamp, uint32_t now_s) { return now_s > stamp ? now_s - stamp : 0; }

}  // namespace fkvs::key_access
