#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace fkvs {

// A command's call durations in nanoseconds (LATENCY HISTOGRAM, INFO latencystats), with the
// resolution of the HDR histogram Redis 7.0 keeps (two significant digits, 1 ns to 1 s):
// every value below 256 has its own bucket, and each power of two above it is cut into 128
// equal buckets. So percentiles and bucket bounds come out as Redis reports them
// (p50=1.003 for 1000 ns), and recording a call is a few instructions and one increment.
class LatencyHistogram {
 public:
  // Longer calls count as this long, as in Redis.
  static constexpr uint64_t kMaxNs = 1'000'000'000;
  static constexpr int kSubBucketBits = 7;  // 128 buckets per power of two
  static constexpr size_t kBucketCount = size_t{30 - kSubBucketBits + 1} << kSubBucketBits;

  void record(uint64_t ns) {
    if (!counts_) [[unlikely]]
      counts_ = std::make_unique<uint64_t[]>(kBucketCount);
    if (ns > kMaxNs) [[unlikely]]
      ns = kMaxNs;
    ++counts_[index_of(ns)];
  }
  bool empty() const { return !counts_; }
  // The calls recorded (summed when asked: recording stays one increment).
  uint64_t total() const;
  // Frees the buckets, as CONFIG RESETSTAT does.
  void reset() { counts_.reset(); }

  // The highest value in the bucket holding the call at this percentile
  // (0..100), as Redis's hdr_value_at_percentile; 0 when empty.
  uint64_t value_at_percentile(double percentile) const;

  // Redis's power-of-two report: for each bound 1024 ns, 2048 ns, ... (taken
  // to the top of its bucket, in whole microseconds) the calls that took at
  // most that long, listed only where the count grew.
  std::vector<std::pair<uint64_t, uint64_t>> cumulative_usec() const;

  static size_t index_of(uint64_t ns) {
    const auto magnitude = static_cast<unsigned>(std::bit_width(ns | 0xff)) - 1 - kSubBucketBits;
    return (size_t{magnitude} << kSubBucketBits) + (ns >> magnitude);
  }
  static uint64_t lowest_of(size_t index) {
    const size_t magnitude = magnitude_of(index);
    return (index - (magnitude << kSubBucketBits)) << magnitude;
  }
  static uint64_t highest_of(size_t index) {
    return lowest_of(index) + (uint64_t{1} << magnitude_of(index)) - 1;
  }

 private:
  // How many low bits of a value a bucket ignores: 0 below 256, then one more per power of two.
  static size_t magnitude_of(size_t index) {
    return std::max<size_t>(index >> kSubBucketBits, 1) - 1;
  }

  // Allocated at the first call (most commands never run), so null means empty.
  std::unique_ptr<uint64_t[]> counts_;
};

}  // namespace fkvs
