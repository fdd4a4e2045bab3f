#include "server/memory_stats.h"

#include <doctest/doctest.h>

#include <string>

namespace {

using fkvs::memory_doctor_report;
using fkvs::MemoryStats;

constexpr uint64_t kMegabyte = 1024 * 1024;

// An instance of 100 MB whose allocator and process hold no more than it uses.
MemoryStats healthy() {
  MemoryStats stats;
  stats.total_allocated = stats.peak_allocated = 100 * kMegabyte;
  stats.allocator_allocated = stats.allocator_active = stats.allocator_resident =
      stats.process_rss = 100 * kMegabyte;
  stats.client_count = 1;
  stats.clients_normal = 20000;
  return stats;
}

bool mentions(const std::string& report, const std::string& issue) {
  return report.find(" * " + issue + ":") != std::string::npos;
}

TEST_CASE("memory doctor: under 5 MB there is nothing to diagnose") {
  MemoryStats stats = healthy();
  stats.total_allocated = 5 * kMegabyte - 1;
  stats.peak_allocated = 50 * kMegabyte;
  const std::string report = memory_doctor_report(stats);
  CHECK(report.starts_with("Hi Sam, this instance is empty or is using very little memory"));
  CHECK(report.ends_with("as soon as I finished rebooting.\n"));
}

TEST_CASE("memory doctor: a healthy instance") {
  CHECK(memory_doctor_report(healthy()) ==
        "Hi Sam, I can't find any memory issue in your instance. I can only account for what "
        "occurs on this base.\n");
}

TEST_CASE("memory doctor: each issue past Redis's thresholds, in Redis's order") {
  MemoryStats stats = healthy();
  stats.peak_allocated = 151 * kMegabyte;
  stats.process_rss = 200 * kMegabyte;
  stats.clients_normal = 300 * 1024;
  const std::string report = memory_doctor_report(stats);
  CHECK(report.starts_with(
      "Sam, I detected a few issues in this Redis instance memory implants:\n\n"));
  CHECK(report.ends_with("I'm here to keep you safe, Sam. I want to help you.\n"));
  CHECK(mentions(report, "Peak memory"));
  CHECK(mentions(report, "High total RSS"));
  CHECK(mentions(report, "High process RSS overhead"));
  CHECK(mentions(report, "Big client buffers"));
  CHECK_FALSE(mentions(report, "High allocator fragmentation"));
  CHECK(report.find("Peak memory") < report.find("High total RSS"));
  CHECK(report.find("High process RSS") < report.find("Big client buffers"));
}

TEST_CASE("memory doctor: a ratio past its limit needs 10 MB past it too") {
  MemoryStats stats = healthy();
  stats.total_allocated = stats.peak_allocated = stats.allocator_allocated = 6 * kMegabyte;
  stats.allocator_active = stats.allocator_resident = stats.process_rss = 12 * kMegabyte;
  CHECK(memory_doctor_report(stats).starts_with("Hi Sam, I can't find any memory issue"));
  stats.allocator_active = stats.allocator_resident = stats.process_rss = 17 * kMegabyte;
  CHECK(mentions(memory_doctor_report(stats), "High allocator fragmentation"));
}

TEST_CASE("memory stats: ratios as Redis computes them, 0 where nothing is held") {
  MemoryStats stats;
  CHECK(stats.fragmentation_ratio() == 0);
  stats.total_allocated = 100;
  stats.process_rss = 150;
  CHECK(stats.fragmentation_ratio() == doctest::Approx(1.5));
  CHECK(stats.fragmentation_bytes() == 50);
  stats.process_rss = 40;
  CHECK(stats.fragmentation_bytes() == -60);
}

}  // namespace
