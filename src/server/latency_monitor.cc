#include "server/latency_monitor.h"

#include <utility>

namespace fkvs {

std::vector<LatencyMonitor::Sample> LatencyMonitor::Series::history() const {
  std::vector<Sample> samples;
  for (size_t i = 0; i < kHistoryLength; ++i) {
    const Sample& sample = ring[(next + i) % kHistoryLength];
    if (sample.unix_s != 0) samples.push_back(sample);
  }
  return samples;
}

void LatencyMonitor::add(std::string_view event, uint64_t latency_ms, int64_t now_s) {
  auto found = events_.find(event);
  if (found == events_.end()) found = events_.emplace(std::string(event), Series{}).first;
  Series& series = found->second;
  if (latency_ms > series.max_ms) series.max_ms = latency_ms;
  // One sample per second: a second spike in the same second raises it.
  Sample& previous = series.ring[(series.next + kHistoryLength - 1) % kHistoryLength];
  if (previous.unix_s == now_s) {
    if (latency_ms > previous.latency_ms) previous.latency_ms = latency_ms;
    return;
  }
  series.ring[series.next] = {now_s, latency_ms};
  series.next = (series.next + 1) % kHistoryLength;
}

const LatencyMonitor::Series* LatencyMonitor::find(std::string_view event) const {
  auto found = events_.find(event);
  return found == events_.end() ? nullptr : &found->second;
}

size_t LatencyMonitor::reset(std::span<const std::string_view> names) {
  if (names.empty()) return std::exchange(events_, {}).size();
  size_t removed = 0;
  for (std::string_view name : names) {
    auto found = events_.find(name);
    if (found == events_.end()) continue;
    events_.erase(found);
    ++removed;
  }
  return removed;
}

}  // namespace fkvs
