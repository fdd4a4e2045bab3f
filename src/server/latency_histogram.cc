#include "server/latency_histogram.h"

#include <algorithm>

namespace fkvs {

uint64_t LatencyHistogram::total() const {
  if (!counts_) return 0;
  uint64_t calls = 0;
  for (size_t i = 0; i < kBucketCount; ++i) calls += counts_[i];
  return calls;
}

uint64_t LatencyHistogram::value_at_percentile(double percentile) const {
  if (!counts_) return 0;
  const double share = std::min(percentile, 100.0) / 100.0;
  // Rounded to the nearest call, and at least the first one.
  const auto wanted =
      std::max<uint64_t>(1, static_cast<uint64_t>(share * static_cast<double>(total()) + 0.5));
  uint64_t seen = 0;
  for (size_t i = 0; i < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen >= wanted) return percentile == 0.0 ? lowest_of(i) : highest_of(i);
  }
  return highest_of(kBucketCount - 1);
}

std::vector<std::pair<uint64_t, uint64_t>> LatencyHistogram::cumulative_usec() const {
  std::vector<std::pair<uint64_t, uint64_t>> steps;
  const uint64_t calls = total();
  uint64_t seen = 0;
  size_t next = 0;
  for (uint64_t bound = 1024; seen < calls; bound *= 2) {
    const size_t last = std::min(index_of(bound), kBucketCount - 1);
    const uint64_t before = seen;
    for (; next <= last; ++next) seen += counts_[next];
    if (seen > before) steps.emplace_back(highest_of(index_of(bound)) / 1000, seen);
  }
  return steps;
}

}  // namespace fkvs
