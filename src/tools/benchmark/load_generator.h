#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "tools/benchmark/command_template.h"
#include "tools/benchmark/histogram.h"
#include "tools/benchmark/options.h"

namespace fkvs::benchmark {

struct RunResult {
  uint64_t requests = 0;  // replies received
  double seconds = 0;     // from the first connect to the last reply
  LatencyHistogram latency;
  uint64_t errors = 0;      // error replies among them
  std::string first_error;  // the first error reply's text
  std::string fatal;  // why the run stopped early (connect or I/O failure); empty if it did not
};

// Called from the coordinating thread about every 250 ms while a run lasts.
using ProgressCallback = std::function<void(uint64_t finished, double elapsed_s)>;

// Sends options.requests copies of command from options.clients connections,
// spread over options.threads threads with an epoll loop each. Every client
// writes its whole pipeline batch (options.pipeline requests) at once and
// waits for all its replies before the next; latency is measured per reply
// from that write.
std::unique_ptr<RunResult> run_benchmark(const BenchmarkOptions& options,
                                         const CommandTemplate& command,
                                         const ProgressCallback& progress);

}  // namespace fkvs::benchmark
