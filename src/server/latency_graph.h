#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "server/latency_monitor.h"

namespace fkvs {

// LATENCY GRAPH's text, laid out as Redis 7.0 lays it out: a title line with
// the high, low and all-time high, 80 dashes, then the samples as columns of
// four rows of bars, a blank row, and under each column how long ago it was
// ("5s", "2m", "1h", "3d") written downwards; past 80 samples another block
// follows after an empty line.
std::string latency_graph(std::string_view event, const LatencyMonitor::Series& series,
                          int64_t now_s);

}  // namespace fkvs
