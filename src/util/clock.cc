#include "util/clock.h"

#include <chrono>
#include <ctime>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace fkvs::clock {
namespace {

int64_t cached_us = wall_us();

int64_t read_us(clockid_t id) {
  timespec ts;
  clock_gettime(id, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

}  // namespace

int64_t wall_us() { return read_us(CLOCK_REALTIME); }
int64_t monotonic_us() { return read_us(CLOCK_MONOTONIC); }
int64_t now_us() { return cached_us; }
int64_t now_ms() { return cached_us / 1000; }
uint32_t now_s() { return static_cast<uint32_t>(cached_us / 1000000); }
void update() { cached_us = wall_us(); }

namespace detail {

// The TSC counts at one rate whatever the core's frequency or sleep state
// only where CPUID says it is invariant.
bool ticks_from_tsc() {
#if defined(__x86_64__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(0x80000000, &eax, &ebx, &ecx, &edx) == 0 || eax < 0x80000007) return false;
  __get_cpuid(0x80000007, &eax, &ebx, &ecx, &edx);
  return (edx & (1u << 8)) != 0;
#else
  return false;
#endif
}

uint64_t steady_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace detail

double ticks_per_us() {
  // Timed in nanoseconds: a microsecond clock's rounding alone erred by up to
  // 0.05% over the 2 ms, enough for a 200 ms call to read as 199.9 ms.
  static const double rate = [] {
    const uint64_t start_ns = detail::steady_ns();
    const uint64_t start = ticks();
    uint64_t elapsed_ns = 0;
    while ((elapsed_ns = detail::steady_ns() - start_ns) < 2'000'000) {
    }
    return static_cast<double>(ticks() - start) * 1000.0 / static_cast<double>(elapsed_ns);
  }();
  return rate;
}

}  // namespace fkvs::clock
