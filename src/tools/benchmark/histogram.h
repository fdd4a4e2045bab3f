#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace fkvs::benchmark {

// Latencies in nanoseconds, bucketed logarithmically: each power of two is
// split into kSubBuckets equal slices, so a reported value is at most 1/256
// (0.4 %) above the true one, whatever its magnitude. Values below
// kSubBuckets ns are exact. Count, sum, min and max are kept exactly.
class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 8;
  static constexpr uint64_t kSubBuckets = uint64_t{1} << kSubBucketBits;
  // 2^40 ns is some 18 minutes; anything slower lands in the top bucket.
  static constexpr int kMaxBits = 40;
  static constexpr size_t kBuckets = (kMaxBits - kSubBucketBits + 1) * kSubBuckets;

  void record(uint64_t nanos, uint64_t count = 1);
  void merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ ? static_cast<double>(sum_) / count_ : 0.0; }

  // The smallest recorded value v (to bucket precision, never below the
  // exact one) such that at least percentile % of the samples are <= v.
  uint64_t value_at_percentile(double percentile) const;
  // Samples in the buckets up to and including the one holding nanos.
  uint64_t count_at_or_below(uint64_t nanos) const;

  static size_t bucket_of(uint64_t nanos);
  // The largest value that falls into bucket.
  static uint64_t bucket_upper_bound(size_t bucket);

 private:
  std::array<uint64_t, kBuckets> buckets_{};
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
};

}  // namespace fkvs::benchmark
