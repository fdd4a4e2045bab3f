#include "util/clock.h"

#include <ctime>

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

}  // namespace fkvs::clock
