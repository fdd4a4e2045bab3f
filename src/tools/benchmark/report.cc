#include "tools/benchmark/report.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>

namespace fkvs::benchmark {
namespace {

[[gnu::format(printf, 2, 3)]] void append(std::string& out, const char* format, ...) {
  char line[512];
  va_list args;
  va_start(args, format);
  int length = std::vsnprintf(line, sizeof(line), format, args);
  va_end(args);
  if (length > 0) out.append(line, std::min<size_t>(static_cast<size_t>(length), sizeof(line) - 1));
}

double ms(uint64_t nanos) { return static_cast<double>(nanos) / 1e6; }

double requests_per_second(const RunResult& result) {
  return result.seconds > 0 ? static_cast<double>(result.requests) / result.seconds : INFINITY;
}

double percent(uint64_t part, uint64_t total) {
  return total ? 100.0 * static_cast<double>(part) / static_cast<double>(total) : 0.0;
}

// Percentiles 0, 50, 75, 87.5, ... halving the distance to 100 each step, up
// to the first that reaches the slowest sample, then 100: the ladder
// redis-benchmark prints.
void percentile_distribution(std::string& out, const LatencyHistogram& latency, int precision) {
  out += "Latency by percentile distribution:\n";
  uint64_t total = latency.count();
  auto line = [&](double p, uint64_t value) {
    uint64_t below = latency.count_at_or_below(value);
    append(out, "%.3f%% <= %.*f milliseconds (cumulative count %llu)\n", p, precision, ms(value),
           static_cast<unsigned long long>(below));
    return below;
  };
  uint64_t below = line(0.0, latency.min());
  for (double rest = 50.0; below < total && rest > 1e-6; rest /= 2) {
    below = line(100.0 - rest, latency.value_at_percentile(100.0 - rest));
  }
  append(out, "100.000%% <= %.*f milliseconds (cumulative count %llu)\n", precision,
         ms(latency.max()), static_cast<unsigned long long>(total));
}

// Cumulative share at fixed thresholds: every 0.1 ms up to 2 ms, every ms to
// 100 ms, then every 10 ms and 100 ms; a line only where the count grew.
uint64_t next_threshold(uint64_t threshold) {
  if (threshold < 2'000'000) return threshold + 100'000;
  if (threshold < 100'000'000) return threshold + 1'000'000;
  if (threshold < 1'000'000'000) return threshold + 10'000'000;
  return threshold + 100'000'000;
}

void cumulative_distribution(std::string& out, const LatencyHistogram& latency, int precision) {
  out += "Cumulative distribution of latencies:\n";
  uint64_t total = latency.count();
  uint64_t shown = UINT64_MAX;
  for (uint64_t threshold = 100'000;; threshold = next_threshold(threshold)) {
    uint64_t below = latency.count_at_or_below(threshold);
    if (below != shown) {
      append(out, "%.3f%% <= %.*f milliseconds (cumulative count %llu)\n", percent(below, total),
             precision, ms(threshold), static_cast<unsigned long long>(below));
      shown = below;
    }
    if (below >= total) break;
  }
}

}  // namespace

std::string full_report(std::string_view title, const RunResult& result,
                        const BenchmarkOptions& options, const ServerSettings& settings) {
  std::string out;
  const int precision = options.precision;
  const LatencyHistogram& latency = result.latency;
  append(out, "====== %.*s ======\n", static_cast<int>(title.size()), title.data());
  append(out, "  %llu requests completed in %.2f seconds\n",
         static_cast<unsigned long long>(result.requests), result.seconds);
  append(out, "  %d parallel clients\n", options.clients);
  append(out, "  %zu bytes payload\n", options.data_size);
  append(out, "  keep alive: %d\n", options.keepalive ? 1 : 0);
  out += "  host configuration \"save\": " + settings.save + "\n";
  out += "  host configuration \"appendonly\": " + settings.appendonly + "\n";
  // No thread runs without a client of its own.
  if (int threads = std::min(options.threads, options.clients); threads > 1) {
    append(out, "  multi-thread: yes\n  threads: %d\n", threads);
  } else {
    out += "  multi-thread: no\n";
  }
  out += "\n";
  if (latency.count() > 0) {
    percentile_distribution(out, latency, precision);
    out += "\n";
    cumulative_distribution(out, latency, precision);
    out += "\n";
  }
  out += "Summary:\n";
  append(out, "  throughput summary: %.2f requests per second\n", requests_per_second(result));
  out += "  latency summary (msec):\n";
  append(out, "    %9s %9s %9s %9s %9s %9s %9s\n", "avg", "min", "p50", "p95", "p99", "p99.9",
         "max");
  append(out, "    %9.*f %9.*f %9.*f %9.*f %9.*f %9.*f %9.*f\n", precision, latency.mean() / 1e6,
         precision, ms(latency.min()), precision, ms(latency.value_at_percentile(50)), precision,
         ms(latency.value_at_percentile(95)), precision, ms(latency.value_at_percentile(99)),
         precision, ms(latency.value_at_percentile(99.9)), precision, ms(latency.max()));
  out += "\n";
  return out;
}

std::string quiet_line(std::string_view title, const RunResult& result,
                       const BenchmarkOptions& options) {
  std::string out;
  append(out, "%.*s: %.2f requests per second, p50=%.*f msec\n", static_cast<int>(title.size()),
         title.data(), requests_per_second(result), options.precision,
         ms(result.latency.value_at_percentile(50)));
  return out;
}

std::string csv_row(std::string_view title, const RunResult& result,
                    const BenchmarkOptions& options) {
  const LatencyHistogram& latency = result.latency;
  const int precision = options.precision;
  std::string quoted = "\"";
  for (char c : title) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  quoted += "\"";
  std::string out = quoted;
  append(out, ",\"%.2f\",\"%.*f\",\"%.*f\",\"%.*f\",\"%.*f\",\"%.*f\",\"%.*f\"\n",
         requests_per_second(result), precision, latency.mean() / 1e6, precision, ms(latency.min()),
         precision, ms(latency.value_at_percentile(50)), precision,
         ms(latency.value_at_percentile(95)), precision, ms(latency.value_at_percentile(99)),
         precision, ms(latency.max()));
  return out;
}

}  // namespace fkvs::benchmark
