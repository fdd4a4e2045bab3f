#include "server/latency_doctor.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace fkvs {
namespace {

// The advice, in the order Redis prints it.
enum Advice {
  kBetterVm,
  kSlowlogEnabled,
  kSlowlogTuning,
  kSlowlogInspect,
  kScheduler,
  kLocalDisk,
  kSsd,
  kDataWriteback,
  kDiskContention,
  kNoAppendfsync,
  kRelaxFsyncPolicy,
  kWriteLoadInfo,
  kHz,
  kLargeObjects,
  kMassEviction,
  kDisableThp,
  kAdviceCount,
};

constexpr std::string_view kSchedulerAdvice =
    "- The system is slow to execute Redis code paths not containing system calls. This usually "
    "means the system does not provide Redis CPU time to run for long periods. You should try "
    "to:\n"
    "  1) Lower the system load.\n"
    "  2) Use a computer / VM just for Redis if you are running other software in the same "
    "system.\n"
    "  3) Check if you have a \"noisy neighbour\" problem.\n"
    "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your "
    "system.\n"
    "  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you "
    "are using Jemalloc. However this may create fragmentation problems.\n";

std::string advice_text(Advice advice, int64_t threshold_ms) {
  switch (advice) {
    case kBetterVm:
      return "- If you are using a virtual machine, consider upgrading it with a faster one using "
             "a "
             "hypervisior that provides less latency during fork() calls. Xen is known to have "
             "poor fork() performance. Even in the context of the same VM provider, certain kinds "
             "of instances can execute fork faster than others.\n";
    case kSlowlogEnabled:
      return fmt::format(
          "- There are latency issues with potentially slow commands you are using. Try to "
          "enable the Slow Log Redis feature using the command 'CONFIG SET "
          "slowlog-log-slower-than {}'. If the Slow log is disabled Redis is not able to log slow "
          "commands execution for you.\n",
          threshold_ms * 1000);
    case kSlowlogTuning:
      return fmt::format(
          "- Your current Slow Log configuration only logs events that are slower than your "
          "configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than "
          "{}'.\n",
          threshold_ms * 1000);
    case kSlowlogInspect:
      return "- Check your Slow Log to understand what are the commands you are running which are "
             "too slow to execute. Please check https://redis.io/commands/slowlog for more "
             "information.\n";
    case kScheduler:
      return std::string(kSchedulerAdvice);
    case kLocalDisk:
      return "- It is strongly advised to use local disks for persistence, especially if you are "
             "using AOF. Remote disks provided by platform-as-a-service providers are known to be "
             "slow.\n";
    case kSsd:
      return "- SSD disks are able to reduce fsync latency, and total time needed for "
             "snapshotting and AOF log rewriting (resulting in smaller memory usage). With "
             "extremely high write load SSD disks can be a good option. However Redis should "
             "perform reasonably with high load using normal disks. Use this advice as a last "
             "resort.\n";
    case kDataWriteback:
      return "- Mounting ext3/4 filesystems with data=writeback can provide a performance boost "
             "compared to data=ordered, however this mode of operation provides less guarantees, "
             "and sometimes it can happen that after a hard crash the AOF file will have a "
             "half-written command at the end and will require to be repaired before Redis "
             "restarts.\n";
    case kDiskContention:
      return "- Try to lower the disk contention. This is often caused by other disk intensive "
             "processes running in the same computer (including other Redis instances).\n";
    case kNoAppendfsync:
      return "- Assuming from the point of view of data safety this is viable in your "
             "environment, you could try to enable the 'no-appendfsync-on-rewrite' option, so "
             "that fsync will not be performed while there is a child rewriting the AOF file or "
             "producing an RDB file (the moment where there is high disk contention).\n";
    case kRelaxFsyncPolicy:
      return "- Your fsync policy is set to 'always'. It is very hard to get good performances "
             "with such a setup, if possible try to relax the fsync policy to 'onesec'.\n";
    case kWriteLoadInfo:
      return "- Latency during the AOF atomic rename operation or when the final difference is "
             "flushed to the AOF file at the end of the rewrite, sometimes is caused by very high "
             "write load, causing the AOF buffer to get very large. If possible try to send less "
             "commands to accomplish the same work, or use Lua scripts to group multiple "
             "operations into a single EVALSHA call.\n";
    case kHz:
      return "- In order to make the Redis keys expiring process more incremental, try to set the "
             "'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n";
    case kLargeObjects:
      return "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a "
             "blocking operation. If you have very large objects that are often deleted, "
             "expired, or evicted, try to fragment those objects into multiple smaller objects.\n";
    case kMassEviction:
      return "- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large "
             "objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster "
             "large keys migrations (RESTORE command), may create sudden memory pressure forcing "
             "the server to block trying to evict keys. \n";
    case kDisableThp:
      return "- I detected a non zero amount of anonymous huge pages used by your process. This "
             "creates very serious latency events in different conditions, especially when Redis "
             "is persisting on disk. To disable THP support use the command 'echo never > "
             "/sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it into "
             "/etc/rc.local so that the command will be executed again after a reboot. Note that "
             "even if you have already disabled THP, you still need to restart the Redis process "
             "to get rid of the huge pages already created.\n";
    case kAdviceCount:
      break;
  }
  return {};
}

struct EventSummary {
  int samples = 0;
  uint64_t average_ms = 0;
  uint64_t mean_deviation_ms = 0;
  int64_t period_s = 0;  // since the oldest sample, at least 1
};

EventSummary summarize(const LatencyMonitor::Series& series, int64_t now_s) {
  EventSummary summary;
  const std::vector<LatencyMonitor::Sample> samples = series.history();
  if (samples.empty()) return summary;
  uint64_t sum = 0;
  int64_t oldest = samples.front().unix_s;
  for (const auto& sample : samples) {
    sum += sample.latency_ms;
    oldest = std::min(oldest, sample.unix_s);
  }
  summary.samples = static_cast<int>(samples.size());
  summary.average_ms = sum / samples.size();
  summary.period_s = std::max<int64_t>(1, now_s - oldest);
  uint64_t deviation = 0;
  for (const auto& sample : samples) {
    deviation += static_cast<uint64_t>(std::llabs(static_cast<int64_t>(summary.average_ms) -
                                                  static_cast<int64_t>(sample.latency_ms)));
  }
  summary.mean_deviation_ms = deviation / samples.size();
  return summary;
}

std::string_view fork_quality(double gb_per_s) {
  if (gb_per_s < 10) return "terrible";
  if (gb_per_s < 25) return "poor";
  if (gb_per_s < 100) return "good";
  return "excellent";
}

}  // namespace

