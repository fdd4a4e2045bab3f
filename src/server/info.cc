#include "server/info.h"

#include <spdlog/fmt/fmt.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>
#include <cstdio>
#include <iterator>
#include <random>

#include "fkvs_build_config.h"
#include "scripting/script_runner.h"
#include "server/child_process.h"
#include "server/memory_stats.h"
#include "server/server.h"
#include "util/clock.h"
#include "util/number.h"

// The allocator that counts used_memory: ASan's when it replaces malloc, else mimalloc when
// it is linked in, else glibc's.
#if defined(__SANITIZE_ADDRESS__)
#define FKVS_MEMORY_FROM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FKVS_MEMORY_FROM_ASAN 1
#endif
#endif

#if defined(FKVS_MEMORY_FROM_ASAN)
// Public sanitizer API; GCC ships the library but not <sanitizer/allocator_interface.h>.
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#elif FKVS_HAVE_MIMALLOC
#include <mimalloc.h>
// fkvs-server's own malloc family keeps this total (src/allocation_counter.cc);
// programs built without it (the unit tests) have none.
extern "C" [[gnu::weak]] int64_t fkvs_counted_heap_bytes();
#else
#include <malloc.h>
#endif

namespace fkvs {
namespace {

// What INFO reports as the server's version: client libraries gate features on it, so it is
// the Redis release whose behaviour fkvs matches.
constexpr std::string_view kRedisVersion = FKVS_REDIS_COMPAT_VERSION;

// Appends sections and fields in INFO's wire layout.
class InfoText {
 public:
  void section(std::string_view title) {
    if (!text_.empty()) text_ += "\r\n";
    fmt::format_to(std::back_inserter(text_), "# {}\r\n", title);
  }
  template <typename Value>
  void field(std::string_view name, const Value& value) {
    fmt::format_to(std::back_inserter(text_), "{}:{}\r\n", name, value);
  }
  // A field printed with `decimals` digits after the point, as Redis's "%.2f" fields.
  void fixed(std::string_view name, double value, int decimals) {
    fmt::format_to(std::back_inserter(text_), "{}:{:.{}f}\r\n", name, value, decimals);
  }
  std::string take() { return std::move(text_); }

