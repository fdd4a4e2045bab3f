#include "tools/benchmark/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace fkvs::benchmark {

size_t LatencyHistogram::bucket_of(uint64_t nanos) {
  if (nanos < kSubBuckets) return static_cast<size_t>(nanos);
  int top_bit = std::bit_width(nanos) - 1;
  if (top_bit >= kMaxBits) return kBuckets - 1;
  int shift = top_bit - kSubBucketBits;
  uint64_t sub = (nanos >> shift) - kSubBuckets;
  return static_cast<size_t>((shift + 1) * kSubBuckets + sub);
}

uint64_t LatencyHistogram::bucket_upper_bound(size_t bucket) {
  if (bucket < kSubBuckets) return bucket;
  uint64_t shift = bucket / kSubBuckets - 1;
  uint64_t sub = bucket % kSubBuckets;
  return ((kSubBuckets + sub + 1) << shift) - 1;
}

void LatencyHistogram::record(uint64_t nanos, uint64_t count) {
  buckets_[bucket_of(nanos)] += count;
  count_ += count;
  sum_ += nanos * count;
  min_ = std::min(min_, nanos);
  max_ = std::max(max_, nanos);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

uint64_t LatencyHistogram::value_at_percentile(double percentile) const {
  if (count_ == 0) return 0;
  double wanted = std::ceil(std::clamp(percentile, 0.0, 100.0) / 100.0 * count_);
  uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(wanted));
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    // The bucket's bound may lie past the largest sample, or below the
    // smallest for values in the top bucket: the exact extremes are known.
    if (seen >= rank) return std::clamp(bucket_upper_bound(i), min_, max_);
  }
  return max_;
}

uint64_t LatencyHistogram::count_at_or_below(uint64_t nanos) const {
  uint64_t seen = 0;
  size_t last = bucket_of(nanos);
  for (size_t i = 0; i <= last; ++i) seen += buckets_[i];
  return seen;
}

}  // namespace fkvs::benchmark