std::string latency_doctor(const LatencyMonitor& monitor, const LatencyDoctorSettings& settings) {
  if (monitor.events().empty() && settings.latency_monitor_threshold_ms == 0) {
    return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis "
           "instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in "
           "order to enable it. If we weren't in a deep space mission I'd suggest to take a look "
           "at https://redis.io/topics/latency-monitor.\n";
  }
  std::string report;
  std::array<bool, kAdviceCount> advised{};
  int advice_count = 0;
  auto advise = [&](std::initializer_list<Advice> advices) {
    for (Advice advice : advices) {
      advised[advice] = true;
      ++advice_count;  // Redis counts repeats too; only whether any was given matters
    }
  };
  int number = 0;
  for (const auto& [event, series] : monitor.events()) {
    if (++number == 1) {
      report +=
          "Dave, I have observed latency spikes in this Redis instance. You don't mind talking "
          "about it, do you Dave?\n\n";
    }
    const EventSummary summary = summarize(series, settings.now_s);
    report += fmt::format(
        "{}. {}: {} latency spikes (average {}ms, mean deviation {}ms, period {:.2f} sec). Worst "
        "all time event {}ms.",
        number, event, summary.samples, summary.average_ms, summary.mean_deviation_ms,
        summary.samples ? static_cast<double>(summary.period_s) / summary.samples : 0.0,
        series.max_ms);
    if (event == "fork") {
      const std::string_view quality = fork_quality(settings.fork_rate_gb_per_s);
      if (settings.fork_rate_gb_per_s < 25) advise({kBetterVm});
      report +=
          fmt::format(" Fork rate is {:.2f} GB/sec ({}).", settings.fork_rate_gb_per_s, quality);
    } else if (event == "command") {
      if (settings.slowlog_log_slower_than_us < 0 || settings.slowlog_max_len == 0) {
        advise({kSlowlogEnabled});
      } else if (settings.slowlog_log_slower_than_us / 1000 >
                 settings.latency_monitor_threshold_ms) {
        advise({kSlowlogTuning});
      }
      advise({kSlowlogInspect, kLargeObjects});
    } else if (event == "fast-command") {
      advise({kScheduler});
    } else if (event == "aof-write-pending-fsync") {
      advise({kLocalDisk, kDiskContention, kSsd, kDataWriteback});
    } else if (event == "aof-write-active-child") {
      advise({kNoAppendfsync, kDataWriteback, kSsd});
    } else if (event == "aof-write-alone") {
      advise({kLocalDisk, kDataWriteback, kSsd});
    } else if (event == "aof-fsync-always") {
      advise({kRelaxFsyncPolicy});
    } else if (event == "aof-fstat" || event == "rdb-unlink-temp-file") {
      advise({kDiskContention, kLocalDisk});
    } else if (event == "aof-rewrite-diff-write" || event == "aof-rename") {
      advise({kWriteLoadInfo, kDataWriteback, kSsd, kLocalDisk});
    } else if (event == "expire-cycle") {
      advise({kHz, kLargeObjects});
    } else if (event == "eviction-del") {
      advise({kLargeObjects});
    } else if (event == "eviction-cycle") {
      advise({kMassEviction});
    }
    report += '\n';
  }
  if (settings.anonymous_huge_pages) advise({kDisableThp});
  if (number == 0 && advice_count == 0) {
    report +=
        "Dave, no latency spike was observed during the lifetime of this Redis instance, not in "
        "the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and "
        "think things over.\n";
  } else if (advice_count == 0) {
    report +=
        "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use "
        "the Redis community to get some help, providing this report in your help request.\n";
  } else {
    report += "\nI have a few advices for you:\n\n";
    for (int advice = 0; advice < kAdviceCount; ++advice) {
      if (advised[advice]) {
        report += advice_text(static_cast<Advice>(advice), settings.latency_monitor_threshold_ms);
      }
    }
  }
  return report;
}

bool uses_anonymous_huge_pages() {
  std::ifstream smaps("/proc/self/smaps_rollup");
  std::string line;
  while (std::getline(smaps, line)) {
    constexpr std::string_view kField = "AnonHugePages:";
    if (!line.starts_with(kField)) continue;
    return std::strtoull(line.c_str() + kField.size(), nullptr, 10) > 0;
  }
  return false;
}

}  // namespace fkvs
