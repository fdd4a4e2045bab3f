#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "tools/benchmark/load_generator.h"
#include "tools/benchmark/options.h"

namespace fkvs::benchmark {

// What redis-benchmark prints above each test's figures.
struct ServerSettings {
  std::string save;
  std::string appendonly;
};

// redis-benchmark 7.0's --csv header; existing scripts key on it.
inline constexpr std::string_view kCsvHeader =
    "\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\","
    "\"p95_latency_ms\",\"p99_latency_ms\",\"max_latency_ms\"";

// The report of one test in redis-benchmark's layouts: the full one (header
// block, percentile and cumulative distributions, summary with p99.9 added),
// -q's one line, or a --csv row.
std::string full_report(std::string_view title, const RunResult& result,
                        const BenchmarkOptions& options, const ServerSettings& settings);
std::string quiet_line(std::string_view title, const RunResult& result,
                       const BenchmarkOptions& options);
std::string csv_row(std::string_view title, const RunResult& result,
                    const BenchmarkOptions& options);

}  // namespace fkvs::benchmark
