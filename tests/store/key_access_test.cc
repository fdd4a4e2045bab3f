#include "store/key_access.h"

#include <doctest/doctest.h>

namespace fkvs {
namespace {

// Each test sets the policy it needs and puts the default back.
struct LfuSettings {
  explicit LfuSettings(int log_factor = 10, int decay_minutes = 1) {
    key_access::settings = {true, log_factor, decay_minutes};
  }
  ~LfuSettings() { key_access::settings = {}; }
};

constexpr uint32_t kNow = 1'800'000'000;  // a unix second

TEST_CASE("key_access: LRU stamps are the second of the last access") {
  CHECK(key_access::created(kNow) == kNow);
  CHECK(key_access::accessed(kNow - 100, kNow) == kNow);
  CHECK(key_access::idle_seconds(kNow - 100, kNow) == 100);
  // A stamp from the future (a clock stepped back) is idle 0, not 4 billion.
  CHECK(key_access::idle_seconds(kNow + 5, kNow) == 0);
}

TEST_CASE("key_access: LFU counters start at 5 and grow with the logarithm of accesses") {
  LfuSettings lfu;
  uint32_t stamp = key_access::created(kNow);
  CHECK(key_access::counter(stamp, kNow) == key_access::kNewKeyCounter);
  uint8_t after_100 = 0;
  for (int access = 1; access <= 100'000; ++access) {
    stamp = key_access::accessed(stamp, kNow);
    if (access == 100) after_100 = key_access::counter(stamp, kNow);
  }
  const uint8_t after_100k = key_access::counter(stamp, kNow);
  // With log factor 10, going from 5 + m - 1 to 5 + m takes about 10m hits on average, so
  // about 9 after 100 hits and 145 after 100K; the coin makes both approximate.
  CHECK(after_100 >= 7);
  CHECK(after_100 <= 14);
  CHECK(after_100k >= 100);
  CHECK(after_100k < 255);
  for (int access = 0; access < 2'000'000; ++access) stamp = key_access::accessed(stamp, kNow);
  CHECK(key_access::counter(stamp, kNow) > after_100k);
}

TEST_CASE("key_access: an LFU counter loses one per lfu-decay-time minutes without access") {
  {
    LfuSettings lfu(10, 1);
    const uint32_t stamp = key_access::with_counter(20, kNow);
    CHECK(key_access::counter(stamp, kNow + 59) == 20);
    CHECK(key_access::counter(stamp, kNow + 5 * 60) == 15);
    CHECK(key_access::counter(stamp, kNow + 60 * 60) == 0);
    // An access decays first, then counts from there.
    CHECK(key_access::counter(key_access::accessed(stamp, kNow + 10 * 60), kNow + 10 * 60) <= 11);
  }
  {
    LfuSettings lfu(10, 10);
    CHECK(key_access::counter(key_access::with_counter(20, kNow), kNow + 30 * 60) == 17);
  }
  {
    LfuSettings never_decays(10, 0);
    CHECK(key_access::counter(key_access::with_counter(20, kNow), kNow + 1000 * 60) == 20);
  }
}

TEST_CASE("key_access: decay counts minutes across the 16-bit minute clock's wrap") {
  LfuSettings lfu;
  // The minute just before the wrap, and 3 minutes later.
  const uint32_t before_wrap = (65535u + 65536u * 500) * 60;
  const uint32_t stamp = key_access::with_counter(10, before_wrap);
  CHECK(key_access::counter(stamp, before_wrap + 3 * 60) == 7);
}

}  // namespace
}  // namespace fkvs
