#include "server/memory_stats.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "fkvs_build_config.h"
#include "server/info.h"
#include "server/server.h"

#if FKVS_HAVE_MIMALLOC
#include <mimalloc.h>
#else
#include <malloc.h>
#endif

namespace fkvs {
namespace {

// The bytes of the allocator's pages that hold blocks of the sizes in use, free blocks among
// them included (what jemalloc calls active, and Redis shows as allocator.active).
uint64_t allocator_active_bytes([[maybe_unused]] uint64_t allocated) {
#if FKVS_HAVE_MIMALLOC
  uint64_t total = 0;
  auto add_up = [&total](mi_heap_t* heap) {
    mi_heap_visit_blocks(
        heap, false,
        [](const mi_heap_t*, const mi_heap_area_t* area, void* block, size_t, void* sum) {
          if (block == nullptr) *static_cast<uint64_t*>(sum) += area->committed;
          return true;
        },
        &total);
  };
  add_up(mi_heap_get_backing());
  if (mi_heap_get_default() != mi_heap_get_backing()) add_up(mi_heap_get_default());
  return total;
#elif defined(__GLIBC__)
  struct mallinfo2 heap = mallinfo2();
  return heap.arena + heap.hblkhd;
#else
  return allocated;
#endif
}

// Redis's thresholds: a diagnosis needs a ratio past its limit and this many bytes.
constexpr uint64_t kSmallInstanceBytes = 5 * 1024 * 1024;
constexpr int64_t kIssueBytes = 10 * 1024 * 1024;
constexpr uint64_t kBigClientBytes = 200 * 1024;

constexpr const char* kEmpty =
    "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be "
    "used in these conditions. Please, leave for your mission on Earth and fill it with some "
    "data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n";
constexpr const char* kHealthy =
    "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs "
    "on this base.\n";
constexpr const char* kIssuesHeader =
    "Sam, I detected a few issues in this Redis instance memory implants:\n\n";
constexpr const char* kPeak =
    " * Peak memory: In the past this instance used more than 150% the memory that is currently "
    "using. The allocator is normally not able to release memory after a peak, so you can "
    "expect to see a big fragmentation ratio, however this is actually harmless and is only due "
    "to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger "
    "than expected, the memory will be used as soon as you fill the Redis instance with more "
    "data. If the memory peak was only occasional and you want to try to reclaim memory, please "
    "try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart "
    "the instance.\n\n";
constexpr const char* kTotalRss =
    " * High total RSS: This instance has a memory fragmentation and RSS overhead greater than "
    "1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum "
    "of the logical allocations Redis performed). This problem is usually due either to a large "
    "peak memory (check if there is a peak memory entry above in the report) or may result from "
    "a workload that causes the allocator to fragment memory a lot. If the problem is a large "
    "peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc "
    "allocator and not the default libc malloc. Note: The currently used allocator is "
    "\"" FKVS_ALLOCATOR "\".\n\n";
constexpr const char* kAllocatorFragmentation =
    " * High allocator fragmentation: This instance has an allocator external fragmentation "
    "greater than 1.1. This problem is usually due either to a large peak memory (check if there "
    "is a peak memory entry above in the report) or may result from a workload that causes the "
    "allocator to fragment memory a lot. You can try enabling 'activedefrag' config option.\n\n";
constexpr const char* kAllocatorRss =
    " * High allocator RSS overhead: This instance has an RSS memory overhead is greater than "
    "1.1 (this means that the Resident Set Size of the allocator is much larger than the sum "
    "what the allocator actually holds). This problem is usually due to a large peak memory "
    "(check if there is a peak memory entry above in the report), you can try the MEMORY PURGE "
    "command to reclaim it.\n\n";
constexpr const char* kProcessRss =
    " * High process RSS overhead: This instance has non-allocator RSS memory overhead is "
    "greater than 1.1 (this means that the Resident Set Size of the Redis process is much "
    "larger than the RSS the allocator holds). This problem may be due to Lua scripts or "
    "Modules.\n\n";
constexpr const char* kBigClients =
    " * Big client buffers: The clients output buffers in this instance are greater than 200K "
    "per client (on average). This may result from different causes, like Pub/Sub clients "
    "subscribed to channels bot not receiving data fast enough, so that data piles on the Redis "
    "instance output buffer, or clients sending commands with large replies or very large "
    "sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to "
    "investigate the issue if it causes problems in your instance, or to understand better why "
    "certain clients are using a big amount of memory.\n\n";
constexpr const char* kSignature = "I'm here to keep you safe, Sam. I want to help you.\n";

}  // namespace

uint64_t resident_set_bytes() {
  std::FILE* statm = std::fopen("/proc/self/statm", "r");
  if (statm == nullptr) return 0;
  unsigned long long total_pages = 0;
  unsigned long long resident_pages = 0;
  int fields = std::fscanf(statm, "%llu %llu", &total_pages, &resident_pages);
  std::fclose(statm);
  return fields == 2 ? resident_pages * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)) : 0;
}

