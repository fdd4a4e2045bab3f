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

}  // namespace fkvs::clock
