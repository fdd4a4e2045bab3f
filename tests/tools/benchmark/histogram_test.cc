#include "tools/benchmark/histogram.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

using fkvs::benchmark::LatencyHistogram;

namespace {

uint64_t exact_percentile(const std::vector<uint64_t>& sorted, double percentile) {
  double wanted = std::ceil(percentile / 100.0 * static_cast<double>(sorted.size()));
  size_t rank = std::max<size_t>(1, static_cast<size_t>(wanted));
  return sorted[rank - 1];
}

}  // namespace

TEST_CASE("benchmark histogram: every value falls in a bucket whose bounds hold it") {
  size_t previous = 0;
  for (uint64_t value = 0; value < (uint64_t{1} << 22); value += 1 + value / 300) {
    size_t bucket = LatencyHistogram::bucket_of(value);
    CHECK(bucket >= previous);
    previous = bucket;
    CHECK(LatencyHistogram::bucket_upper_bound(bucket) >= value);
    if (bucket > 0) CHECK(LatencyHistogram::bucket_upper_bound(bucket - 1) < value);
    // The relative width of a bucket is the precision promised: 1/256.
    CHECK(LatencyHistogram::bucket_upper_bound(bucket) - value <= value / 256);
  }
  CHECK(LatencyHistogram::bucket_of(UINT64_MAX) == LatencyHistogram::kBuckets - 1);
}

TEST_CASE("benchmark histogram: small values are exact") {
  LatencyHistogram histogram;
  for (uint64_t value : {7, 3, 200, 3, 255}) histogram.record(value);
  CHECK(histogram.count() == 5);
  CHECK(histogram.min() == 3);
  CHECK(histogram.max() == 255);
  CHECK(histogram.mean() == doctest::Approx(93.6));
  CHECK(histogram.value_at_percentile(0) == 3);
  CHECK(histogram.value_at_percentile(40) == 3);
  CHECK(histogram.value_at_percentile(41) == 7);
  CHECK(histogram.value_at_percentile(80) == 200);
  CHECK(histogram.value_at_percentile(100) == 255);
  CHECK(histogram.count_at_or_below(6) == 2);
  CHECK(histogram.count_at_or_below(7) == 3);
}

TEST_CASE("benchmark histogram: percentiles match sorted samples within 1/256") {
  const uint32_t seed = 20261202;
  std::printf("benchmark histogram seed %u\n", seed);
  std::mt19937_64 random(seed);
  // Log-normal around 200 us with a long tail, as latencies are.
  std::lognormal_distribution<double> latency(std::log(200'000.0), 1.2);
  std::vector<uint64_t> samples;
  LatencyHistogram first_half, second_half;
  for (int i = 0; i < 100000; ++i) {
    uint64_t value = static_cast<uint64_t>(latency(random));
    samples.push_back(value);
    (i % 2 ? first_half : second_half).record(value);
  }
  LatencyHistogram histogram;
  histogram.merge(first_half);
  histogram.merge(second_half);
  std::sort(samples.begin(), samples.end());
  CHECK(histogram.count() == samples.size());
  CHECK(histogram.min() == samples.front());
  CHECK(histogram.max() == samples.back());
  double sum = 0;
  for (uint64_t value : samples) sum += static_cast<double>(value);
  CHECK(histogram.mean() == doctest::Approx(sum / samples.size()));
  for (double p : {0.0, 1.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.9, 99.99, 100.0}) {
    CAPTURE(p);
    uint64_t exact = exact_percentile(samples, p);
    uint64_t reported = histogram.value_at_percentile(p);
    CHECK(reported >= exact);
    CHECK(reported <= exact + exact / 256);
  }
}

TEST_CASE("benchmark histogram: a count records that many equal samples") {
  LatencyHistogram histogram;
  histogram.record(1'000'000, 99);
  histogram.record(5'000'000);
  CHECK(histogram.count() == 100);
  CHECK(histogram.mean() == doctest::Approx(1'040'000.0));
  CHECK(histogram.value_at_percentile(99) <= 1'000'000 + 1'000'000 / 256);
  CHECK(histogram.value_at_percentile(99.5) == 5'000'000);
  CHECK(histogram.count_at_or_below(1'000'000) == 99);
}

TEST_CASE("benchmark histogram: empty and enormous values") {
  LatencyHistogram histogram;
  CHECK(histogram.count() == 0);
  CHECK(histogram.min() == 0);
  CHECK(histogram.value_at_percentile(50) == 0);
  histogram.record(uint64_t{1} << 50);
  CHECK(histogram.max() == uint64_t{1} << 50);
  CHECK(histogram.value_at_percentile(50) == uint64_t{1} << 50);
}
