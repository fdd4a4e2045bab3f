#include "server/latency_monitor.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "server/latency_doctor.h"
#include "server/latency_graph.h"

namespace fkvs {
namespace {

constexpr int64_t kStart = 1796597063;

TEST_CASE("latency_monitor: one sample per second, the worst of it, and the worst ever") {
  LatencyMonitor monitor;
  monitor.add("command", 20, kStart);
  monitor.add("command", 50, kStart);
  monitor.add("command", 30, kStart);
  monitor.add("command", 10, kStart + 1);
  const LatencyMonitor::Series* series = monitor.find("command");
  REQUIRE(series != nullptr);
  CHECK(series->max_ms == 50);
  CHECK(series->latest().unix_s == kStart + 1);
  CHECK(series->latest().latency_ms == 10);
  const auto history = series->history();
  REQUIRE(history.size() == 2);
  CHECK(history[0].unix_s == kStart);
  CHECK(history[0].latency_ms == 50);
  CHECK(history[1].latency_ms == 10);
  CHECK(monitor.find("fork") == nullptr);
}

TEST_CASE("latency_monitor: the history keeps the last 160 seconds, oldest first") {
  LatencyMonitor monitor;
  for (int64_t i = 0; i < 200; ++i)
    monitor.add("expire-cycle", static_cast<uint64_t>(i), kStart + i);
  const auto history = monitor.find("expire-cycle")->history();
  REQUIRE(history.size() == LatencyMonitor::kHistoryLength);
  CHECK(history.front().unix_s == kStart + 40);
  CHECK(history.back().unix_s == kStart + 199);
  CHECK(monitor.find("expire-cycle")->max_ms == 199);
}

TEST_CASE("latency_monitor: RESET forgets the named events, or all, and counts them") {
  LatencyMonitor monitor;
  monitor.add("command", 5, kStart);
  monitor.add("fork", 5, kStart);
  monitor.add("aof-write", 5, kStart);
  const std::vector<std::string_view> named = {"fork", "nosuch", "fork"};
  CHECK(monitor.reset(named) == 1);
  CHECK(monitor.events().size() == 2);
  CHECK(monitor.reset({}) == 2);
  CHECK(monitor.events().empty());
}

TEST_CASE("latency_graph: Redis's layout, bars, a blank row and ages written downwards") {
  LatencyMonitor monitor;
  monitor.add("command", 59, kStart);
  monitor.add("command", 20, kStart + 1);
  const std::string graph = latency_graph("command", *monitor.find("command"), kStart + 1);
  // What redis-server 7.0.15 printed for the same two samples.
  CHECK(graph == "command - high 59 ms, low 20 ms (all time high 59 ms)\n" + std::string(80, '-') +
                     "\n# \n| \n| \n|_\n  \n10\nss\n");
}

TEST_CASE("latency_graph: past 80 samples a second block follows; ages in m, h and d") {
  LatencyMonitor monitor;
  for (int64_t i = 0; i < 90; ++i) monitor.add("fork", 7, kStart + i);
  const std::string graph = latency_graph("fork", *monitor.find("fork"), kStart + 89 + 2 * 86400);
  CHECK(graph.find("\n\n") != std::string::npos);
  CHECK(graph.find("high 7 ms, low 7 ms") != std::string::npos);
  // All equal: every bar sits on the bottom row.
  CHECK(graph.find(std::string(80, '_') + "\n") != std::string::npos);
  CHECK(graph.find(std::string(80, '2') + "\n") != std::string::npos);
  CHECK(graph.find(std::string(80, 'd') + "\n") != std::string::npos);
}

TEST_CASE("latency_doctor: disabled, quiet, and a report with its advice") {
  LatencyMonitor monitor;
  LatencyDoctorSettings settings;
  settings.slowlog_log_slower_than_us = 10000;
  settings.slowlog_max_len = 128;
  CHECK(latency_doctor(monitor, settings).starts_with("I'm sorry, Dave, I can't do that."));
  settings.latency_monitor_threshold_ms = 1;
  CHECK(latency_doctor(monitor, settings).starts_with("Dave, no latency spike was observed"));
  monitor.add("command", 59, kStart);
  monitor.add("command", 20, kStart + 1);
  settings.now_s = kStart + 1;
  // What redis-server 7.0.15 printed for the same samples and settings.
  CHECK(latency_doctor(monitor, settings) ==
        "Dave, I have observed latency spikes in this Redis instance. You don't mind talking "
        "about it, do you Dave?\n\n"
        "1. command: 2 latency spikes (average 39ms, mean deviation 19ms, period 0.50 sec). "
        "Worst all time event 59ms.\n\n"
        "I have a few advices for you:\n\n"
        "- Your current Slow Log configuration only logs events that are slower than your "
        "configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than "
        "1000'.\n"
        "- Check your Slow Log to understand what are the commands you are running which are too "
        "slow to execute. Please check https://redis.io/commands/slowlog for more information.\n"
        "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a "
        "blocking operation. If you have very large objects that are often deleted, expired, or "
        "evicted, try to fragment those objects into multiple smaller objects.\n");
}

TEST_CASE("latency_doctor: transparent huge pages are advised against, events or not") {
  LatencyMonitor monitor;
  LatencyDoctorSettings settings;
  settings.latency_monitor_threshold_ms = 1;
  settings.anonymous_huge_pages = true;
  const std::string report = latency_doctor(monitor, settings);
  CHECK(
      report.starts_with("\nI have a few advices for you:\n\n- I detected a non zero amount of "
                         "anonymous huge pages"));
}

TEST_CASE("latency_doctor: an event with no advice of its own says so") {
  LatencyMonitor monitor;
  monitor.add("aof-write", 3, kStart);
  LatencyDoctorSettings settings;
  settings.latency_monitor_threshold_ms = 1;
  settings.now_s = kStart;
  const std::string report = latency_doctor(monitor, settings);
  CHECK(report.find("1. aof-write: 1 latency spikes (average 3ms, mean deviation 0ms, period "
                    "1.00 sec). Worst all time event 3ms.\n") != std::string::npos);
  CHECK(report.ends_with("providing this report in your help request.\n"));
}

}  // namespace
}  // namespace fkvs