 private:
  std::string text_;
};

std::string random_hex(size_t length) {
  std::random_device source;
  std::string hex;
  while (hex.size() < length) hex += fmt::format("{:08x}", source());
  hex.resize(length);
  return hex;
}

// Like Redis's, both ids are random per process: the run id tells a restarted server apart,
// and the replication id names this (never replicated) history.
const std::string& run_id() {
  static const std::string id = random_hex(40);
  return id;
}

const std::string& master_replid() {
  static const std::string id = random_hex(40);
  return id;
}

// A fingerprint of how this binary was built (FNV-1a of the build settings).
std::string build_id() {
  std::string_view settings =
      FKVS_VERSION " " FKVS_ALLOCATOR " " FKVS_DEFAULT_IO_BACKEND " " __VERSION__;
  uint64_t hash = 14695981039346656037ull;
  for (char c : settings) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  }
  return fmt::format("{:x}", hash);
}

std::string os_name() {
  utsname name;
  if (uname(&name) != 0) return "unknown";
  return fmt::format("{} {} {}", name.sysname, name.release, name.machine);
}

std::string compiler_version() {
#if defined(__GNUC__)
  return fmt::format("{}.{}.{}", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
  return "0.0.0";
#endif
}

std::string executable_path(Server& server) {
  char path[PATH_MAX];
  ssize_t length = readlink("/proc/self/exe", path, sizeof path);
  if (length <= 0 || static_cast<size_t>(length) >= sizeof path) return server.executable_path();
  return std::string(path, static_cast<size_t>(length));
}

uint64_t page_size() { return static_cast<uint64_t>(sysconf(_SC_PAGESIZE)); }

uint64_t total_system_memory() {
  long pages = sysconf(_SC_PHYS_PAGES);
  return pages > 0 ? static_cast<uint64_t>(pages) * page_size() : 0;
}

uint64_t memory_peak = 0;

uint64_t record_memory_peak(uint64_t used) {
  memory_peak = std::max(memory_peak, used);
  return memory_peak;
}

double seconds(const timeval& time) {
  return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_usec) / 1e6;
}

void add_server(InfoText& info, Server& server) {
  int64_t now_us = clock::now_us();
  int64_t uptime_s = (now_us / 1000 - server.start_time_ms()) / 1000;
  const Config& config = server.config();
  info.section("Server");
  info.field("redis_version", kRedisVersion);
  info.field("fkvs_version", FKVS_VERSION);
  info.field("redis_git_sha1", "00000000");
  info.field("redis_git_dirty", 0);
  info.field("redis_build_id", build_id());
  info.field("redis_mode", "standalone");
  info.field("os", os_name());
  info.field("arch_bits", sizeof(void*) * CHAR_BIT);
  info.field("monotonic_clock", "POSIX clock_gettime");
  info.field("multiplexing_api", server.backend_name());
  info.field("atomicvar_api", "c11-builtin");
  info.field("gcc_version", compiler_version());
  info.field("process_id", getpid());
  info.field("process_supervised", server.supervisor().name());
  info.field("run_id", run_id());
  info.field("tcp_port", server.tcp_port());
  info.field("server_time_usec", now_us);
  info.field("uptime_in_seconds", uptime_s);
  info.field("uptime_in_days", uptime_s / 86400);
  info.field("hz", config.hz);
  info.field("configured_hz", config.hz);
  // Redis's LRU clock: unix seconds in 24 bits.
  info.field("lru_clock", (now_us / 1000000) & ((1 << 24) - 1));
  info.field("executable", executable_path(server));
  info.field("config_file", config.config_file);
  info.field("io_threads_active", 0);
}

void add_clients(InfoText& info, Server& server) {
  size_t max_input = 0;
  size_t max_output = 0;
  for (const auto& [id, client] : server.clients()) {
    max_input = std::max(max_input, client->conn().input().capacity());
    max_output = std::max(max_output, client->conn().output_capacity());
  }
  info.section("Clients");
  info.field("connected_clients", server.clients().size());
  info.field("cluster_connections", 0);
  info.field("maxclients", server.config().maxclients);
  info.field("client_recent_max_input_buffer", max_input);
  info.field("client_recent_max_output_buffer", max_output);
  // Clients held by CLIENT PAUSE count as blocked, as in Redis 7.0.
  info.field("blocked_clients",
             server.blocked_clients().count() + server.client_pause().held_count());
  info.field("tracking_clients", server.tracking().tracking_clients());
  info.field("clients_in_timeout_table", server.blocked_clients().count_with_deadline());
}

// Scripting, replication, AOF and lazy freeing do not exist in fkvs, so the memory Redis
// reports for them is zero here.
void add_memory(InfoText& info, Server& server) {
  uint64_t used = used_memory();
  uint64_t peak = record_memory_peak(used);
  uint64_t rss = resident_set_bytes();
  uint64_t system = total_system_memory();
  const Config& config = server.config();
  info.section("Memory");
  info.field("used_memory", used);
  info.field("used_memory_human", bytes_to_human(used));
  info.field("used_memory_rss", rss);
  info.field("used_memory_rss_human", bytes_to_human(rss));
  info.field("used_memory_peak", peak);
  info.field("used_memory_peak_human", bytes_to_human(peak));
  info.field("used_memory_peak_perc",
             fmt::format("{:.2f}%", peak ? static_cast<double>(used) * 100 / peak : 0.0));
  info.field("total_system_memory", system);
  info.field("total_system_memory_human", bytes_to_human(system));
  const scripting::ScriptEngine& scripts = server.scripts().engine();
  const uint64_t lua_bytes = scripts.lua_memory_bytes();
  info.field("used_memory_lua", lua_bytes);
  info.field("used_memory_vm_eval", lua_bytes);
  info.field("used_memory_lua_human", bytes_to_human(lua_bytes));
  info.field("used_memory_scripts_eval", scripts.cached_bytes());
  info.field("number_of_cached_scripts", scripts.script_count());
  const scripting::FunctionEngine& functions = server.scripts().functions();
  const uint64_t function_lua_bytes = functions.lua_memory_bytes();
  const uint64_t functions_bytes = functions.cached_bytes();
  info.field("number_of_functions", functions.function_count());
  info.field("number_of_libraries", functions.libraries().size());
  info.field("used_memory_vm_functions", function_lua_bytes);
  info.field("used_memory_vm_total", lua_bytes + function_lua_bytes);
  info.field("used_memory_vm_total_human", bytes_to_human(lua_bytes + function_lua_bytes));
  info.field("used_memory_functions", functions_bytes);
  info.field("used_memory_scripts", scripts.cached_bytes() + functions_bytes);
  info.field("used_memory_scripts_human", bytes_to_human(scripts.cached_bytes() + functions_bytes));
  info.field("maxmemory", config.maxmemory);
  info.field("maxmemory_human", bytes_to_human(config.maxmemory));
  info.field("maxmemory_policy", config.maxmemory_policy);
  info.fixed("mem_fragmentation_ratio", used ? static_cast<double>(rss) / used : 0.0, 2);
  info.field("mem_fragmentation_bytes", static_cast<int64_t>(rss) - static_cast<int64_t>(used));
  const uint64_t counted = server.eviction().counted_memory();
  info.field("mem_not_counted_for_evict", used > counted ? used - counted : 0);
  info.field("mem_replication_backlog", 0);
  info.field("mem_total_replication_buffers", 0);
  info.field("mem_clients_slaves", 0);
  info.field("mem_clients_normal", client_memory(server));
  info.field("mem_cluster_links", 0);
  info.field("mem_aof_buffer", server.aof().buffered_bytes());
  info.field("mem_allocator", FKVS_ALLOCATOR);
  info.field("active_defrag_running", 0);
  info.field("lazyfree_pending_objects", server.lazy_free().pending());
  info.field("lazyfreed_objects", server.lazy_free().freed());
}

// Snapshots as Snapshotter keeps them; there is no AOF yet.
void add_persistence(InfoText& info, Server& server) {
  const Snapshotter& snapshots = server.snapshots();
  info.section("Persistence");
  info.field("loading", 0);
  info.field("async_loading", 0);
  info.field("current_cow_peak", 0);
  info.field("current_cow_size", 0);
  info.field("current_cow_size_age", 0);
  info.field("current_fork_perc", "0.00");
  info.field("current_save_keys_processed", 0);
  info.field("current_save_keys_total", 0);
  info.field("rdb_changes_since_last_save", server.dirty());
  info.field("rdb_bgsave_in_progress", snapshots.child_running() ? 1 : 0);
  info.field("rdb_last_save_time", server.lastsave_unix());
  info.field("rdb_last_bgsave_status", snapshots.last_bgsave_ok() ? "ok" : "err");
  info.field("rdb_last_bgsave_time_sec", snapshots.last_bgsave_seconds());
  info.field("rdb_current_bgsave_time_sec", snapshots.current_bgsave_seconds());
  info.field("rdb_saves", snapshots.saves());
  info.field("rdb_last_cow_size", snapshots.last_cow_bytes());
  info.field("rdb_last_load_keys_expired", snapshots.last_load_keys_expired());
  info.field("rdb_last_load_keys_loaded", snapshots.last_load_keys_loaded());
  const AppendOnlyFile& aof = server.aof();
  info.field("aof_enabled", server.config().appendonly ? 1 : 0);
  info.field("aof_rewrite_in_progress", aof.rewrite_running() ? 1 : 0);
  info.field("aof_rewrite_scheduled", aof.rewrite_scheduled() ? 1 : 0);
  info.field("aof_last_rewrite_time_sec", aof.last_rewrite_seconds());
  info.field("aof_current_rewrite_time_sec", aof.current_rewrite_seconds());
  info.field("aof_last_bgrewrite_status", aof.last_rewrite_ok() ? "ok" : "err");
  info.field("aof_rewrites", aof.rewrites());
  info.field("aof_rewrites_consecutive_failures", 0);
  info.field("aof_last_write_status", aof.last_write_ok() ? "ok" : "err");
  info.field("aof_last_cow_size", aof.last_cow_bytes());
  info.field("module_fork_in_progress", 0);
  info.field("module_fork_last_cow_size", 0);
  if (aof.on()) {
    info.field("aof_current_size", aof.current_size());
    info.field("aof_base_size", aof.base_size());
    info.field("aof_pending_rewrite", 0);
    info.field("aof_buffer_length", 0);
    info.field("aof_pending_bio_fsync", 0);
    info.field("aof_delayed_fsync", 0);
  }
}

// Fields for features fkvs lacks (replication, defragmentation, I/O threads) are zero because
// nothing of the kind ever happens.
void add_stats(InfoText& info, Server& server) {
  const ServerStats& stats = server.stats();
  const KeyspaceStats& keyspace = server.keyspace_stats();
  // Closed connections' bytes are in the stats; open ones still count their own.
  uint64_t input_bytes = stats.total_net_input_bytes;
  uint64_t output_bytes = stats.total_net_output_bytes;
  for (const auto& [id, client] : server.clients()) {
    input_bytes += client->conn().bytes_received;
    output_bytes += client->conn().bytes_sent;
  }
  info.section("Stats");
  info.field("total_connections_received", stats.total_connections_received);
  info.field("total_commands_processed", stats.total_commands_processed);
  info.field("instantaneous_ops_per_sec", server.instantaneous_ops_per_sec());
  info.field("total_net_input_bytes", input_bytes);
  info.field("total_net_output_bytes", output_bytes);
  info.field("total_net_repl_input_bytes", 0);
  info.field("total_net_repl_output_bytes", 0);
  info.field("rejected_connections", stats.rejected_connections);
  info.field("sync_full", 0);
  info.field("sync_partial_ok", 0);
  info.field("sync_partial_err", 0);
  info.field("expired_keys", keyspace.expired_keys);
  info.field("expired_stale_perc", fmt::format("{:.2f}", keyspace.expired_stale_perc * 100));
  info.field("expired_time_cap_reached_count", keyspace.expired_time_cap_reached_count);
  info.field("evicted_keys", server.eviction().evicted_keys());
  info.field("evicted_clients", stats.evicted_clients);
  info.field("total_eviction_exceeded_time", server.eviction().total_exceeded_ms());
  info.field("current_eviction_exceeded_time", server.eviction().current_exceeded_ms());
  info.field("keyspace_hits", keyspace.keyspace_hits);
  info.field("keyspace_misses", keyspace.keyspace_misses);
  info.field("pubsub_channels", server.pubsub().count(SubscriptionKind::kChannel));
  info.field("pubsub_patterns", server.pubsub().count(SubscriptionKind::kPattern));
  info.field("pubsubshard_channels", server.pubsub().count(SubscriptionKind::kShardChannel));
  info.field("latest_fork_usec", fork_stats().latest_fork_us);
  info.field("total_forks", fork_stats().total_forks);
  info.field("migrate_cached_sockets", 0);
  info.field("slave_expires_tracked_keys", 0);
  info.field("active_defrag_hits", 0);
  info.field("active_defrag_misses", 0);
  info.field("active_defrag_key_hits", 0);
  info.field("active_defrag_key_misses", 0);
  info.field("total_active_defrag_time", 0);
  info.field("current_active_defrag_time", 0);
  info.field("tracking_total_keys", server.tracking().total_keys());
  info.field("tracking_total_items", server.tracking().total_items());
  info.field("tracking_total_prefixes", server.tracking().total_prefixes());
  info.field("unexpected_error_replies", stats.unexpected_error_replies);
  info.field("total_error_replies", server.error_stats().total());
  info.field("dump_payload_sanitizations", 0);
  info.field("io_threaded_reads_processed", 0);
  info.field("io_threaded_writes_processed", 0);
  // Reported by Redis from 7.2 on; monitoring tools look for them.
  info.field("client_query_buffer_limit_disconnections",
             stats.client_query_buffer_limit_disconnections);
  info.field("client_output_buffer_limit_disconnections",
             stats.client_output_buffer_limit_disconnections);
}

void add_replication(InfoText& info, Server&) {
  info.section("Replication");
  info.field("role", "master");
  info.field("connected_slaves", 0);
  info.field("master_failover_state", "no-failover");
  info.field("master_replid", master_replid());
  info.field("master_replid2", std::string(40, '0'));
  info.field("master_repl_offset", 0);
  info.field("second_repl_offset", -1);
  info.field("repl_backlog_active", 0);
  info.field("repl_backlog_size", 1048576);
  info.field("repl_backlog_first_byte_offset", 0);
  info.field("repl_backlog_histlen", 0);
}

void add_cpu(InfoText& info, Server&) {
  rusage self{};
  rusage children{};
  rusage main_thread{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  getrusage(RUSAGE_THREAD, &main_thread);  // INFO runs on the one thread that serves clients
  info.section("CPU");
  info.fixed("used_cpu_sys", seconds(self.ru_stime), 6);
  info.fixed("used_cpu_user", seconds(self.ru_utime), 6);
  info.fixed("used_cpu_sys_children", seconds(children.ru_stime), 6);
  info.fixed("used_cpu_user_children", seconds(children.ru_utime), 6);
  info.fixed("used_cpu_sys_main_thread", seconds(main_thread.ru_stime), 6);
  info.fixed("used_cpu_user_main_thread", seconds(main_thread.ru_utime), 6);
}

void add_modules(InfoText& info, Server&) { info.section("Modules"); }

void add_command_stats(InfoText& info, const Command& command) {
  if (command.calls || command.rejected_calls || command.failed_calls) {
    const auto usec =
        static_cast<uint64_t>(static_cast<double>(command.ticks) / clock::ticks_per_us());
    double per_call = command.calls ? static_cast<double>(usec) / command.calls : 0.0;
    info.field(
        fmt::format("cmdstat_{}", command.spec.name),
        fmt::format("calls={},usec={},usec_per_call={:.2f},rejected_calls={},failed_calls={}",
                    command.calls, usec, per_call, command.rejected_calls, command.failed_calls));
  }
  for (const Command& sub : command.subcommands) add_command_stats(info, sub);
}

void add_commandstats(InfoText& info, Server& server) {
  info.section("Commandstats");
  for (const Command& command : server.commands().commands()) add_command_stats(info, command);
}

void add_errorstats(InfoText& info, Server& server) {
  info.section("Errorstats");
  for (const auto& [code, count] : server.error_stats().by_code()) {
    info.field(fmt::format("errorstat_{}", code), fmt::format("count={}", count));
  }
}

void add_latency_percentiles(InfoText& info, const Config& config, const Command& command) {
  if (!command.latency_histogram.empty()) {
    std::string line;
    for (double percentile : config.latency_tracking_info_percentiles) {
      if (!line.empty()) line += ',';
      const auto ns = command.latency_histogram.value_at_percentile(percentile);
      line += fmt::format("p{}={:.3f}", format_fixed_trimmed(percentile),
                          static_cast<double>(ns) / 1000.0);
    }
    info.field(fmt::format("latency_percentiles_usec_{}", command.spec.name), line);
  }
  for (const Command& sub : command.subcommands) add_latency_percentiles(info, config, sub);
}

void add_latencystats(InfoText& info, Server& server) {
  info.section("Latencystats");
  for (const Command& command : server.commands().commands()) {
    add_latency_percentiles(info, server.config(), command);
  }
}

void add_cluster(InfoText& info, Server&) {
  info.section("Cluster");
  info.field("cluster_enabled", 0);
}

// avg_ttl is 0: Db keeps no running estimate of it, and computing one would mean walking
// every key with a TTL.
void add_keyspace(InfoText& info, Server& server) {
  info.section("Keyspace");
  for (int index = 0; index < server.db_count(); ++index) {
    Db& db = server.db(index);
    if (db.size() == 0) continue;
    info.field(fmt::format("db{}", index),
               fmt::format("keys={},expires={},avg_ttl=0", db.size(), db.expires_count()));
  }
}

struct Section {
  std::string_view name;  // as INFO takes it
  bool in_default;        // part of a bare INFO
  void (*add)(InfoText&, Server&);
};

// In the order Redis prints them, whatever order they were asked for in.
constexpr std::array kSections = {
    Section{"server", true, add_server},
    Section{"clients", true, add_clients},
    Section{"memory", true, add_memory},
    Section{"persistence", true, add_persistence},
    Section{"stats", true, add_stats},
    Section{"replication", true, add_replication},
    Section{"cpu", true, add_cpu},
    Section{"modules", true, add_modules},
    Section{"commandstats", false, add_commandstats},
    Section{"errorstats", true, add_errorstats},
    Section{"latencystats", false, add_latencystats},
    Section{"cluster", true, add_cluster},
    Section{"keyspace", true, add_keyspace},
};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string bytes_to_human(uint64_t bytes) {
  static constexpr std::string_view kUnits = "KMGTP";
  uint64_t unit_size = 1;
  for (char unit : kUnits) {
    unit_size *= 1024;
    if (bytes < unit_size) break;
    if (bytes / unit_size < 1024) {
      return fmt::format("{:.2f}{}", static_cast<double>(bytes) / unit_size, unit);
    }
  }
  // Under 1K, and (as in Redis) from 1024P on, the count is printed as it is.
  return fmt::format("{}B", bytes);
}

uint64_t used_memory() {
#if defined(FKVS_MEMORY_FROM_ASAN)
  return __sanitizer_get_current_allocated_bytes();
#elif FKVS_HAVE_MIMALLOC
  if (fkvs_counted_heap_bytes != nullptr) {
    return static_cast<uint64_t>(std::max<int64_t>(fkvs_counted_heap_bytes(), 0));
  }
  // mimalloc keeps no allocated-bytes counter in release builds, so add up the blocks in use
  // page by page (without visiting the blocks themselves): the serving thread's heap, and
  // while a save child runs the second heap it then allocates from (see shared_pages).
  uint64_t total = 0;
  auto add_up = [&total](mi_heap_t* heap) {
    mi_heap_visit_blocks(
        heap, false,
        [](const mi_heap_t*, const mi_heap_area_t* area, void* block, size_t, void* sum) {
          if (block == nullptr) *static_cast<uint64_t*>(sum) += area->used * area->block_size;
          return true;
        },
        &total);
  };
  add_up(mi_heap_get_backing());
  if (mi_heap_get_default() != mi_heap_get_backing()) add_up(mi_heap_get_default());
  return total;
#else
  struct mallinfo2 heap = mallinfo2();
  return heap.uordblks + heap.hblkhd;  // in arenas plus mmapped chunks
#endif
}

uint64_t sample_memory_peak(uint64_t used) { return record_memory_peak(used); }

std::string build_info(Server& server, std::span<const std::string_view> sections) {
  std::array<bool, kSections.size()> wanted{};
  auto add_defaults = [&] {
    for (size_t i = 0; i < kSections.size(); ++i) wanted[i] = wanted[i] || kSections[i].in_default;
  };
  if (sections.empty()) add_defaults();
  for (std::string_view requested : sections) {
    std::string name = lower(requested);
    if (name == "default") {
      add_defaults();
    } else if (name == "all" || name == "everything") {
      wanted.fill(true);  // no modules, so "all" and "everything" are the same
    } else {
      for (size_t i = 0; i < kSections.size(); ++i)
        wanted[i] = wanted[i] || kSections[i].name == name;
    }
  }
  InfoText info;
  for (size_t i = 0; i < kSections.size(); ++i) {
    if (wanted[i]) kSections[i].add(info, server);
  }
  return info.take();
}

}  // namespace fkvs
