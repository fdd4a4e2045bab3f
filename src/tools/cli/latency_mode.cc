#include "tools/cli/latency_mode.h"

#include <chrono>
#include <cstdio>
#include <thread>

namespace fkvs::cli {
namespace {

constexpr auto kSampleEvery = std::chrono::milliseconds(10);
constexpr long long kDefaultHistoryMs = 15000;
constexpr long long kDefaultRunMs = 1000;

// Wall-clock milliseconds: redis-cli measures each PING with its mstime().
long long now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

}  // namespace

std::string format_latency(OutputMode mode, long long min, long long max, double avg,
                           long long samples) {
  char line[160];
  switch (mode) {
    case OutputMode::kTty:
      std::snprintf(line, sizeof(line), "min: %lld, max: %lld, avg: %.2f (%lld samples)", min, max,
                    avg, samples);
      break;
    case OutputMode::kCsv:
      std::snprintf(line, sizeof(line), "%lld,%lld,%.2f,%lld\n", min, max, avg, samples);
      break;
    case OutputMode::kRaw:
      std::snprintf(line, sizeof(line), "%lld %lld %.2f %lld\n", min, max, avg, samples);
      break;
  }
  return line;
}

int run_latency(Session& session, bool history, double interval_s) {
  long long interval_ms = static_cast<long long>(interval_s * 1000);
  long long history_ms = interval_ms > 0 ? interval_ms : kDefaultHistoryMs;
  long long run_ms = interval_ms > 0 ? interval_ms : kDefaultRunMs;
  bool tty = session.mode() == OutputMode::kTty;

  long long min = 0, max = 0, total = 0, samples = 0;
  long long period_start = now_ms();
  while (true) {
    long long start = now_ms();
    tools::RedisReply reply = tools::run_command(session.context(), {"PING"});
    if (!reply) {
      std::fputs("\nI/O error\n", stderr);
      return 1;
    }
    long long latency = now_ms() - start;
    ++samples;
    if (samples == 1) {
      min = max = total = latency;
    } else {
      min = std::min(min, latency);
      max = std::max(max, latency);
      total += latency;
    }
    double avg = static_cast<double>(total) / static_cast<double>(samples);

    if (tty) {
      print("\x1b[0G\x1b[2K" + format_latency(session.mode(), min, max, avg, samples));
    } else if (history) {
      print(format_latency(session.mode(), min, max, avg, samples));
    } else if (now_ms() - period_start > run_ms) {
      print(format_latency(session.mode(), min, max, avg, samples));
      return 0;
    }
    if (history && now_ms() - period_start > history_ms) {
      char line[64];
      std::snprintf(line, sizeof(line), " -- %.2f seconds range\n",
                    static_cast<double>(now_ms() - period_start) / 1000);
      print(line);
      period_start = now_ms();
      min = max = total = samples = 0;
    }
    std::this_thread::sleep_for(kSampleEvery);
  }
}

}  // namespace fkvs::cli
