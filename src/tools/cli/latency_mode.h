#pragma once

#include <string>

#include "tools/cli/session.h"

namespace fkvs::cli {

// One --latency line: "min: 0, max: 1, avg: 0.12 (97 samples)" in the TTY
// format (no newline: the next sample overwrites it), "0 1 0.12 97\n" raw and
// "0,1,0.12,97\n" in CSV. Times are whole milliseconds, as redis-cli's are.
std::string format_latency(OutputMode mode, long long min, long long max, double avg,
                           long long samples);

// --latency and --latency-history: PING every 10 ms and keep min, max and
// average. On a terminal the line is redrawn forever; otherwise --latency
// prints one line after interval_s (1 s by default) and exits, and history
// prints every sample. History starts over every interval_s (15 s by
// default) after a " -- 15.00 seconds range" line. Returns the exit status.
int run_latency(Session& session, bool history, double interval_s);

}  // namespace fkvs::cli
