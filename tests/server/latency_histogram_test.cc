#include "server/latency_histogram.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace fkvs {
namespace {

using Steps = std::vector<std::pair<uint64_t, uint64_t>>;

TEST_CASE("latency_histogram: buckets have Redis's HDR bounds (two significant digits)") {
  // The tops of the buckets Redis reports as p50=1.003, 3.007, 5.023, 78.335 microseconds.
  CHECK(LatencyHistogram::highest_of(LatencyHistogram::index_of(1000)) == 1003);
  CHECK(LatencyHistogram::highest_of(LatencyHistogram::index_of(3000)) == 3007);
  CHECK(LatencyHistogram::highest_of(LatencyHistogram::index_of(5000)) == 5023);
  CHECK(LatencyHistogram::highest_of(LatencyHistogram::index_of(78000)) == 78335);
  CHECK(LatencyHistogram::lowest_of(LatencyHistogram::index_of(32768)) == 32768);
  for (uint64_t ns : {0ull, 1ull, 255ull}) {
    CHECK(LatencyHistogram::lowest_of(LatencyHistogram::index_of(ns)) == ns);
    CHECK(LatencyHistogram::highest_of(LatencyHistogram::index_of(ns)) == ns);
  }
  CHECK(LatencyHistogram::index_of(LatencyHistogram::kMaxNs) < LatencyHistogram::kBucketCount);
}

TEST_CASE("latency_histogram: every value lies within its bucket, buckets in order") {
  const unsigned seed = 20261206;
  INFO("seed " << seed);
  std::mt19937_64 random(seed);
  for (int i = 0; i < 100000; ++i) {
    const uint64_t ns = random() % (LatencyHistogram::kMaxNs + 1) >> (random() % 30);
    const size_t index = LatencyHistogram::index_of(ns);
    REQUIRE(LatencyHistogram::lowest_of(index) <= ns);
    REQUIRE(ns <= LatencyHistogram::highest_of(index));
    // The error stays under 1/128 of the value, as HDR's two digits promise.
    REQUIRE((LatencyHistogram::highest_of(index) - LatencyHistogram::lowest_of(index)) * 128 <=
            std::max<uint64_t>(ns, 128));
  }
  for (size_t index = 1; index < LatencyHistogram::kBucketCount; ++index) {
    REQUIRE(LatencyHistogram::lowest_of(index) == LatencyHistogram::highest_of(index - 1) + 1);
  }
}

TEST_CASE("latency_histogram: percentiles report the top of the bucket, p0 its bottom") {
  LatencyHistogram histogram;
  CHECK(histogram.empty());
  CHECK(histogram.value_at_percentile(50) == 0);
  for (uint64_t us = 1; us <= 100; ++us) histogram.record(us * 1000);
  CHECK(histogram.total() == 100);
  CHECK(histogram.value_at_percentile(50) == 50175);
  CHECK(histogram.value_at_percentile(99) ==
        LatencyHistogram::highest_of(LatencyHistogram::index_of(99000)));
  CHECK(histogram.value_at_percentile(100) == histogram.value_at_percentile(99.999));
  CHECK(histogram.value_at_percentile(0) == 1000);
}

TEST_CASE("latency_histogram: calls past a second count as a second") {
  LatencyHistogram histogram;
  histogram.record(5 * LatencyHistogram::kMaxNs);
  CHECK(histogram.value_at_percentile(50) ==
        LatencyHistogram::highest_of(LatencyHistogram::index_of(LatencyHistogram::kMaxNs)));
}

TEST_CASE("latency_histogram: the power-of-two report lists where the count grows") {
  LatencyHistogram histogram;
  CHECK(histogram.cumulative_usec().empty());
  histogram.record(1000);
  histogram.record(7000);
  histogram.record(78000);
  // As Redis 7.0 prints them: 1, 8 and 132 microseconds (1024, 8192 and 131072 ns, each
  // taken to the top of its bucket).
  CHECK(histogram.cumulative_usec() == Steps{{1, 1}, {8, 2}, {132, 3}});
  histogram.record(LatencyHistogram::kMaxNs);
  CHECK(histogram.cumulative_usec().back() == std::pair<uint64_t, uint64_t>{1082130, 4});
  histogram.reset();
  CHECK(histogram.empty());
  CHECK(histogram.cumulative_usec().empty());
}

}  // namespace
}  // namespace fkvs
