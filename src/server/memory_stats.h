#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace fkvs {

class Server;

// What the keyspace's own structures of one database hold (MEMORY STATS's db.N).
struct DbMemoryOverhead {
  int index;
  uint64_t main_table;  // the bucket array and each key's entry header
  uint64_t expires;     // the index of keys with a TTL
};

// The server's memory as MEMORY STATS breaks it down, with Redis 7.0's meaning for each
// field; the parts fkvs does not have (replication, scripting, the AOF buffer) are zero.
struct MemoryStats {
  uint64_t peak_allocated = 0;
  uint64_t total_allocated = 0;    // used_memory
  uint64_t startup_allocated = 0;  // used_memory once the server was set up, before loading
  uint64_t clients_normal = 0;
  size_t client_count = 0;
  std::vector<DbMemoryOverhead> dbs;  // the databases that hold keys
  uint64_t overhead_total = 0;
  uint64_t keys_count = 0;
  uint64_t keys_bytes_per_key = 0;
  uint64_t dataset_bytes = 0;  // what the keys and values hold
  float dataset_percentage = 0;
  float peak_percentage = 0;
  // What the allocator says: bytes in live blocks, bytes it took from the system for them,
  // and of those the bytes in memory.
  uint64_t allocator_allocated = 0;
  uint64_t allocator_active = 0;
  uint64_t allocator_resident = 0;
  uint64_t process_rss = 0;

  // Redis computes these ratios as floats; the byte counts are differences and may be
  // negative.
  float allocator_fragmentation_ratio() const {
    return ratio(allocator_active, allocator_allocated);
  }
  int64_t allocator_fragmentation_bytes() const {
    return difference(allocator_active, allocator_allocated);
  }
  float allocator_rss_ratio() const { return ratio(allocator_resident, allocator_active); }
  int64_t allocator_rss_bytes() const { return difference(allocator_resident, allocator_active); }
  float rss_overhead_ratio() const { return ratio(process_rss, allocator_resident); }
  int64_t rss_overhead_bytes() const { return difference(process_rss, allocator_resident); }
  float fragmentation_ratio() const { return ratio(process_rss, total_allocated); }
  int64_t fragmentation_bytes() const { return difference(process_rss, total_allocated); }

 private:
  static float ratio(uint64_t a, uint64_t b) {
    return b == 0 ? 0 : static_cast<float>(a) / static_cast<float>(b);
  }
  static int64_t difference(uint64_t a, uint64_t b) {
    return static_cast<int64_t>(a) - static_cast<int64_t>(b);
  }
};

MemoryStats collect_memory_stats(Server& server);

// MEMORY DOCTOR's report, in Redis 7.0's words, of the issues the stats show.
std::string memory_doctor_report(const MemoryStats& stats);

// MEMORY MALLOC-STATS: the allocator's own statistics text.
std::string allocator_stats_text();

// MEMORY PURGE: asks the allocator to give the memory it no longer uses back to the system.
void purge_allocator();

// The process's resident set size, in bytes (0 when it cannot be read).
uint64_t resident_set_bytes();

// What the open clients hold: their state and their query and reply buffers.
uint64_t client_memory(Server& server);

}  // namespace fkvs
