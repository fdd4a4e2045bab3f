#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fkvs {

// The latency monitor (LATENCY LATEST / HISTORY / RESET): for each event
// that took latency-monitor-threshold or longer ("command", "expire-cycle",
// "fork", ...), its worst time ever and a ring of its last 160 samples, at
// most one per second (the worst of that second), as Redis 7.0 keeps them.
class LatencyMonitor {
 public:
  static constexpr size_t kHistoryLength = 160;

  struct Sample {
    int64_t unix_s = 0;  // 0: an unused slot
    uint64_t latency_ms = 0;
  };
  struct Series {
    std::array<Sample, kHistoryLength> ring{};
    size_t next = 0;  // the slot the next second's sample takes
    uint64_t max_ms = 0;
    const Sample& latest() const { return ring[(next + kHistoryLength - 1) % kHistoryLength]; }
    // The samples taken, oldest first.
    std::vector<Sample> history() const;
  };

  void add(std::string_view event, uint64_t latency_ms, int64_t now_s);
  // Events by name.
  const std::map<std::string, Series, std::less<>>& events() const { return events_; }
  const Series* find(std::string_view event) const;
  // Forgets the named events (all of them when none is named); returns how
  // many of them there were.
  size_t reset(std::span<const std::string_view> names);

 private:
  std::map<std::string, Series, std::less<>> events_;
};

}  // namespace fkvs
