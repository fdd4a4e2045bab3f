#pragma once

#include <cstdint>

namespace fkvs::clock {

// The wall-clock time the server works with, cached once per event-loop
// batch so every command in a batch sees the same "now" (as Redis caches
// mstime), and expiry checks cost no syscall.
int64_t now_ms();
// Whole seconds, as 32 bits: enough until 2106 and half an int64's room per key.
uint32_t now_s();
int64_t now_us();
// Reads the real clock into the cache.
void update();
// Reads the real clock without caching (for durations and start-up).
int64_t wall_us();
// Monotonic microseconds, for measuring elapsed time and budgets.
int64_t monotonic_us();

// A monotonic counter cheap enough to time every command (SLOWLOG, INFO
// commandstats): the CPU's invariant time-stamp counter, one instruction,
// where a clock read is a call; elsewhere steady-clock nanoseconds.
inline uint64_t ticks();
// How many ticks make a microsecond (measured once, over 2 ms, at first use).
double ticks_per_us();

namespace detail {
bool ticks_from_tsc();
uint64_t steady_ns();
// Decided once, at start-up, so reading ticks() checks no guard.
inline const bool tsc_is_invariant = ticks_from_tsc();
}  // namespace detail

inline uint64_t ticks() {
#if defined(__x86_64__)
  if (detail::tsc_is_invariant) [[likely]]
    return __builtin_ia32_rdtsc();
#endif
  return detail::steady_ns();
}

}  // namespace fkvs::clock
