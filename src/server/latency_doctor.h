#pragma once

#include <cstdint>
#include <string>

#include "server/latency_monitor.h"

namespace fkvs {

// What LATENCY DOCTOR's advice depends on besides the events.
struct LatencyDoctorSettings {
  int64_t latency_monitor_threshold_ms = 0;
  int64_t slowlog_log_slower_than_us = 0;
  int64_t slowlog_max_len = 0;
  double fork_rate_gb_per_s = 0;      // memory copied per second of fork(), as INFO computes it
  bool anonymous_huge_pages = false;  // the process has transparent huge pages
  int64_t now_s = 0;
};

// LATENCY DOCTOR's report, in Redis 7.0's words and layout: one numbered line
// per event (spikes, average, mean deviation, period, worst ever), then the
// advice those events call for, each piece once, in Redis's order.
std::string latency_doctor(const LatencyMonitor& monitor, const LatencyDoctorSettings& settings);

// Whether this process holds anonymous (transparent) huge pages, which Redis's
// doctor advises against: AnonHugePages in /proc/self/smaps_rollup on Linux.
bool uses_anonymous_huge_pages();

}  // namespace fkvs