uint64_t client_memory(Server& server) {
  uint64_t total = 0;
  for (const auto& [id, client] : server.clients()) {
    total += sizeof(Client) + sizeof(net::Connection) + client->conn().input().capacity() +
             client->conn().output_capacity();
  }
  return total;
}

MemoryStats collect_memory_stats(Server& server) {
  MemoryStats stats;
  stats.total_allocated = used_memory();
  stats.peak_allocated = sample_memory_peak(stats.total_allocated);
  stats.startup_allocated = server.startup_memory();
  stats.clients_normal = client_memory(server);
  stats.client_count = server.clients().size();
  stats.overhead_total = stats.startup_allocated + stats.clients_normal;
  for (int i = 0; i < server.db_count(); ++i) {
    const Db& db = server.db(i);
    if (db.size() == 0) continue;
    stats.dbs.push_back({i, db.table_overhead_bytes(), db.expires_overhead_bytes()});
    stats.overhead_total += stats.dbs.back().main_table + stats.dbs.back().expires;
    stats.keys_count += db.size();
  }
  // As Redis: what was allocated since start-up, spread over the keys.
  const uint64_t net_usage = stats.total_allocated > stats.startup_allocated
                                 ? stats.total_allocated - stats.startup_allocated
                                 : 1;
  if (stats.keys_count > 0) stats.keys_bytes_per_key = net_usage / stats.keys_count;
  stats.dataset_bytes = stats.total_allocated > stats.overhead_total
                            ? stats.total_allocated - stats.overhead_total
                            : 0;
  stats.dataset_percentage =
      static_cast<float>(stats.dataset_bytes) * 100 / static_cast<float>(net_usage);
  if (stats.peak_allocated > 0) {
    // In double, then float: at the peak itself float arithmetic says 100.0000076.
    stats.peak_percentage = static_cast<float>(static_cast<double>(stats.total_allocated) * 100 /
                                               static_cast<double>(stats.peak_allocated));
  }
  stats.allocator_allocated = stats.total_allocated;
  stats.allocator_active = allocator_active_bytes(stats.total_allocated);
  // No allocator fkvs links with tells which of its active pages are resident.
  stats.allocator_resident = stats.allocator_active;
  stats.process_rss = resident_set_bytes();
  return stats;
}

std::string memory_doctor_report(const MemoryStats& stats) {
  if (stats.total_allocated < kSmallInstanceBytes) return kEmpty;
  std::string issues;
  if (static_cast<float>(stats.peak_allocated) / static_cast<float>(stats.total_allocated) > 1.5f) {
    issues += kPeak;
  }
  if (stats.fragmentation_ratio() > 1.4f && stats.fragmentation_bytes() > kIssueBytes) {
    issues += kTotalRss;
  }
  if (stats.allocator_fragmentation_ratio() > 1.1f &&
      stats.allocator_fragmentation_bytes() > kIssueBytes) {
    issues += kAllocatorFragmentation;
  }
  if (stats.allocator_rss_ratio() > 1.1f && stats.allocator_rss_bytes() > kIssueBytes) {
    issues += kAllocatorRss;
  }
  if (stats.rss_overhead_ratio() > 1.1f && stats.rss_overhead_bytes() > kIssueBytes) {
    issues += kProcessRss;
  }
  if (stats.client_count > 0 && stats.clients_normal / stats.client_count > kBigClientBytes) {
    issues += kBigClients;
  }
  if (issues.empty()) return kHealthy;
  return kIssuesHeader + issues + kSignature;
}

std::string allocator_stats_text() {
#if FKVS_HAVE_MIMALLOC
  std::string text;
  mi_stats_print_out(
      [](const char* message, void* out) { static_cast<std::string*>(out)->append(message); },
      &text);
  return text;
#else
  return "Stats not supported for the current allocator";
#endif
}

void purge_allocator() {
#if FKVS_HAVE_MIMALLOC
  mi_collect(true);
#elif defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace fkvs
